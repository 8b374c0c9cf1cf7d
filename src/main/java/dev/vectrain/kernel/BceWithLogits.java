/*
 * BceWithLogits: binary cross-entropy on logits, forward beside backward. Shapes: logits, targets, d
 * (n) contiguous slices; targets in [0, 1] (not checked: soft targets are allowed).
 * Stable form per element: max(z, 0) − z·t + log1p(exp(−|z|)), which never overflows; exp and log1p
 * come from VMath (tier-independent). The sum uses
 * the fixed chunking of Reductions (deterministic; NaN/Inf propagate). It is not a weighted loss.
 */
package dev.vectrain.kernel;

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

    private static FloatVector term(FloatVector z, FloatVector t) {
        FloatVector soft = VMath.log1pUnit(VMath.exp(z.abs().neg()));
        return z.max(0f).sub(z.mul(t)).add(soft);
    }

    /** One masked loop, so term (exp + log1p, large) has a single call site that C2 inlines. */
    private static double chunk(float[] z, int zOff, float[] t, int tOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.add(term(FloatVector.fromArray(S, z, zOff + i, m), FloatVector.fromArray(S, t, tOff + i, m)), m);
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
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            Activations.sigmoid(FloatVector.fromArray(S, logits, lOff + i, m))
                    .sub(FloatVector.fromArray(S, targets, tOff + i, m)).mul(k).intoArray(d, dOff + i, m);
        }
    }
}
