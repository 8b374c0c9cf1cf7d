/*
 * BceWithLogits: binary cross-entropy on logits, forward beside backward. Shapes: logits, targets, d
 * (n) contiguous slices; targets in [0, 1] (not checked: soft targets are allowed).
 * Stable form per element: max(z, 0) − z·t + log1p(exp(−|z|)), which never overflows; exp and log1p
 * come from VMath (tier-independent). The sum uses
 * the fixed chunking of Reductions (deterministic; NaN/Inf propagate). It is not a weighted loss.
 */
package dev.vectrain.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Binary cross-entropy with logits: mean over n elements. */
public final class BceWithLogits {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;

    private BceWithLogits() {
    }

    /** Returns mean over n of max(z,0) − z·t + log1p(exp(−|z|)) (0 when n == 0). */
    public static double forward(int n, float[] logits, int lOff, float[] targets, int tOff) {
        Check.nonNegative("n", n);
        Check.range("logits", logits, lOff, n);
        Check.range("targets", targets, tOff, n);
        if (n == 0) {
            return 0.0;
        }
        double total = 0;
        for (int c = 0; c < n; c += Reductions.CHUNK) {
            total += chunk(logits, lOff + c, targets, tOff + c, Math.min(Reductions.CHUNK, n - c));
        }
        return total / n;
    }

    /** 1 in the first L lanes, then 0: loaded at max(0, L − r), the weights that keep the first r lanes. */
    private static final float[] LANE_WEIGHTS = laneWeights();

    private static float[] laneWeights() {
        float[] w = new float[2 * L];
        Arrays.fill(w, 0, L, 1f);
        return w;
    }

    /**
     * One loop, the term max(z,0) − z·t + log1p(exp(−|z|)) written out in it (one call site for the large VMath
     * bodies, and no helper taking vectors: one that C2 compiled on its own first is not inlined later, and the
     * vectors crossing its call are boxed). Full vectors load without a mask (see Activations). A tail's unused
     * lanes (loaded as 0, whose term is log 2) are zeroed by a 0/1 weight, not a masked add into the accumulator:
     * with C2 alone (-XX:-TieredCompilation) either of those left the accumulator boxed in some runs of
     * KernelAllocationMain.
     */
    private static double chunk(float[] z, int zOff, float[] t, int tOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int lastFull = n - L;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            boolean full = i <= lastFull;
            FloatVector zi = full ? FloatVector.fromArray(S, z, zOff + i) : FloatVector.fromArray(S, z, zOff + i, m);
            FloatVector ti = full ? FloatVector.fromArray(S, t, tOff + i) : FloatVector.fromArray(S, t, tOff + i, m);
            FloatVector w = FloatVector.fromArray(S, LANE_WEIGHTS, Math.max(0, L - (n - i)));
            FloatVector soft = VMath.log1pUnit(VMath.exp(zi.abs().neg()));
            acc = zi.max(0f).sub(zi.mul(ti)).add(soft).fma(w, acc);
        }
        // Reductions.laneSum written out (a call here would not be inlined and would box acc)
        if (L >= 16) {
            acc = acc.add(acc.rearrange(Reductions.SWAP8));
        }
        if (L >= 8) {
            acc = acc.add(acc.rearrange(Reductions.SWAP4));
        }
        if (L >= 4) {
            acc = acc.add(acc.rearrange(Reductions.SWAP2));
        }
        acc = acc.add(acc.rearrange(Reductions.SWAP1));
        return acc.lane(0);
    }

    /** d = (sigmoid(z) − t)/n. */
    public static void backward(int n, float[] logits, int lOff, float[] targets, int tOff, float[] d, int dOff) {
        Check.nonNegative("n", n);
        Check.range("logits", logits, lOff, n);
        Check.range("targets", targets, tOff, n);
        Check.range("d", d, dOff, n);
        if (n == 0) {
            return;
        }
        float k = 1f / n;
        int lastFull = n - L;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            boolean full = i <= lastFull;
            FloatVector z = full ? FloatVector.fromArray(S, logits, lOff + i)
                    : FloatVector.fromArray(S, logits, lOff + i, m);
            FloatVector t = full ? FloatVector.fromArray(S, targets, tOff + i)
                    : FloatVector.fromArray(S, targets, tOff + i, m);
            Activations.sigmoid(z).sub(t).mul(k).intoArray(d, dOff + i, m);
        }
    }
}
