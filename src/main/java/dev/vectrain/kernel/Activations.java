/*
 * Activations: element-wise nonlinearities, forward beside backward.
 * Forward y = f(x); backward dx = f'(x)·dy (overwrites dx), where x is the forward input and y the
 * forward output; each backward reads whichever of them it needs (documented per method).
 * Forward and backward may run in place (x and y, or dy and dx, the same slice): each element is read before
 * it is written and never read again; the layers run backward in place to keep one buffer fewer in cache. Tails use
 * masked vectors, so every element goes through the same arithmetic whatever its position. Kernels built on
 * exp/tanh run one loop, so the large VMath body has a single call site and C2 always inlines it (a second call
 * site for a tail hits the inlining node budget, and a vector crossing a real call is boxed); in that loop full
 * vectors load without a mask and only the last, partial one with a mask. A masked load that misses the cache
 * stalls the core: the same loop masked on every vector read 12 GB/s over 16M floats against 44 (KERNEL-RESULTS,
 * session 9). Masked stores cost nothing measurable, so every store takes the tail mask. exp and tanh come from
 * VMath (tier-independent, within 2 ulp), not lanewise(EXP/TANH), so results do not depend on JIT compilation
 * timing.
 * It is not a layer: no buffers, no state, no dispatch by name.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** ReLU, leaky ReLU, sigmoid, tanh and GELU (tanh approximation). */
public final class Activations {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;
    /** sqrt(2/pi), the GELU tanh-approximation constant. */
    static final float GELU_K = 0.7978845608028654f;
    /** The cubic coefficient of the GELU tanh approximation. */
    static final float GELU_C = 0.044715f;
    /**
     * GELU backward clamps x to ±GELU_CLAMP in the factor x·(1 + 3c·x²): beyond it σ(2u) is 0 or 1 to
     * float precision, so the gradient is already 0 or 1, and the clamp keeps x³ from overflowing into
     * 0·∞ = NaN.
     */
    static final float GELU_CLAMP = 10f;
    private static final int CLAMP_BITS = Float.floatToRawIntBits(GELU_CLAMP);
    /**
     * −2u in sixteenths of an octave is x·(GELU_A·x² + GELU_B): −2kc·16/ln2 and −2k·16/ln2, so that
     * VMath.expOfProduct takes x and the quadratic as they are (−2u itself is never rounded).
     */
    private static final float GELU_A = (float) (-2.0 * GELU_K * GELU_C * 16 * 1.4426950408889634);
    private static final float GELU_B = (float) (-2.0 * GELU_K * 16 * 1.4426950408889634);

    private Activations() {
    }

    private static void checkForward(int n, float[] x, int xOff, float[] y, int yOff) {
        Check.nonNegative("n", n);
        Check.range("x", x, xOff, n);
        Check.range("y", y, yOff, n);
    }

    private static void checkBackward(int n, float[] in, String inName, int inOff, float[] dy, int dyOff,
            float[] dx, int dxOff) {
        Check.nonNegative("n", n);
        Check.range(inName, in, inOff, n);
        Check.range("dy", dy, dyOff, n);
        Check.range("dx", dx, dxOff, n);
    }

    // ---------------------------------------------------------------- ReLU

    /** {@code y = x < 0 ? 0 : x} (NaN passes through). */
    public static void reluForward(int n, float[] x, int xOff, float[] y, int yOff) {
        checkForward(n, x, xOff, y, yOff);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.blend(0f, v.lt(0f)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            v.blend(0f, v.lt(0f)).intoArray(y, yOff + i, m);
        }
    }

