/*
 * Mse: mean squared error, forward beside backward. Shapes: pred, target, d (n) contiguous slices.
 * The forward sum uses the fixed chunking of Reductions (float lanes per chunk, chunks combined in
 * double in order), so it is deterministic and NaN/Inf propagate. It is not a per-sample loss.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Mean squared error: mean over n of (p − t)². */
public final class Mse {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;

    private Mse() {
    }

    /** Returns mean((pred − target)²) over n elements (0 when n == 0). */
    public static double forward(int n, float[] pred, int pOff, float[] target, int tOff) {
        Check.nonNegative("n", n);
        Check.range("pred", pred, pOff, n);
        Check.range("target", target, tOff, n);
        if (n == 0) {
            return 0.0;
        }
        double total = 0;
        for (int c = 0; c < n; c += Reductions.CHUNK) {
            total += chunk(pred, pOff + c, target, tOff + c, Math.min(Reductions.CHUNK, n - c));
        }
        return total / n;
    }

    private static double chunk(float[] p, int pOff, float[] t, int tOff, int n) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, p, pOff + i).sub(FloatVector.fromArray(S, t, tOff + i));
            FloatVector d1 = FloatVector.fromArray(S, p, pOff + i + L).sub(FloatVector.fromArray(S, t, tOff + i + L));
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
        }
        for (; i + L <= n; i += L) {
            FloatVector d0 = FloatVector.fromArray(S, p, pOff + i).sub(FloatVector.fromArray(S, t, tOff + i));
            a0 = d0.fma(d0, a0);
        }
        float tail = 0f;
        for (; i < n; i++) {
            float d = p[pOff + i] - t[tOff + i];
            tail = Math.fma(d, d, tail);
        }
        return (double) Reductions.laneSum(a0.add(a1)) + tail;
    }

    /** d = 2·(pred − target)/n. */
    public static void backward(int n, float[] pred, int pOff, float[] target, int tOff, float[] d, int dOff) {
        Check.nonNegative("n", n);
        Check.range("pred", pred, pOff, n);
        Check.range("target", target, tOff, n);
        Check.range("d", d, dOff, n);
        if (n == 0) {
            return;
        }
        float k = 2f / n;
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, pred, pOff + i).sub(FloatVector.fromArray(S, target, tOff + i)).mul(k)
                    .intoArray(d, dOff + i);
        }
        for (; i < n; i++) {
            d[dOff + i] = (pred[pOff + i] - target[tOff + i]) * k;
        }
    }
}
