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

    /** ln 2 in double, for the powers of two taken out of the product of row sums. */
    private static final double LN2 = 0.6931471805599453;

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
        double shift = 0;
        double product = 1.0;
        long powersOfTwo = 0;
        for (int r = 0; r < rows; r++) {
            int lb = lOff + r * classes;
            long maxAndSum = softmaxRow(classes, logits, lb, probs, pOff + r * classes);
            float max = FloatPair.high(maxAndSum);
            float sum = FloatPair.low(maxAndSum);
            shift += (double) max - logits[lb + labels[labOff + r]];
            // sum is in [1, classes]: product stays finite, and dividing it by 2^e is exact
            product *= sum;
            int e = Math.getExponent(product);
            product *= Double.longBitsToDouble((long) (Double.MAX_EXPONENT - e) << 52);
            powersOfTwo += e;
        }
        return (Math.log(product) + powersOfTwo * LN2 + shift) / rows;
    }

    /**
     * One row: probs = exp(z − max) / sum; returns max (high half) and sum (low half), see FloatPair.
     * <p>
     * The row's three loops are one method on purpose, larger than C2 inlines into a hot caller (325 bytes of
     * bytecode): compiled on its own, it keeps the hoisted exp constants and masks in registers. Inlined into
     * the row loop, next to that loop's double accumulators, C2 reloaded constants and spilled a mask inside
     * the exp loop, and the forward ran at 13-15 GB/s instead of 21-23 (4096x1024, one thread).
     * <p>
     * The maximum is taken by compare and blend (two lane operations per vector; lanewise MAX with Java's NaN
     * and −0.0 rules compiles to several instructions), four independent maxima for the latency. A NaN is not
     * picked up by it, but exp(NaN − max) is NaN, so the row sum, all of its probabilities and the loss still
     * come out NaN. One masked exp loop, so VMath.exp has a single call site that C2 inlines (see
     * Activations); the lane sum is written out, as a call to a helper after the inlined exp would not be
     * inlined and would box the vector.
     */
    private static long softmaxRow(int classes, float[] logits, int lb, float[] probs, int pb) {
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
        float max = m0.reduceLanes(VectorOperators.MAX);

        FloatVector vm = FloatVector.broadcast(S, max);
        FloatVector s0 = FloatVector.zero(S);
        for (c = 0; c < classes; c += L) {
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
        float sum = s0.lane(0);

        FloatVector inv = FloatVector.broadcast(S, (float) (1.0 / sum));
        for (c = 0; c < bound; c += L) {
            FloatVector.fromArray(S, probs, pb + c).mul(inv).intoArray(probs, pb + c);
        }
        if (c < classes) {
            VectorMask<Float> m = S.indexInRange(c, classes);
            FloatVector.fromArray(S, probs, pb + c, m).mul(inv).intoArray(probs, pb + c, m);
        }
        return FloatPair.of(max, sum);
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