    /**
     * {@code dx = x > 0 ? dy : 0}; reads x (y is unused and may be null). Unrolled by four vectors:
     * measured 4-9 % faster from L1 to L3 sizes (all loads of a group issue before the stores).
     */
    public static void reluBackward(int n, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
            float[] dx, int dxOff) {
        checkBackward(n, x, "x", xOff, dy, dyOff, dx, dxOff);
        int bound = S.loopBound(n);
        int bound4 = n - n % (4 * L);
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound4; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, x, xOff + i);
            FloatVector v1 = FloatVector.fromArray(S, x, xOff + i + L);
            FloatVector v2 = FloatVector.fromArray(S, x, xOff + i + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, x, xOff + i + 3 * L);
            FloatVector g0 = FloatVector.fromArray(S, dy, dyOff + i);
            FloatVector g1 = FloatVector.fromArray(S, dy, dyOff + i + L);
            FloatVector g2 = FloatVector.fromArray(S, dy, dyOff + i + 2 * L);
            FloatVector g3 = FloatVector.fromArray(S, dy, dyOff + i + 3 * L);
            zero.blend(g0, v0.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i);
            zero.blend(g1, v1.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i + L);
            zero.blend(g2, v2.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i + 2 * L);
            zero.blend(g3, v3.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i + 3 * L);
        }
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            zero.blend(FloatVector.fromArray(S, dy, dyOff + i), v.compare(VectorOperators.GT, 0f))
                    .intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            zero.blend(FloatVector.fromArray(S, dy, dyOff + i, m), v.compare(VectorOperators.GT, 0f))
                    .intoArray(dx, dxOff + i, m);
        }
    }

    // ---------------------------------------------------------------- leaky ReLU

    /** {@code y = x < 0 ? alpha·x : x}. */
    public static void leakyReluForward(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        checkForward(n, x, xOff, y, yOff);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.blend(v.mul(alpha), v.lt(0f)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            v.blend(v.mul(alpha), v.lt(0f)).intoArray(y, yOff + i, m);
        }
    }

    /** {@code dx = x > 0 ? dy : alpha·dy}; reads x (y is unused and may be null). */
    public static void leakyReluBackward(int n, float alpha, float[] x, int xOff, float[] y, int yOff, float[] dy,
            int dyOff, float[] dx, int dxOff) {
        checkBackward(n, x, "x", xOff, dy, dyOff, dx, dxOff);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            g.mul(alpha).blend(g, v.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i, m);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            g.mul(alpha).blend(g, v.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i, m);
        }
    }

    // ---------------------------------------------------------------- sigmoid

    /** {@code y = 1 / (1 + exp(−x))}; saturates to exactly 0 or 1 for large |x|. */
    public static void sigmoidForward(int n, float[] x, int xOff, float[] y, int yOff) {
        checkForward(n, x, xOff, y, yOff);
        int lastFull = n - L;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = i <= lastFull ? FloatVector.fromArray(S, x, xOff + i)
                    : FloatVector.fromArray(S, x, xOff + i, m);
            sigmoid(v).intoArray(y, yOff + i, m);
        }
    }

    static FloatVector sigmoid(FloatVector v) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(VMath.exp(v.neg()).add(one));
    }

    /** {@code dx = dy · y · (1 − y)}; reads y (x is unused and may be null). */
    public static void sigmoidBackward(int n, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
            float[] dx, int dxOff) {
        checkBackward(n, y, "y", yOff, dy, dyOff, dx, dxOff);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector s = FloatVector.fromArray(S, y, yOff + i);
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
            g.mul(s).mul(s.neg().add(1f)).intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector s = FloatVector.fromArray(S, y, yOff + i, m);
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i, m);
            g.mul(s).mul(s.neg().add(1f)).intoArray(dx, dxOff + i, m);
        }
    }

    // ---------------------------------------------------------------- tanh

    /** {@code y = tanh(x)}. */
    public static void tanhForward(int n, float[] x, int xOff, float[] y, int yOff) {
        checkForward(n, x, xOff, y, yOff);
        VMath.tanh(n, x, xOff, y, yOff);
    }

    /** {@code dx = dy · (1 − y²)}; reads y (x is unused and may be null). */
    public static void tanhBackward(int n, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
            float[] dx, int dxOff) {
        checkBackward(n, y, "y", yOff, dy, dyOff, dx, dxOff);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector t = FloatVector.fromArray(S, y, yOff + i);
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
            g.mul(t.neg().fma(t, FloatVector.broadcast(S, 1f))).intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector t = FloatVector.fromArray(S, y, yOff + i, m);
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i, m);
            g.mul(t.neg().fma(t, FloatVector.broadcast(S, 1f))).intoArray(dx, dxOff + i, m);
        }
    }

    // ---------------------------------------------------------------- GELU (tanh approximation)

    /**
     * {@code y = 0.5·x·(1 + tanh(k·(x + c·x³)))}, k = sqrt(2/π), c = 0.044715, evaluated as the equal
     * {@code x·σ(2k·(x + c·x³))}.
     */
    public static void geluForward(int n, float[] x, int xOff, float[] y, int yOff) {
        checkForward(n, x, xOff, y, yOff);
        int lastFull = n - L;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = i <= lastFull ? FloatVector.fromArray(S, x, xOff + i)
                    : FloatVector.fromArray(S, x, xOff + i, m);
            gelu(v).intoArray(y, yOff + i, m);
        }
    }

    /**
     * 0.5·x·(1 + tanh(u)) written as x / (1 + exp(−2u)): one exp, one division, no cancellation at u ≪ 0;
     * −2u = x·(x²·(−2kc) − 2k) with 16/ln2 folded into the constants (GELU_A, GELU_B), so the negation and the
     * change of base cost no lane operation, and the product goes to expOfProduct unrounded: with the table exp,
     * GELU forward and backward took 10 multiplies or fmas per 16 floats where exp(−2u) took 12.
     */
    private static FloatVector gelu(FloatVector v) {
        return v.div(VMath.expOfProduct(v, v.mul(v).fma(GELU_A, GELU_B)).add(1f));
    }

    /**
     * {@code dx = dy · (0.5·(1 + t) + 0.5·x·(1 − t²)·k·(1 + 3c·x²))}, t = tanh(k·(x + c·x³)); reads x
     * (y is unused and may be null).
     */
    public static void geluBackward(int n, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
            float[] dx, int dxOff) {
        checkBackward(n, x, "x", xOff, dy, dyOff, dx, dxOff);
        int lastFull = n - L;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            boolean full = i <= lastFull;
            FloatVector v = full ? FloatVector.fromArray(S, x, xOff + i) : FloatVector.fromArray(S, x, xOff + i, m);
            FloatVector g = full ? FloatVector.fromArray(S, dy, dyOff + i)
                    : FloatVector.fromArray(S, dy, dyOff + i, m);
            g.mul(geluGrad(v)).intoArray(dx, dxOff + i, m);
        }
    }

    /**
     * With s = σ(2u) = (1 + tanh(u))/2: GELU'(x) = s·(1 + 2k·x·(1 + 3c·x²)·(1 − s)). s comes from the
     * unclamped x (exp saturates it to exactly 0 or 1, and NaN stays NaN); only the factor
     * x·(1 + 3c·x²), which would overflow into 0·∞ = NaN, takes x clamped to ±GELU_CLAMP. The clamp
     * works on the bits (integer min of |x|, sign put back): four cheap integer operations, where
     * lanewise MIN/MAX with Java's NaN and −0.0 rules compile to several instructions each.
     */
    private static FloatVector geluGrad(FloatVector v) {
        IntVector bits = v.reinterpretAsInts();
        FloatVector xc = bits.and(0x7fffffff).min(CLAMP_BITS).or(bits.and(0x80000000)).reinterpretAsFloats();
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector sg = one.div(VMath.expOfProduct(v, v.mul(v).fma(GELU_A, GELU_B)).add(one));
        FloatVector inner = xc.mul(xc).fma(6f * GELU_K * GELU_C, 2f * GELU_K).mul(xc).mul(one.sub(sg));
        return sg.fma(inner, sg);
    }
}
