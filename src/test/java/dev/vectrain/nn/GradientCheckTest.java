/*
 * Finite-difference gradient checks: for every layer (and a small chain), the analytic input and parameter
 * gradients of L = Σ y·r (r a fixed random projection, L summed in double) match central differences;
 * for every loss, the gradient with respect to the outputs matches central differences of the mean loss.
 */
package dev.vectrain.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectrain.init.Rng;
import dev.vectrain.loss.Loss;
import dev.vectrain.parallel.WorkerPool;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
    private static final int ROWS = 5;
    private static final int IN = 7;
    private static final double H = 1e-2;
    private final WorkerPool pool = new WorkerPool(1);

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    /** Inputs away from 0 so kinks (ReLU) are never crossed by ±H. */
    private static float[] awayFromZero(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double v = 0.1 + rnd.nextDouble() * 1.4;
            a[i] = (float) (rnd.nextBoolean() ? v : -v);
        }
        return a;
    }

    private static double objective(Sequential net, WorkerPool pool, float[] x, float[] r) {
        float[] y = net.forward(pool, x, 0, ROWS);
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += (double) y[i] * r[i];
        }
        return s;
    }

    private void checkModel(String what, ModelSpec spec, long seed) {
        Model model = Model.create(spec, seed);
        Parameters p = model.parameters();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Parameters.Slice s : p.slices()) {            // non-trivial γ/β/bias so their gradients matter
            if (s.trainable() && !s.name().endsWith("weight")) {
                for (int i = 0; i < s.length(); i++) {
                    p.values()[s.offset() + i] += (float) (0.3 * rnd.nextGaussian());
                }
            }
        }
        Sequential net = model.newNetwork(ROWS, 1);
        float[] x = awayFromZero(rnd, ROWS * spec.inputSize());
        float[] r = random(rnd, ROWS * spec.outputSize(), 1.0);
        p.zeroGrads();
        net.forward(pool, x, 0, ROWS);
        float[] dOut = r.clone();
        List<Layer> layers = net.layers();
        float[] d = dOut;
        for (int i = layers.size() - 1; i >= 0; i--) {
            d = layers.get(i).backward(pool, d, ROWS, true);
        }
        float[] dx = d.clone();
        float[] grads = p.grads().clone();
        for (int i = 0; i < x.length; i++) {
            float keep = x[i];
            x[i] = (float) (keep + H);
            double up = objective(net, pool, x, r);
            x[i] = (float) (keep - H);
            double down = objective(net, pool, x, r);
            x[i] = keep;
            assertGrad(what + " dx[" + i + "]", (up - down) / (2 * H), dx[i]);
        }
        float[] v = p.values();
        for (int i = 0; i < v.length; i++) {
            float keep = v[i];
            v[i] = (float) (keep + H);
            double up = objective(net, pool, x, r);
            v[i] = (float) (keep - H);
            double down = objective(net, pool, x, r);
            v[i] = keep;
            assertGrad(what + " d" + sliceOf(p, i) + "[" + i + "]", (up - down) / (2 * H), grads[i]);
        }
    }

    private static String sliceOf(Parameters p, int index) {
        for (Parameters.Slice s : p.slices()) {
            if (s.trainable() && index >= s.offset() && index < s.offset() + s.length()) {
                return s.name();
            }
        }
        return "?";
    }

    private static void assertGrad(String what, double numeric, double analytic) {
        if (!(Math.abs(numeric - analytic) <= 3e-3 + 2e-2 * Math.abs(numeric))) {
            fail(what + ": central difference " + numeric + ", analytic " + analytic);
        }
    }

    private static ModelSpec spec(LayerSpec... layers) {
        return new ModelSpec(IN, List.of(layers));
    }

    @Test
    void denseWithAndWithoutBias() {
        checkModel("dense", spec(new LayerSpec.DenseSpec(6, true, null)), 1);
        checkModel("dense no bias", spec(new LayerSpec.DenseSpec(4, false, null)), 2);
    }

    @Test
    void activations() {
        for (Activation.Kind k : Activation.Kind.values()) {
            checkModel(k.name(), spec(new LayerSpec.ActivationSpec(k, 0.1f)), 3 + k.ordinal());
        }
    }

    @Test
    void batchNormInTrainingMode() {
        checkModel("batch norm", spec(new LayerSpec.BatchNormSpec(0.1f, 1e-5f)), 11);
    }

    @Test
    void layerNorm() {
        checkModel("layer norm", spec(new LayerSpec.LayerNormSpec(1e-5f)), 12);
    }

    @Test
    void chainOfLayers() {
        checkModel("chain", spec(new LayerSpec.DenseSpec(6, true, null),
                new LayerSpec.ActivationSpec(Activation.Kind.TANH, 0f),
                new LayerSpec.LayerNormSpec(1e-5f),
                new LayerSpec.DenseSpec(5, true, null),
                new LayerSpec.ActivationSpec(Activation.Kind.GELU, 0f),
                new LayerSpec.DenseSpec(3, true, null)), 13);
    }

    @Test
    void dropoutMasksForwardAndBackwardAlikeAndIsIdentityInEval() {
        int n = 4000;
        Dropout d = new Dropout(n, 0.25f, 99, 1);
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = awayFromZero(rnd, n);
        float[] dy = random(rnd, n, 1);
        float[] y = d.forward(pool, x, 0, 1).clone();
        float[] handedOver = dy.clone();
        float[] dx = d.backward(pool, handedOver, 1, true);
        assertSame(handedOver, dx, "dropout's backward runs in place in the dOut it is handed");
        int kept = 0;
        for (int i = 0; i < n; i++) {
            float m = y[i] / x[i];
            assertTrue(m == 0f || Math.abs(m - 1f / 0.75f) < 1e-5, "mask value " + m);
            assertEquals(dy[i] * (m == 0f ? 0f : 1f / 0.75f), dx[i], 1e-5);
            kept += m == 0f ? 0 : 1;
        }
        assertEquals(0.75, kept / (double) n, 0.03);
        d.setTraining(false);
        float[] e = d.forward(pool, x, 0, 1);
        for (int i = 0; i < n; i++) {
            assertEquals(x[i], e[i]);
        }
        Rng saved = new Rng(0);
        saved.setState(d.rng().state());
        assertEquals(saved.nextLong(), d.rng().nextLong());
    }

    @Test
    void lossGradientsMatchCentralDifferences() {
        SplittableRandom rnd = new SplittableRandom(21);
        int width = 4;
        float[] out = random(rnd, ROWS * width, 1.5);
        int[] labels = {0, 3, 1, 1, 2};
        float[] regression = random(rnd, ROWS * width, 1);
        float[] binary = new float[ROWS * width];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = rnd.nextBoolean() ? 1f : 0f;
        }
        checkLoss(Loss.softmaxCrossEntropy(), out, labels, null, width);
        checkLoss(Loss.mse(), out, null, regression, width);
        checkLoss(Loss.bceWithLogits(), out, null, binary, width);
    }

    private static void checkLoss(Loss loss, float[] out, int[] labels, float[] targets, int width) {
        float[] grad = new float[out.length];
        float[] scratch = new float[out.length];
        double l = loss.forwardBackward(ROWS, width, out, 0, labels, 0, targets, 0, grad);
        assertEquals(l, loss.forward(ROWS, width, out, 0, labels, 0, targets, 0, scratch), 1e-6, loss.name());
        double h = 1e-2;
        for (int i = 0; i < out.length; i++) {
            float keep = out[i];
            out[i] = (float) (keep + h);
            double up = loss.forward(ROWS, width, out, 0, labels, 0, targets, 0, scratch);
            out[i] = (float) (keep - h);
            double down = loss.forward(ROWS, width, out, 0, labels, 0, targets, 0, scratch);
            out[i] = keep;
            double numeric = (up - down) / (2 * h);
            if (!(Math.abs(numeric - grad[i]) <= 2e-4 + 1e-2 * Math.abs(numeric))) {
                fail(loss.name() + " d/dout[" + i + "]: central difference " + numeric + ", analytic " + grad[i]);
            }
        }
    }
}
