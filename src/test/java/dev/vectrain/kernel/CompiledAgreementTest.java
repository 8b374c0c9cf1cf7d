/*
 * The other agreement tests mostly exercise the Vector API's Java fallback (interpreter, C1). This one
 * calls each kernel until C2 has compiled it to vector instructions (thousands of calls on one input),
 * then checks the last result against the scalar twin with the same tolerances.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.KernelTesting.assertClose;
import static dev.vectrain.kernel.KernelTesting.random;

import dev.vectrain.reference.ReferenceActivations;
import dev.vectrain.reference.ReferenceLosses;
import dev.vectrain.reference.ReferenceNorms;
import dev.vectrain.reference.ReferenceReductions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompiledAgreementTest {
    private static final int CALLS = 3000;
    private static final int N = 1003;

    private static void hot(Runnable r) {
        for (int i = 0; i < CALLS; i++) {
            r.run();
        }
    }

    @Test
    void compiledActivationsAgree() {
        SplittableRandom rnd = new SplittableRandom(20);
        float[] x = random(rnd, N + 1, -6, 6);
        float[] dy = random(rnd, N, -1, 1);
        float[] y = new float[N];
        float[] y2 = new float[N];
        float[] dx = new float[N];
        float[] dx2 = new float[N];
        hot(() -> Activations.sigmoidForward(N, x, 1, y, 0));
        ReferenceActivations.sigmoidForward(N, x, 1, y2, 0);
        assertClose("sigmoid (C2)", y2, 0, y, 0, N, 2e-6, 5e-7);
        hot(() -> Activations.tanhForward(N, x, 1, y, 0));
        ReferenceActivations.tanhForward(N, x, 1, y2, 0);
        assertClose("tanh (C2)", y2, 0, y, 0, N, 2e-6, 5e-7);
        hot(() -> Activations.tanhBackward(N, null, 0, y, 0, dy, 0, dx, 0));
        ReferenceActivations.tanhBackward(N, y, 0, dy, 0, dx2, 0);
        assertClose("tanh' (C2)", dx2, 0, dx, 0, N, 5e-6, 1e-5);
        hot(() -> Activations.geluForward(N, x, 1, y, 0));
        ReferenceActivations.geluForward(N, x, 1, y2, 0);
        assertClose("gelu (C2)", y2, 0, y, 0, N, 2e-6, 5e-7);
        hot(() -> Activations.geluBackward(N, x, 1, null, 0, dy, 0, dx, 0));
        ReferenceActivations.geluBackward(N, x, 1, dy, 0, dx2, 0);
        assertClose("gelu' (C2)", dx2, 0, dx, 0, N, 5e-6, 1e-5);
        hot(() -> Activations.reluForward(N, x, 1, y, 0));
        ReferenceActivations.reluForward(N, x, 1, y2, 0);
        assertClose("relu (C2)", y2, 0, y, 0, N, 0, 0);
        hot(() -> Activations.leakyReluBackward(N, 0.01f, x, 1, null, 0, dy, 0, dx, 0));
        ReferenceActivations.leakyReluBackward(N, 0.01f, x, 1, dy, 0, dx2, 0);
        assertClose("leakyRelu' (C2)", dx2, 0, dx, 0, N, 0, 0);
    }

    @Test
    void compiledLossesAndReductionsAgree() {
        SplittableRandom rnd = new SplittableRandom(21);
        int rows = 17;
        int classes = 59;
        float[] logits = random(rnd, rows * classes, -8, 8);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = rnd.nextInt(classes);
        }
        float[] probs = new float[rows * classes];
        float[] probs2 = new float[rows * classes];
        double[] loss = new double[1];
        hot(() -> loss[0] = SoftmaxCrossEntropy.forward(rows, classes, logits, 0, labels, 0, probs, 0));
        double loss2 = ReferenceLosses.softmaxCrossEntropyForward(rows, classes, logits, 0, labels, 0, probs2, 0);
        assertClose("softmax CE (C2)", loss2, loss[0], 0, 1e-5);
        assertClose("softmax probs (C2)", probs2, 0, probs, 0, probs.length, 1e-6, 1e-5);

        float[] z = random(rnd, N, -5, 5);
        float[] t = random(rnd, N, 0, 1);
        hot(() -> loss[0] = BceWithLogits.forward(N, z, 0, t, 0));
        assertClose("bce (C2)", ReferenceLosses.bceForward(N, z, 0, t, 0), loss[0], 0, 1e-5);
        hot(() -> loss[0] = Mse.forward(N, z, 0, t, 0));
        assertClose("mse (C2)", ReferenceLosses.mseForward(N, z, 0, t, 0), loss[0], 0, 1e-5);
        hot(() -> loss[0] = Reductions.dot(N, z, 0, t, 0));
        double scale = ReferenceReductions.sumAbs(N, z, 0);
        assertClose("dot (C2)", ReferenceReductions.dot(N, z, 0, t, 0), loss[0], 2e-6 * scale, 0);
        hot(() -> loss[0] = Reductions.sum(N, z, 0));
        assertClose("sum (C2)", ReferenceReductions.sum(N, z, 0), loss[0], 2e-6 * scale, 0);
        int[] am = new int[rows];
        int[] am2 = new int[rows];
        hot(() -> Reductions.argmaxRows(rows, classes, logits, 0, am, 0));
        ReferenceReductions.argmaxRows(rows, classes, logits, 0, am2, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(am2, am, "argmax (C2)");
        // NaN surfaces through the compiled max reductions
        float keep = logits[3 * classes + 40];
        logits[3 * classes + 40] = Float.NaN;
        Reductions.argmaxRows(rows, classes, logits, 0, am, 0);
        org.junit.jupiter.api.Assertions.assertEquals(40, am[3], "argmax with NaN (C2)");
        double nanLoss = SoftmaxCrossEntropy.forward(rows, classes, logits, 0, labels, 0, probs, 0);
        org.junit.jupiter.api.Assertions.assertTrue(Double.isNaN(nanLoss), "softmax CE with a NaN logit");
        org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(probs[3 * classes]), "NaN row probabilities");
        org.junit.jupiter.api.Assertions.assertFalse(Float.isNaN(probs[4 * classes]), "other rows unaffected");
        logits[3 * classes + 40] = keep;
    }

    @Test
    void compiledNormsAgree() {
        SplittableRandom rnd = new SplittableRandom(22);
        int rows = 9;
        int cols = 71;
        int size = rows * cols;
        float[] x = random(rnd, size, -2, 3);
        float[] gamma = random(rnd, cols, 0.5, 1.5);
        float[] beta = random(rnd, cols, -1, 1);
        float[] dy = random(rnd, size, -1, 1);
        float[] mean = new float[Math.max(rows, cols)];
        float[] invStd = new float[Math.max(rows, cols)];
        float[] work = new float[BatchNorm.workLength(cols)];
        float[] y = new float[size];
        float[] mean2 = new float[Math.max(rows, cols)];
        float[] invStd2 = new float[Math.max(rows, cols)];
        float[] xhat2 = new float[size];
        float[] y2 = new float[size];
        float[] dg = new float[cols];
        float[] db = new float[cols];
        float[] dx = new float[size];
        float[] dg2 = new float[cols];
        float[] db2 = new float[cols];
        float[] dx2 = new float[size];
        float[] rm = new float[cols];
        float[] rv = new float[cols];
        hot(() -> LayerNorm.forward(rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, mean, invStd, y, 0));
        ReferenceNorms.layerNormForward(rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, mean2, invStd2, xhat2, y2, 0);
        assertClose("ln y (C2)", y2, 0, y, 0, size, 2e-5, 2e-5);
        float[] lnWork = new float[LayerNorm.workLength(cols)];
        hot(() -> {
            java.util.Arrays.fill(dg, 0f);
            java.util.Arrays.fill(db, 0f);
            LayerNorm.backward(rows, cols, dy, 0, x, 0, gamma, 0, mean, invStd, lnWork, dg, 0, db, 0, dx, 0);
        });
        for (int i = 0; i < size; i++) {
            xhat2[i] = (x[i] - mean[i / cols]) * invStd[i / cols];
        }
        ReferenceNorms.layerNormBackward(rows, cols, dy, 0, xhat2, gamma, 0, invStd, dg2, 0, db2, 0, dx2, 0);
        assertClose("ln dx (C2)", dx2, 0, dx, 0, size, 1e-4, 1e-4);
        assertClose("ln dGamma (C2)", dg2, 0, dg, 0, cols, 1e-4, 1e-4);
        hot(() -> BatchNorm.forwardTrain(null, rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, 0.1f, rm, 0, rv, 0, mean,
                invStd, work, y, 0));
        ReferenceNorms.batchNormForwardTrain(rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, 0.1f, new float[cols], 0,
                new float[cols], 0, mean2, invStd2, xhat2, y2, 0);
        assertClose("bn y (C2)", y2, 0, y, 0, size, 2e-5, 2e-5);
        hot(() -> {
            java.util.Arrays.fill(dg, 0f);
            java.util.Arrays.fill(db, 0f);
            BatchNorm.backward(null, rows, cols, dy, 0, x, 0, gamma, 0, mean, invStd, work, dg, 0, db, 0, dx, 0);
        });
        java.util.Arrays.fill(dg2, 0f);
        java.util.Arrays.fill(db2, 0f);
        for (int i = 0; i < size; i++) {
            xhat2[i] = (x[i] - mean[i % cols]) * invStd[i % cols];
        }
        ReferenceNorms.batchNormBackward(rows, cols, dy, 0, xhat2, gamma, 0, invStd, dg2, 0, db2, 0, dx2, 0);
        assertClose("bn dx (C2)", dx2, 0, dx, 0, size, 1e-4, 1e-4);
        assertClose("bn dBeta (C2)", db2, 0, db, 0, cols, 1e-4, 1e-4);
    }
}
