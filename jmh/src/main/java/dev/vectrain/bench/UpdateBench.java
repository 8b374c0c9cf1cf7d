/*
 * UpdateBench: the fused optimizer pass (FusedUpdate) over an arena the size of the reference MLP's
 * (535,818 parameters) and over one that stays in L2 (16,384), beside a copy of the same bytes in the
 * same run. Adam does a square root and a division per parameter; on a CPU whose divider is the
 * bottleneck its time per element is the same in L2 and beyond it, which this table shows. GB/s in
 * the "gigabytes" counter; bytes per call: sgd 12n, momentum 20n, adam 28n, copy 28n (the Adam bytes).
 * It is not the training-step benchmark (TrainStepBench) and does not include the gradient norm.
 */
package dev.vectrain.bench;

import dev.vectrain.optim.FusedUpdate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UpdateBench {
    private static final float INF = Float.POSITIVE_INFINITY;

    @Param({"16384", "535818"})
    public int n;

    private float[] w;    // (n) weights
    private float[] g;    // (n) gradients
    private float[] m;    // (n) Adam m / momentum velocity
    private float[] v;    // (n) Adam v
    private float[] sink; // (4n) copy destination

    @Setup
    public void setup() {
        w = BenchChecks.random(11, n, -0.1, 0.1);
        g = BenchChecks.random(12, n, -0.01, 0.01);
        m = new float[n];
        v = new float[n];
        sink = new float[4 * n];
        validateAdam();
    }

    /** One Adam step from zero moments against the textbook formula in double. */
    private void validateAdam() {
        float[] w0 = w.clone();
        FusedUpdate.adam(0, n, 1e-2f, 1f, INF, 0f, 1f, 0.9f, 0.999f, 1e-8f, (float) (1 / Math.sqrt(1 - 0.999)),
                w, g, m, v);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            double mi = 0.1 * g[i];
            double vi = 0.001 * g[i] * g[i];
            expected[i] = (float) (w0[i] - 1e-3 / 0.1 * mi / (Math.sqrt(vi / 0.001) + 1e-8));
        }
        BenchChecks.close("adam step", expected, w, n, 1e-5);
    }

    @Benchmark
    public float[] adam(Traffic t) {
        t.add(28L * n);
        FusedUpdate.adam(0, n, 1e-3f, 0.5f, INF, 0f, 1f, 0.9f, 0.999f, 1e-8f, 1.5f, w, g, m, v);
        return w;
    }

    /** Adam when the global norm is under the clipping limit (gradScale 1). */
    @Benchmark
    public float[] adamUnscaled(Traffic t) {
        t.add(28L * n);
        FusedUpdate.adam(0, n, 1e-3f, 1f, INF, 0f, 1f, 0.9f, 0.999f, 1e-8f, 1.5f, w, g, m, v);
        return w;
    }

    /** Adam with every term on (value clip, L2 decay): the general loop. */
    @Benchmark
    public float[] adamGeneral(Traffic t) {
        t.add(28L * n);
        FusedUpdate.adam(0, n, 1e-3f, 0.5f, 1f, 1e-4f, 1f, 0.9f, 0.999f, 1e-8f, 1.5f, w, g, m, v);
        return w;
    }

    @Benchmark
    public float[] momentum(Traffic t) {
        t.add(20L * n);
        FusedUpdate.momentum(0, n, 1e-3f, 0.5f, INF, 0f, 0.9f, false, w, g, m);
        return w;
    }

    @Benchmark
    public float[] sgd(Traffic t) {
        t.add(12L * n);
        FusedUpdate.sgd(0, n, 1e-3f, 0.5f, INF, 0f, w, g);
        return w;
    }

    /** The bandwidth reference: Adam's 16 bytes read and 12 written per element as plain copies. */
    @Benchmark
    public float[] copy(Traffic t) {
        t.add(28L * n);
        System.arraycopy(w, 0, sink, 0, n);
        System.arraycopy(g, 0, sink, n, n);
        System.arraycopy(m, 0, sink, 2 * n, n);
        System.arraycopy(v, 0, sink, 3 * n, n / 2);
        System.arraycopy(sink, 0, v, n / 2, n - n / 2);
        return sink;
    }
}
