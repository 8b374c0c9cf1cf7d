/*
 * ActivationBench: forward and backward activations. GB/s in the "gigabytes" counter; bytes per
 * call: forward 8n (read x, write y), backward 12n (read x or y, read dy, write dx; in place, dx is dy). The transcendental
 * ones (sigmoid, tanh, GELU) show how far their arithmetic is from the memory bound. Every benchmark runs
 * through ParallelActivations on a pool of `threads` (one thread: the Activations kernel on the caller).
 */
package dev.vectrain.bench;

import dev.vectrain.kernel.ParallelActivations;
import dev.vectrain.kernel.ParallelActivations.Function;
import dev.vectrain.parallel.WorkerPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ActivationBench {
    @Param({"4096", "4194304"})
    public int n;

    @Param({"1"})
    public int threads;

    private WorkerPool pool;
    private float[] x;
    private float[] y;
    private float[] dy;
    private float[] dx;

    @Setup
    public void setup() {
        x = BenchChecks.random(3, n, -5, 5);
        y = new float[n];
        dy = BenchChecks.random(4, n, -1, 1);
        dx = new float[n];
        pool = new WorkerPool(threads);
        float[] expected = new float[n];
        ParallelActivations.forward(pool, Function.GELU, 0, n, x, 0, y, 0);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            expected[i] = (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
        BenchChecks.close("gelu", expected, y, n, 1e-5);
        ParallelActivations.forward(pool, Function.SIGMOID, 0, n, x, 0, y, 0);
        for (int i = 0; i < n; i++) {
            expected[i] = (float) (1 / (1 + Math.exp(-x[i])));
        }
        BenchChecks.close("sigmoid", expected, y, n, 1e-5);
        ParallelActivations.forward(pool, Function.TANH, 0, n, x, 0, y, 0);
        for (int i = 0; i < n; i++) {
            expected[i] = (float) Math.tanh(x[i]);
        }
        BenchChecks.close("tanh", expected, y, n, 1e-5);
        ParallelActivations.forward(pool, Function.RELU, 0, n, x, 0, y, 0);
        for (int i = 0; i < n; i++) {
            expected[i] = Math.max(0f, x[i]);
        }
        BenchChecks.close("relu", expected, y, n, 0);
    }

    @Benchmark
    public float[] reluForward(Traffic t) {
        ParallelActivations.forward(pool, Function.RELU, 0, n, x, 0, y, 0);
        t.add(8L * n);
        return y;
    }

    @Benchmark
    public float[] reluBackward(Traffic t) {
        ParallelActivations.backward(pool, Function.RELU, 0, n, x, 0, y, 0, dy, 0, dx, 0);
        t.add(12L * n);
        return dx;
    }

    /**
     * ReLU backward as the Activation layer runs it: dx written over dy. The same 12n compulsory bytes, but
     * two arrays instead of three, and no write-allocate reads of a separate dx.
     */
    @Benchmark
    public float[] reluBackwardInPlace(Traffic t) {
        ParallelActivations.backward(pool, Function.RELU, 0, n, x, 0, y, 0, dy, 0, dy, 0);
        t.add(12L * n);
        return dy;
    }

    @Benchmark
    public float[] sigmoidForward(Traffic t) {
        ParallelActivations.forward(pool, Function.SIGMOID, 0, n, x, 0, y, 0);
        t.add(8L * n);
        return y;
    }

    @Benchmark
    public float[] tanhForward(Traffic t) {
        ParallelActivations.forward(pool, Function.TANH, 0, n, x, 0, y, 0);
        t.add(8L * n);
        return y;
    }

    @Benchmark
    public float[] geluForward(Traffic t) {
        ParallelActivations.forward(pool, Function.GELU, 0, n, x, 0, y, 0);
        t.add(8L * n);
        return y;
    }

    @Benchmark
    public float[] geluBackward(Traffic t) {
        ParallelActivations.backward(pool, Function.GELU, 0, n, x, 0, y, 0, dy, 0, dx, 0);
        t.add(12L * n);
        return dx;
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }
}
