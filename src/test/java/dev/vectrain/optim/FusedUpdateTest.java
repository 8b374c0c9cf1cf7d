/*
 * The fused optimizer kernels (through Updater) agree with their unfused scalar twins (ReferenceOptim) over
 * 50 steps on odd sizes, for every optimizer × clipping mode; the split over threads changes no bit; the
 * non-finite policies behave as documented.
 */
package dev.vectrain.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectrain.nn.Parameters;
import dev.vectrain.parallel.WorkerPool;
import dev.vectrain.reference.ReferenceOptim;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FusedUpdateTest {
    private static final int STEPS = 50;

    static Parameters arena(int n) {
        Parameters.Layout l = new Parameters.Layout();
        l.add("w", n, n, 1);
        return l.allocate();
    }

    private static Optimizer[] optimizers() {
        return new Optimizer[] {
            Optimizer.sgd(), Optimizer.sgd().withWeightDecay(0.01), Optimizer.momentum(0.9),
            Optimizer.nesterov(0.9).withWeightDecay(1e-3), Optimizer.adam(), Optimizer.adam().withWeightDecay(0.01),
            Optimizer.adamW(0.05)
        };
    }

    private static Clipping[] clippings() {
        return new Clipping[] {
            Clipping.none(), Clipping.byGlobalNorm(0.5), Clipping.byValue(0.3), Clipping.byGlobalNorm(2).andByValue(0.1)
        };
    }

    @Test
    void fusedKernelsMatchUnfusedTwinsOver50Steps() {
        try (WorkerPool pool = new WorkerPool(1)) {
            for (int n : new int[] {1, 17, 1001}) {
                for (Optimizer opt : optimizers()) {
                    for (Clipping clip : clippings()) {
                        compare(pool, n, opt, clip);
                    }
                }
            }
        }
    }

    private static void compare(WorkerPool pool, int n, Optimizer opt, Clipping clip) {
        String what = opt + " " + clip + " n=" + n;
        SplittableRandom rnd = new SplittableRandom(n * 31L + opt.kind().ordinal());
        Parameters p = arena(n);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            p.values()[i] = (float) rnd.nextGaussian();
            w[i] = p.values()[i];
        }
        double[] s1 = new double[n];
        double[] s2 = new double[n];
        Updater u = new Updater(opt, clip, NonFinitePolicy.FAIL, p, pool);
        double lr = opt.kind() == Optimizer.Kind.ADAM || opt.kind() == Optimizer.Kind.ADAMW ? 1e-2 : 5e-2;
        for (int step = 1; step <= STEPS; step++) {
            for (int i = 0; i < n; i++) {
                p.grads()[i] = (float) (rnd.nextGaussian() * 0.7 + 0.1 * w[i]);
            }
            double expectedNorm = ReferenceOptim.norm(p.grads());
            double[] g = ReferenceOptim.clip(p.grads(), clip.maxNorm(), clip.maxValue());
            double norm = u.step(lr);
            assertEquals(expectedNorm, norm, 1e-5 * expectedNorm, what + " norm at step " + step);
            double wd = opt.weightDecay();
            switch (opt.kind()) {
                case SGD -> ReferenceOptim.sgd(w, g, lr, wd);
                case MOMENTUM -> ReferenceOptim.momentum(w, g, s1, lr, wd, opt.momentum(), false);
                case NESTEROV -> ReferenceOptim.momentum(w, g, s1, lr, wd, opt.momentum(), true);
                case ADAM -> ReferenceOptim.adam(w, g, s1, s2, step, lr, opt.beta1(), opt.beta2(), opt.epsilon(), wd, 0);
                case ADAMW -> ReferenceOptim.adam(w, g, s1, s2, step, lr, opt.beta1(), opt.beta2(), opt.epsilon(), 0, wd);
            }
            for (int i = 0; i < n; i++) {
                double a = p.values()[i];
                if (!(Math.abs(a - w[i]) <= 2e-5 + 2e-5 * Math.abs(w[i]))) {
                    fail(what + ": weight " + i + " at step " + step + ": fused " + a + ", reference " + w[i]);
                }
            }
        }
        assertEquals(STEPS, u.updates());
    }

    @Test
    void resultIsBitwiseTheSameForAnyThreadCount() {
        int n = 100_003;
        float[][] results = new float[3][];
        int[] threads = {1, 2, 3};
        for (int t = 0; t < threads.length; t++) {
            try (WorkerPool pool = new WorkerPool(threads[t])) {
                SplittableRandom rnd = new SplittableRandom(5);
                Parameters p = arena(n);
                for (int i = 0; i < n; i++) {
                    p.values()[i] = (float) rnd.nextGaussian();
                }
                Updater u = new Updater(Optimizer.adamW(0.01), Clipping.byGlobalNorm(1).andByValue(0.01),
                        NonFinitePolicy.FAIL, p, pool);
                for (int s = 0; s < 5; s++) {
                    for (int i = 0; i < n; i++) {
                        p.grads()[i] = (float) rnd.nextGaussian();
                    }
                    u.step(1e-3);
                }
                results[t] = p.values().clone();
            }
        }
        assertArrayEquals(results[0], results[1]);
        assertArrayEquals(results[0], results[2]);
    }

    @Test
    void plainAdamLoopIsBitwiseTheGeneralLoopWithIdentityTerms() {
        int n = 4099;
        SplittableRandom rnd = new SplittableRandom(17);
        float[] w = new float[n];
        float[] g = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = i % 97 == 0 ? 0f : (float) rnd.nextGaussian();
            g[i] = i % 89 == 0 ? 0f : (float) (rnd.nextGaussian() * 0.3);
            m[i] = (float) (rnd.nextGaussian() * 0.01);
            v[i] = (float) Math.abs(rnd.nextGaussian() * 1e-4);
        }
        for (float gradScale : new float[] {1f, 0.37f}) {
            float[] w1 = w.clone();
            float[] m1 = m.clone();
            float[] v1 = v.clone();
            float[] w2 = w.clone();
            float[] m2 = m.clone();
            float[] v2 = v.clone();
            for (int step = 0; step < 3; step++) {
                FusedUpdate.adamGeneral(0, n, 1e-2f, gradScale, Float.POSITIVE_INFINITY, 0f, 1f, 0.9f, 0.999f, 1e-8f,
                        1.7f, w1, g, m1, v1);
                FusedUpdate.adam(0, 1024, 1e-2f, gradScale, Float.POSITIVE_INFINITY, 0f, 1f, 0.9f, 0.999f, 1e-8f,
                        1.7f, w2, g, m2, v2);
                FusedUpdate.adam(1024, n, 1e-2f, gradScale, Float.POSITIVE_INFINITY, 0f, 1f, 0.9f, 0.999f, 1e-8f,
                        1.7f, w2, g, m2, v2);
            }
            assertArrayEquals(w1, w2, "weights, gradScale " + gradScale);
            assertArrayEquals(m1, m2, "m, gradScale " + gradScale);
            assertArrayEquals(v1, v2, "v, gradScale " + gradScale);
        }
    }

    @Test
    void gradientDescentOnXSquaredWorkedExamples() {
        assertTrajectory(2.0, new float[] {1f, -3f, 9f, -27f});
        assertTrajectory(0.1, new float[] {1f, 0.8f, 0.64f, 0.512f});
    }

    private static void assertTrajectory(double lr, float[] expected) {
        try (WorkerPool pool = new WorkerPool(1)) {
            Parameters p = arena(1);
            p.values()[0] = 1f;
            Updater u = new Updater(Optimizer.sgd(), Clipping.none(), NonFinitePolicy.FAIL, p, pool);
            for (int t = 0; t < expected.length; t++) {
                assertEquals(expected[t], p.values()[0], 1e-6, "x after " + t + " steps with η=" + lr);
                p.grads()[0] = 2f * p.values()[0];   // d/dx x² = 2x
                u.step(lr);
            }
        }
    }

    @Test
    void clippingWorkedExampleThroughTheFusedPath() {
        try (WorkerPool pool = new WorkerPool(1)) {
            Parameters p = arena(4);
            float[] g = {3f, -4f, 1.5f, -2.5f};
            System.arraycopy(g, 0, p.grads(), 0, 4);
            Updater u = new Updater(Optimizer.sgd(), Clipping.byGlobalNorm(3.0), NonFinitePolicy.FAIL, p, pool);
            double norm = u.step(1.0);          // w = 0 − 1·clipped(g)
            assertEquals(5.788, norm, 5e-4);
            float[] expected = {1.555f, -2.073f, 0.777f, -1.296f};
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[i], -p.values()[i], 1e-3, "clipped g[" + i + "]");
            }
            double clippedNorm = ReferenceOptim.norm(p.values());
            assertEquals(3.0, clippedNorm, 1e-4);
        }
    }

    @Test
    void nonFiniteGradientFailsNamingTheStepAndChangesNothing() {
        try (WorkerPool pool = new WorkerPool(1)) {
            Parameters p = arena(40);
            java.util.Arrays.fill(p.values(), 0.5f);
            Updater u = new Updater(Optimizer.adam(), Clipping.byGlobalNorm(1), NonFinitePolicy.FAIL, p, pool);
            java.util.Arrays.fill(p.grads(), 0.1f);
            u.step(0.1);
            float[] before = p.values().clone();
            float[][] stateBefore = u.exportState();
            p.grads()[7] = Float.NaN;
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> u.step(0.1));
            assertEquals(1, e.step());
            assertTrue(e.getMessage().contains("step 1"), e.getMessage());
            assertArrayEquals(before, p.values());
            assertArrayEquals(stateBefore[0], u.exportState()[0]);
            assertArrayEquals(stateBefore[1], u.exportState()[1]);
        }
    }

    @Test
    void skipPolicyCountsAndLeavesWeights() {
        try (WorkerPool pool = new WorkerPool(1)) {
            Parameters p = arena(10);
            Updater u = new Updater(Optimizer.momentum(0.9), Clipping.none(), NonFinitePolicy.SKIP, p, pool);
            p.grads()[3] = Float.POSITIVE_INFINITY;
            double norm = u.step(0.1);
            assertTrue(Double.isInfinite(norm));
            assertEquals(1, u.skipped());
            assertEquals(0, u.updates());
            assertEquals(1, u.steps());
            assertArrayEquals(new float[10], p.values());
            p.grads()[3] = 1f;
            u.step(0.1);
            assertEquals(-0.1f, p.values()[3], 1e-7);
        }
    }
}
