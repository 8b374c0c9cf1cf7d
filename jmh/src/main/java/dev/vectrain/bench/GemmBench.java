/*
 * GemmBench: JMH throughput of Gemm on the MLP 784-512-256-10 shapes and square NN products, for 1
 * and 2 threads. Dense calls NT for the forward pass (batch x out x in), TN for the weight gradient
 * (out x in x batch) and NN for the input gradient (batch x in x out); the first shapes are
 * run-sgemm's list, then the 10-class layer in all three layouts and the batch-1 (GEMV and outer
 * product) shapes. Setup checks sampled C elements against a double dot product before anything is
 * timed. C is overwritten (OpenBLAS's beta = 0), also where Dense accumulates. Score is calls/s;
 * GFLOP/s = score × 2·m·n·k / 1e9 (native-bench/run-sgemm does this conversion and compares with
 * OpenBLAS). Run with -prof gc to see that a call allocates nothing.
 */
package dev.vectrain.bench;

import dev.vectrain.kernel.Gemm;
import dev.vectrain.parallel.WorkerPool;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class GemmBench {
    /** "MxNxK:op" with op nn (A·B), nt (A·Bᵀ, B stored n×k) or tn (Aᵀ·B, A stored k×m). */
    @Param({"128x512x784:nn", "128x256x512:nn", "128x10x256:nn", "784x512x128:tn", "128x784x512:nt",
        "256x256x256:nn", "512x512x512:nn", "1024x1024x1024:nn", "2048x2048x2048:nn",
        "128x10x256:nt", "128x10x256:tn", "10x256x128:tn", "128x256x10:nn",
        "1x512x784:nt", "1x256x512:nt", "1x10x256:nt", "512x784x1:tn", "256x512x1:tn", "10x256x1:tn",
        "1x512x256:nn", "1x256x10:nn"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private WorkerPool pool;
    private int m;
    private int n;
    private int k;
    private char op;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split(":");
        String[] dims = parts[0].split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        op = parts[1].charAt(0) == 't' ? 'T' : parts[1].charAt(1) == 't' ? 't' : 'n';
        SplittableRandom r = new SplittableRandom(42);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (r.nextDouble() * 2 - 1);
        }
        pool = new WorkerPool(threads);
        java.util.Arrays.fill(c, Float.NaN);
        gemm();
        validate(r);
    }

    /** Compares 512 sampled elements of C with a double-precision dot product. */
    private void validate(SplittableRandom r) {
        for (int s = 0; s < 512; s++) {
            int i = r.nextInt(m);
            int j = r.nextInt(n);
            double want = 0;
            for (int p = 0; p < k; p++) {
                float av = op == 'T' ? a[p * m + i] : a[i * k + p];
                float bv = op == 't' ? b[j * k + p] : b[p * n + j];
                want += (double) av * bv;
            }
            double got = c[i * n + j];
            if (!(Math.abs(got - want) <= 1e-5 * k + 1e-6 * Math.abs(want))) {
                throw new IllegalStateException(shape + ": C[" + i + "," + j + "] = " + got + ", expected " + want);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] gemm() {
        switch (op) {
            case 'T' -> Gemm.tn(pool, m, n, k, a, 0, m, b, 0, n, c, 0, n, false);
            case 't' -> Gemm.nt(pool, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
            default -> Gemm.nn(pool, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        }
        return c;
    }
}
