/*
 * SoftmaxCrossEntropy: the fused softmax + cross-entropy loss over integer class labels, forward
 * beside backward. Shapes: logits, probs, dLogits (rows x classes) contiguous; labels (rows).
 * Stable for any finite logits (|z| up to ~1e38): each row is shifted by its maximum before exp, and
 * the loss is computed as log(sum) + max − z[label] in double. NaN in a row's logits surfaces as NaN
 * probabilities and a NaN loss (through exp and the row sum, not through the maximum). exp is VMath.exp
 * (tier-independent). It is not a generic softmax layer (no temperature, no masking).
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Softmax cross-entropy over rows of logits with integer labels. */
public final class SoftmaxCrossEntropy {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;

    /** Rows per Math.log in forward (a power of two). */
    private static final int LOG_BLOCK = 32;

    private SoftmaxCrossEntropy() {
    }

    private static void check(int rows, int classes, float[] a, String aName, int aOff, int[] labels, int labOff,
            float[] b, String bName, int bOff) {
        Check.nonNegative("rows", rows);
        Check.nonNegative("classes", classes);
        if (rows > 0) {
            Check.positive("classes", classes);
        }
        long size = (long) rows * classes;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rows x classes = " + size + " is too large");
        }
        Check.range(aName, a, aOff, (int) size);
        Check.range("labels", labels, labOff, rows);
        Check.range(bName, b, bOff, (int) size);
        for (int r = 0; r < rows; r++) {
            int lab = labels[labOff + r];
            if (lab < 0 || lab >= classes) {
                throw new IllegalArgumentException("labels: row " + r + " has label " + lab + ", outside [0, "
                        + classes + ")");
            }
        }
    }

    /**
     * probs = softmax(logits) row by row; returns the mean over rows of −log probs[r, labels[r]]
     * (0 when rows == 0). probs may alias logits (same array and offset).
     */
    public static double forward(int rows, int classes, float[] logits, int lOff, int[] labels, int labOff,
            float[] probs, int pOff) {
        check(rows, classes, logits, "logits", lOff, labels, labOff, probs, "probs", pOff);
        if (rows == 0) {
            return 0.0;
        }
        // loss = Σ (max − z[label]) + Σ log(sum); the logs are taken of products of LOG_BLOCK row sums
        // (each in [1, classes], so a product stays below 2^992): one Math.log per block, not per row
        double shift = 0;
        double logs = 0;
        double product = 1.0;
        for (int r = 0; r < rows; r++) {
            int lb = lOff + r * classes;
            int pb = pOff + r * classes;
            float max = rowMax(classes, logits, lb);
            float target = logits[lb + labels[labOff + r]];
            double sum = expRow(classes, logits, lb, max, probs, pb);
            scaleRow(classes, probs, pb, (float) (1.0 / sum));
            shift += (double) max - target;
            product *= sum;
            if ((r & (LOG_BLOCK - 1)) == LOG_BLOCK - 1 || r == rows - 1) {
                logs += Math.log(product);
                product = 1.0;
            }
        }
        return (logs + shift) / rows;
    }

    // Per-row helpers: small enough for C2 to inline VMath.exp and laneSum into each, and returning
    // scalars, so no vector crosses a call that might not be inlined (such a vector is boxed per call).

    /**
     * Row maximum by compare and blend (two lane operations per vector; lanewise MAX with Java's NaN
     * and −0.0 rules compiles to several instructions), four independent maxima for the latency. A NaN
     * is not picked up here, but exp(NaN − max) is NaN, so the row sum, all of its probabilities and the
     * loss still come out NaN.
     */
    private static float rowMax(int classes, float[] logits, int lb) {
        int bound = S.loopBound(classes);
        int bound4 = classes - classes % (4 * L);
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int c = 0;
        for (; c < bound4; c += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, logits, lb + c);
            FloatVector v1 = FloatVector.fromArray(S, logits, lb + c + L);
            FloatVector v2 = FloatVector.fromArray(S, logits, lb + c + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, logits, lb + c + 3 * L);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
            m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
            m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
        }
        for (; c < bound; c += L) {
            FloatVector v = FloatVector.fromArray(S, logits, lb + c);
            m0 = m0.blend(v, v.compare(VectorOperators.GT, m0));
        }
        if (c < classes) {
            VectorMask<Float> m = S.indexInRange(c, classes);
            FloatVector v = FloatVector.fromArray(S, logits, lb + c, m);
            m0 = m0.blend(v, v.compare(VectorOperators.GT, m0).and(m));
        }
        m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
        m2 = m2.blend(m3, m3.compare(VectorOperators.GT, m2));
        m0 = m0.blend(m2, m2.compare(VectorOperators.GT, m0));
        return m0.reduceLanes(VectorOperators.MAX);
    }

    /**
     * e = exp(z − max) written to probs; returns their sum. One masked loop, so VMath.exp has a single
     * call site that C2 inlines (see Activations), and laneSum written out: after the inlined exp, a call
     * to it would not be inlined and would box s0.
     */
    private static float expRow(int classes, float[] logits, int lb, float max, float[] probs, int pb) {
        FloatVector vm = FloatVector.broadcast(S, max);
        FloatVector s0 = FloatVector.zero(S);
        for (int c = 0; c < classes; c += L) {
            VectorMask<Float> m = S.indexInRange(c, classes);
            FloatVector e = VMath.exp(FloatVector.fromArray(S, logits, lb + c, m).sub(vm));
            e.intoArray(probs, pb + c, m);
            s0 = s0.add(e, m);
        }
        if (L >= 16) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP8));
        }
        if (L >= 8) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP4));
        }
        if (L >= 4) {
            s0 = s0.add(s0.rearrange(Reductions.SWAP2));
        }
        s0 = s0.add(s0.rearrange(Reductions.SWAP1));
        return s0.lane(0);
    }

    /** probs[pb .. pb+classes) *= inv. */
    private static void scaleRow(int classes, float[] probs, int pb, float inv) {
        FloatVector vinv = FloatVector.broadcast(S, inv);
        int bound = S.loopBound(classes);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector.fromArray(S, probs, pb + c).mul(vinv).intoArray(probs, pb + c);
        }
        if (c < classes) {
            VectorMask<Float> m = S.indexInRange(c, classes);
            FloatVector.fromArray(S, probs, pb + c, m).mul(vinv).intoArray(probs, pb + c, m);
        }
    }

    /** dLogits = (probs − onehot(labels)) / rows; dLogits may alias probs (same array and offset). */
    public static void backward(int rows, int classes, float[] probs, int pOff, int[] labels, int labOff,
            float[] dLogits, int dOff) {
        check(rows, classes, probs, "probs", pOff, labels, labOff, dLogits, "dLogits", dOff);
        if (rows == 0) {
            return;
        }
        float inv = 1f / rows;
        int bound = S.loopBound(classes);
        for (int r = 0; r < rows; r++) {
            int pb = pOff + r * classes;
            int db = dOff + r * classes;
            int lab = labels[labOff + r];
            float pl = probs[pb + lab];
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, probs, pb + c).mul(inv).intoArray(dLogits, db + c);
            }
            if (c < classes) {
                VectorMask<Float> m = S.indexInRange(c, classes);
                FloatVector.fromArray(S, probs, pb + c, m).mul(inv).intoArray(dLogits, db + c, m);
            }
            dLogits[db + lab] = (pl - 1f) * inv;
        }
    }
}
