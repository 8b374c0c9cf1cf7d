/*
 * ReductionBench: sequential and pool reductions. GB/s in the "gigabytes" counter; bytes per call:
 * sum and sumOfSquares 4n, dot 8n, the sliced global norm 4n. threads sets the pool size of the pool
 * variants (the machine's core count bounds what helps).
 */
package dev.vectrain.bench;

import dev.vectrain.kernel.Reductions;
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
public class ReductionBench {
    @Param({"4096", "4194304"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private float[] x;
    private float[] y;
    private int[] offsets;
    private int[] lengths;
    private WorkerPool pool;

    @Setup
    public void setup() {
        x = BenchChecks.random(5, n, -1, 1);
        y = BenchChecks.random(6, n, -1, 1);
        pool = new WorkerPool(threads);
        // a model-like layout: 8 tensors of uneven sizes covering x
        offsets = new int[8];
        lengths = new int[8];
        int at = 0;
        for (int i = 0; i < 8; i++) {
            offsets[i] = at;
            lengths[i] = i == 7 ? n - at : n / (i % 2 == 0 ? 5 : 20);
            at += lengths[i];
        }
        double s = 0;
        double d = 0;
        double q = 0;
        for (int i = 0; i < n; i++) {
            s += x[i];
            d += (double) x[i] * y[i];
            q += (double) x[i] * x[i];
        }
        BenchChecks.close("sum", s, Reductions.sum(n, x, 0), 1e-4);
        BenchChecks.close("dot", d, Reductions.dot(n, x, 0, y, 0), 1e-4);
        BenchChecks.close("sumOfSquares(pool)", q, Reductions.sumOfSquares(pool, n, x, 0), 1e-5);
        BenchChecks.close("l2Norm(slices)", Math.sqrt(q), Reductions.l2Norm(pool, x, offsets, lengths, 8), 1e-5);
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float sum(Traffic t) {
        t.add(4L * n);
        return Reductions.sum(n, x, 0);
    }

    @Benchmark
    public float dot(Traffic t) {
        t.add(8L * n);
        return Reductions.dot(n, x, 0, y, 0);
    }

    @Benchmark
    public double sumOfSquaresPool(Traffic t) {
        t.add(4L * n);
        return Reductions.sumOfSquares(pool, n, x, 0);
    }

    @Benchmark
    public double l2NormSlicesPool(Traffic t) {
        t.add(4L * n);
        return Reductions.l2Norm(pool, x, offsets, lengths, 8);
    }
}
