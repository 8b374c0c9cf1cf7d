/*
 * SoftmaxCrossEntropy, Mse and BceWithLogits: agreement with double twins, finite-difference checks
 * of the backward kernels, and stability at extreme logits.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.KernelTesting.SIZES;
import static dev.vectrain.kernel.KernelTesting.assertClose;
import static dev.vectrain.kernel.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.reference.ReferenceLosses;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LossesTest {
    /** Softmax probabilities: float exp (SVML) and one division; absolute. */
    private static final double PROB_ABS = 1e-6;
    private static final double PROB_REL = 1e-5;
    /** Mean losses: relative. */
    private static final double LOSS_REL = 1e-5;
    /** Gradients: relative to the element plus a small absolute floor. */
    private static final double GRAD_ABS = 1e-8;
    private static final double GRAD_REL = 1e-5;
    /** Finite differences of the double objective vs float backward. */
    private static final double FD_ABS = 1e-6;
    private static final double FD_REL = 1e-4;

    @Test
    void softmaxCrossEntropyAgrees() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int rows : SIZES) {
            for (int classes : SIZES) {
                if (classes == 0 && rows > 0 || (long) rows * classes > 140_000) {
                    continue;
                }
                float[] logits = random(rnd, 3 + rows * classes, -8, 8);
                int[] labels = new int[rows + 1];
                for (int r = 0; r < rows; r++) {
                    labels[1 + r] = rnd.nextInt(classes);
                }
                float[] probs = new float[rows * classes + 2];
                float[] probs2 = new float[rows * classes + 2];
                double loss = SoftmaxCrossEntropy.forward(rows, classes, logits, 3, labels, 1, probs, 2);
                double loss2 = ReferenceLosses.softmaxCrossEntropyForward(rows, classes, logits, 3, labels, 1, probs2, 2);
                String at = rows + "x" + classes;
                assertClose("softmax CE loss " + at, loss2, loss, 1e-7, LOSS_REL);
                assertClose("softmax probs " + at, probs2, 0, probs, 0, probs.length, PROB_ABS, PROB_REL);

                float[] d = new float[rows * classes + 1];
                float[] d2 = new float[rows * classes + 1];
                SoftmaxCrossEntropy.backward(rows, classes, probs, 2, labels, 1, d, 1);
                ReferenceLosses.softmaxCrossEntropyBackward(rows, classes, probs, 2, labels, 1, d2, 1);
                assertClose("softmax CE grad " + at, d2, 0, d, 0, d.length, GRAD_ABS, GRAD_REL);
                // in place (dLogits aliases probs)
                SoftmaxCrossEntropy.backward(rows, classes, probs, 2, labels, 1, probs, 2);
                assertClose("softmax CE grad in place " + at, d2, 1, probs, 2, rows * classes, GRAD_ABS, GRAD_REL);
            }
        }
    }

    /**
     * Forward with probs aliasing logits (the same array and offset, which its contract allows) gives the loss and
     * probabilities of the out-of-place call, bitwise: the label's logit is read before its row is overwritten, and
     * the next row's maximum (taken in each row's exp loop) is read before that row is.
     */
    @Test
    void softmaxForwardInPlaceIsBitwiseOutOfPlace() {
        SplittableRandom rnd = new SplittableRandom(13);
        int lanes = Vec.LANES;
        for (int classes : new int[] {1, 3, lanes, lanes + 3, 1000}) {
            for (int rows : new int[] {1, 2, 7, 300}) {
                float[] logits = random(rnd, 2 + rows * classes, -9, 9);
                int[] labels = new int[rows];
                for (int r = 0; r < rows; r++) {
                    labels[r] = rnd.nextInt(classes);
                }
                float[] probs = new float[rows * classes];
                double loss = SoftmaxCrossEntropy.forward(rows, classes, logits, 2, labels, 0, probs, 0);
                float[] inPlace = logits.clone();
                double lossInPlace = SoftmaxCrossEntropy.forward(rows, classes, inPlace, 2, labels, 0, inPlace, 2);
                String at = rows + "x" + classes;
                assertEquals(loss, lossInPlace, 0.0, "softmax CE loss in place " + at);
                assertArrayEquals(probs, Arrays.copyOfRange(inPlace, 2, inPlace.length), "probs in place " + at);
            }
        }
    }

    /**
     * The two row forms of forward (softmaxRowFromMemory, taken for batches from memory with rows of whole vectors,
     * and softmaxRow) give the same probabilities and block losses, bitwise, in place and out of place, with extreme
     * and equal logits; and a batch past LayerNorm.FROM_MEMORY_ELEMENTS (which takes the first form) gives what
     * the second form gives. Fails when an operation of one form differs (e.g. its max taken by lanewise MAX).
     */
    @Test
    void softmaxForwardRowFormsAreBitwiseTheSame() {
        SplittableRandom rnd = new SplittableRandom(29);
        int lanes = Vec.LANES;
        for (int classes : new int[] {lanes, 2 * lanes, 4 * lanes, 5 * lanes, 1024}) {
            for (int rows : new int[] {1, 2, 70}) {
                float[] logits = random(rnd, 3 + rows * classes, -30, 30);
                logits[3] = 88f;
                logits[4] = -1e30f;
                logits[logits.length - 1] = logits[logits.length - 2];
                int[] labels = new int[rows];
                for (int r = 0; r < rows; r++) {
                    labels[r] = rnd.nextInt(classes);
                }
                String at = rows + "x" + classes;
                for (boolean inPlace : new boolean[] {false, true}) {
                    float[] a = logits.clone();
                    float[] b = logits.clone();
                    float[] pa = inPlace ? a : new float[a.length];
                    float[] pb = inPlace ? b : new float[b.length];
                    for (int r0 = 0; r0 < rows; r0 += SoftmaxCrossEntropy.ROW_BLOCK) {
                        int r1 = Math.min(rows, r0 + SoftmaxCrossEntropy.ROW_BLOCK);
                        double la = SoftmaxCrossEntropy.blockLoss(r0, r1, classes, a, 3, labels, 0, pa, 3, true);
                        double lb = SoftmaxCrossEntropy.blockLoss(r0, r1, classes, b, 3, labels, 0, pb, 3, false);
                        assertEquals(lb, la, 0.0, "block loss from " + r0 + " of " + at + (inPlace ? " in place" : ""));
                    }
                    KernelTesting.assertBitwise("probs " + at + (inPlace ? " in place" : ""), pb, pa);
                }
            }
        }
        int classes = 1024;
        int rows = LayerNorm.FROM_MEMORY_ELEMENTS / classes;
        assertTrue(SoftmaxCrossEntropy.fromMemory(rows, classes));
        assertFalse(SoftmaxCrossEntropy.fromMemory(rows - 1, classes), "one row under FROM_MEMORY_ELEMENTS");
        assertFalse(SoftmaxCrossEntropy.fromMemory(rows, 1000), "rows of 1000 classes, not whole vectors");
        float[] logits = random(rnd, rows * classes, -9, 9);
        int[] labels = new int[rows];
        float[] probs = new float[rows * classes];
        float[] expected = new float[rows * classes];
        double loss = SoftmaxCrossEntropy.forward(rows, classes, logits, 0, labels, 0, probs, 0);
        double sum = 0;
        for (int r0 = 0; r0 < rows; r0 += SoftmaxCrossEntropy.ROW_BLOCK) {
            sum += SoftmaxCrossEntropy.blockLoss(r0, Math.min(rows, r0 + SoftmaxCrossEntropy.ROW_BLOCK), classes,
                    logits, 0, labels, 0, expected, 0, false);
        }
        assertEquals(sum / rows, loss, 0.0, "loss past FROM_MEMORY_ELEMENTS");
        KernelTesting.assertBitwise("probs past FROM_MEMORY_ELEMENTS", expected, probs);
    }

    /**
     * Backward goes as one loop over all rows when a row holds at least one vector, fixing each label entry as its
     * vector passes: labels at the first and last column of neighbouring rows (two in one vector), widths at, just
     * past and well past one vector, offsets that misalign rows, out of place and in place, bitwise the per-entry
     * formula (p − [label]) · (1/rows).
     */
    @Test
    void softmaxBackwardFixesLabelsAtRowEdgesBitwise() {
        SplittableRandom rnd = new SplittableRandom(12);
        int lanes = Vec.LANES;
        for (int classes : new int[] {1, lanes - 1, lanes, lanes + 1, 2 * lanes - 1, 3 * lanes + 5, 1029}) {
            int rows = 9;
            float[] probs = random(rnd, 3 + rows * classes, 0, 1);
            int[] labels = new int[rows + 2];
            for (int r = 0; r < rows; r++) {
                labels[2 + r] = r % 3 == 2 ? rnd.nextInt(classes) : (r % 2 == 0 ? classes - 1 : 0);
            }
            float inv = 1f / rows;
            float[] expected = new float[rows * classes + 1];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < classes; c++) {
                    float p = probs[3 + r * classes + c];
                    expected[1 + r * classes + c] = c == labels[2 + r] ? (p - 1f) * inv : p * inv;
                }
            }
            float[] d = new float[rows * classes + 1];
            SoftmaxCrossEntropy.backward(rows, classes, probs, 3, labels, 2, d, 1);
            String at = rows + "x" + classes;
            assertArrayEquals(expected, d, "softmax CE grad " + at);
            float[] inPlace = probs.clone();
            SoftmaxCrossEntropy.backward(rows, classes, inPlace, 3, labels, 2, inPlace, 3);
            assertArrayEquals(Arrays.copyOfRange(expected, 1, expected.length),
                    Arrays.copyOfRange(inPlace, 3, inPlace.length), "softmax CE grad in place " + at);
        }
    }

    @Test
    void softmaxCrossEntropyIsStableAtHugeLogits() {
        int classes = 37;
        int rows = 3;
        float[] logits = new float[rows * classes];
        int[] labels = {0, 5, 36};
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (i % 2 == 0) ? 1e4f : -1e4f;
        }
        logits[5] = -1e4f; // row 0 label 0 stays 1e4, row 0 has 19 maxima
        float[] probs = new float[rows * classes];
        double loss = SoftmaxCrossEntropy.forward(rows, classes, logits, 0, labels, 0, probs, 0);
        float[] probs2 = new float[rows * classes];
        double loss2 = ReferenceLosses.softmaxCrossEntropyForward(rows, classes, logits, 0, labels, 0, probs2, 0);
        assertTrue(Double.isFinite(loss), "loss " + loss);
        assertClose("loss at ±1e4", loss2, loss, 1e-9, 1e-6);
        assertClose("probs at ±1e4", probs2, 0, probs, 0, probs.length, PROB_ABS, PROB_REL);
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < classes; c++) {
                s += probs[r * classes + c];
            }
            assertEquals(1.0, s, 1e-5, "row " + r + " sums to 1");
        }
        // a label at a −1e4 logit costs ~2e4 nats, still finite
        float[] z = {1e4f, -1e4f};
        float[] p = new float[2];
        double big = SoftmaxCrossEntropy.forward(1, 2, z, 0, new int[] {1}, 0, p, 0);
        assertEquals(2e4, big, 1e-2);
        assertEquals(1f, p[0]);
        assertEquals(0f, p[1]);
    }

    @Test
    void softmaxCrossEntropyBackwardMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(7);
        int rows = 5;
        int classes = 19;
        float[] logits = random(rnd, rows * classes, -3, 3);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = rnd.nextInt(classes);
        }
        float[] probs = new float[rows * classes];
        SoftmaxCrossEntropy.forward(rows, classes, logits, 0, labels, 0, probs, 0);
        float[] d = new float[rows * classes];
        SoftmaxCrossEntropy.backward(rows, classes, probs, 0, labels, 0, d, 0);
        double[] z = toDouble(logits);
        double h = 1e-6;
        for (int i = 0; i < z.length; i++) {
            double keep = z[i];
            z[i] = keep + h;
            double up = ReferenceLosses.softmaxCrossEntropyLoss(rows, classes, z, labels);
            z[i] = keep - h;
            double down = ReferenceLosses.softmaxCrossEntropyLoss(rows, classes, z, labels);
            z[i] = keep;
            assertClose("softmax CE d/dz[" + i + "]", (up - down) / (2 * h), d[i], FD_ABS, FD_REL);
        }
    }

    @Test
    void mseAndBceAgree() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int n : SIZES) {
            float[] p = random(rnd, n + 1, -3, 3);
            float[] t = random(rnd, n + 2, 0, 1);
            String at = "n=" + n;
            assertClose("mse " + at, ReferenceLosses.mseForward(n, p, 1, t, 2), Mse.forward(n, p, 1, t, 2), 0,
                    LOSS_REL);
            assertClose("bce " + at, ReferenceLosses.bceForward(n, p, 1, t, 2), BceWithLogits.forward(n, p, 1, t, 2),
                    0, LOSS_REL);
            float[] d = new float[n + 3];
            float[] d2 = new float[n + 3];
            Mse.backward(n, p, 1, t, 2, d, 3);
            ReferenceLosses.mseBackward(n, p, 1, t, 2, d2, 3);
            assertClose("mse' " + at, d2, 0, d, 0, d.length, GRAD_ABS, GRAD_REL);
            BceWithLogits.backward(n, p, 1, t, 2, d, 3);
            ReferenceLosses.bceBackward(n, p, 1, t, 2, d2, 3);
            assertClose("bce' " + at, d2, 0, d, 0, d.length, GRAD_ABS, GRAD_REL);
        }
        // a long input crosses several reduction chunks
        int n = 3 * Reductions.CHUNK + 5;
        float[] p = random(rnd, n, -3, 3);
        float[] t = random(rnd, n, 0, 1);
        assertClose("mse long", ReferenceLosses.mseForward(n, p, 0, t, 0), Mse.forward(n, p, 0, t, 0), 0, LOSS_REL);
        assertClose("bce long", ReferenceLosses.bceForward(n, p, 0, t, 0), BceWithLogits.forward(n, p, 0, t, 0), 0,
                LOSS_REL);
    }

    @Test
    void bceIsStableAtHugeLogits() {
        float[] z = {1e4f, -1e4f, 80f, -80f};
        float[] t = {1f, 0f, 0f, 1f};
        double loss = BceWithLogits.forward(4, z, 0, t, 0);
        assertEquals((0 + 0 + 80 + 80) / 4.0, loss, 1e-6);
        float[] d = new float[4];
        BceWithLogits.backward(4, z, 0, t, 0, d, 0);
        assertEquals(0f, d[0]);
        assertEquals(0f, d[1]);
        assertEquals(0.25f, d[2]);
        assertEquals(-0.25f, d[3]);
    }

    @Test
    void mseAndBceBackwardMatchFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 37;
        float[] p = random(rnd, n, -3, 3);
        float[] t = random(rnd, n, 0, 1);
        float[] dm = new float[n];
        float[] db = new float[n];
        Mse.backward(n, p, 0, t, 0, dm, 0);
        BceWithLogits.backward(n, p, 0, t, 0, db, 0);
        double[] z = toDouble(p);
        double h = 1e-6;
        for (int i = 0; i < n; i++) {
            double keep = z[i];
            z[i] = keep + h;
            double mUp = ReferenceLosses.mseLoss(n, z, t);
            double bUp = ReferenceLosses.bceLoss(n, z, t);
            z[i] = keep - h;
            double mDown = ReferenceLosses.mseLoss(n, z, t);
            double bDown = ReferenceLosses.bceLoss(n, z, t);
            z[i] = keep;
            assertClose("mse d/dp[" + i + "]", (mUp - mDown) / (2 * h), dm[i], FD_ABS, FD_REL);
            assertClose("bce d/dz[" + i + "]", (bUp - bDown) / (2 * h), db[i], FD_ABS, FD_REL);
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
