/*
 * SoftmaxCrossEntropy: the fused softmax + cross-entropy loss over integer class labels, forward
 * beside backward. Shapes: logits, probs, dLogits (rows x classes) contiguous; labels (rows).
 * Stable for any finite logits (|z| up to ~1e38): each row is shifted by its maximum before exp, and
 * the loss is computed as log(sum) + max − z[label] in double. NaN in a row's logits surfaces as NaN
 * probabilities and a NaN loss. exp is VMath.exp (tier-independent). It is not a generic softmax layer (no temperature, no masking).
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
        int bound = S.loopBound(classes);
        // loss = Σ (max − z[label]) + Σ log(sum); the logs are taken of products of LOG_BLOCK row sums
        // (each in [1, classes], so a product stays below 2^992): one Math.log per block, not per row
        double shift = 0;
        double logs = 0;
        double product = 1.0;
        for (int r = 0; r < rows; r++) {
            int lb = lOff + r * classes;
            int pb = pOff + r * classes;
            // pass 1: row maximum (Math.max semantics: a NaN makes the maximum NaN)
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c < bound; c += L) {
                vmax = vmax.max(FloatVector.fromArray(S, logits, lb + c));
            }
            if (c < classes) {
                VectorMask<Float> m = S.indexInRange(c, classes);
                FloatVector v = FloatVector.fromArray(S, logits, lb + c, m).blend(Float.NEGATIVE_INFINITY, m.not());
                vmax = vmax.max(v);
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            float target = logits[lb + labels[labOff + r]];
            // pass 2: e = exp(z − max) written to probs and summed; one masked loop, so VMath.exp has a
            // single call site that C2 inlines (see Activations)
            FloatVector vm = FloatVector.broadcast(S, max);
            FloatVector s0 = FloatVector.zero(S);
            for (c = 0; c < classes; c += L) {
                VectorMask<Float> m = S.indexInRange(c, classes);
                FloatVector e = VMath.exp(FloatVector.fromArray(S, logits, lb + c, m).sub(vm));
                e.intoArray(probs, pb + c, m);
                s0 = s0.add(e, m);
            }
            // Reductions.laneSum written out (a call here would not be inlined and would box s0)
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
            double sum = s0.lane(0);
            // pass 3: normalise
            FloatVector inv = FloatVector.broadcast(S, (float) (1.0 / sum));
            c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, probs, pb + c).mul(inv).intoArray(probs, pb + c);
            }
            if (c < classes) {
                VectorMask<Float> m = S.indexInRange(c, classes);
                FloatVector.fromArray(S, probs, pb + c, m).mul(inv).intoArray(probs, pb + c, m);
            }
            shift += (double) max - target;
            product *= sum;
            if ((r & (LOG_BLOCK - 1)) == LOG_BLOCK - 1 || r == rows - 1) {
                logs += Math.log(product);
                product = 1.0;
            }
        }
        return (logs + shift) / rows;
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
