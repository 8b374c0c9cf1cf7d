/*
 * ElementwiseBench: the streaming kernels against three copy baselines (a plain loop the JIT
 * auto-vectorizes, a FloatVector loop, and System.arraycopy via Elementwise.copy) measured in the same run, so
 * "fraction of copy bandwidth" is read off one table. GB/s in the "gigabytes" counter; bytes per call:
 * copy 8n, axpy 12n, scale 8n, fill 4n. `threads` applies to the two copy references only (copy and
 * vectorCopyLoop split into one aligned range per pool thread): they are what the pooled kernels of
 * ActivationBench and SoftmaxBench are read against at the same thread count; the other benchmarks run on one.
 */
package dev.vectrain.bench;

import dev.vectrain.kernel.Elementwise;
import dev.vectrain.kernel.Vec;
import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
public class ElementwiseBench {
    private static final VectorSpecies<Float> SPECIES = Vec.SPECIES;

    /** 4096 floats (16 KB per array) stays in L1/L2; 4M floats (16 MB per array) streams from memory. */
    @Param({"4096", "4194304"})
    public int n;

    /** Pool size for copy and vectorCopyLoop. */
    @Param({"1"})
    public int threads;

    private float[] x;
    private float[] y;
    private float alpha;
    private WorkerPool pool;
    private final ParallelTask arrayCopyTask = (w, ws) -> {
        int from = Ranges.alignedStart(n, w, ws, 64);
        Elementwise.copy(Ranges.alignedEnd(n, w, ws, 64) - from, x, from, y, from);
    };
    private final ParallelTask vectorCopyTask = (w, ws) -> {
        int from = Ranges.alignedStart(n, w, ws, 64);
        vectorCopy(x, y, from, Ranges.alignedEnd(n, w, ws, 64));
    };

    @Setup
    public void setup() {
        x = BenchChecks.random(1, n, -1, 1);
        y = BenchChecks.random(2, n, -1, 1);
        alpha = -1f;
        pool = new WorkerPool(threads);
        float[] expected = y.clone();
        for (int i = 0; i < n; i++) {
            expected[i] = Math.fma(x[i], 0.5f, expected[i]);
        }
        float[] got = y.clone();
        Elementwise.axpy(n, 0.5f, x, 0, got, 0);
        BenchChecks.close("axpy", expected, got, n, 1e-6);
        Elementwise.scale(n, -1f, got, 0);
        for (int i = 0; i < n; i++) {
            expected[i] = -expected[i];
        }
        BenchChecks.close("scale", expected, got, n, 0);
        Elementwise.copy(n, x, 0, got, 0);
        BenchChecks.close("copy", x, got, n, 0);
    }

    /** Baseline: plain loop copy, 8n bytes. */
    @Benchmark
    public float[] baselineCopyLoop(Traffic t) {
        float[] src = x;
        float[] dst = y;
        for (int i = 0; i < n; i++) {
            dst[i] = src[i];
        }
        t.add(8L * n);
        return dst;
    }

    /**
     * Baseline: copy with FloatVector loads and stores, 8n bytes: the store path every vector kernel has
     * (each store first reads its line, write-allocate), where System.arraycopy's stub may stream past it.
     */
    @Benchmark
    public float[] vectorCopyLoop(Traffic t) {
        if (threads == 1) {
            vectorCopy(x, y, 0, n);
        } else {
            pool.execute(vectorCopyTask);
        }
        t.add(8L * n);
        return y;
    }

    private static void vectorCopy(float[] src, float[] dst, int from, int to) {
        int bound = from + SPECIES.loopBound(to - from);
        int i = from;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, src, i).intoArray(dst, i);
        }
        for (; i < to; i++) {
            dst[i] = src[i];
        }
    }

    /** Elementwise.copy (System.arraycopy), 8n bytes. */
    @Benchmark
    public float[] copy(Traffic t) {
        if (threads == 1) {
            Elementwise.copy(n, x, 0, y, 0);
        } else {
            pool.execute(arrayCopyTask);
        }
        t.add(8L * n);
        return y;
    }

    /** y += alpha·x with alpha = 1e-3 (no drift to overflow), 12n bytes. */
    @Benchmark
    public float[] axpy(Traffic t) {
        Elementwise.axpy(n, 1e-3f, x, 0, y, 0);
        t.add(12L * n);
        return y;
    }

    /** x *= −1 (flips sign, no drift), 8n bytes. */
    @Benchmark
    public float[] scale(Traffic t) {
        Elementwise.scale(n, alpha, y, 0);
        t.add(8L * n);
        return y;
    }

    /** fill, 4n bytes. */
    @Benchmark
    public float[] fill(Traffic t) {
        Elementwise.fill(n, 0.25f, y, 0);
        t.add(4L * n);
        return y;
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }
}
