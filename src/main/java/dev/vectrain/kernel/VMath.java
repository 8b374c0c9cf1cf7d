/*
 * VMath: exp, tanh and log1p on float vectors built only from IEEE-exact lane operations (add, mul,
 * fma, div, compare/blend, and integer min/add/shift/and/or on the bits of floats).
 *
 * Why not lanewise(EXP/TANH/LOG1P)? Those are fast (SVML on x86) but their results depend on the JIT
 * tier: the interpreter and C1 run a Java fallback (Math.exp per lane) while C2 calls SVML, and the two
 * differ in the last bit. Training steps taken before and after compilation (or by a worker still
 * interpreting while another runs compiled code) would then round differently, and the same seed
 * would not reproduce the same weights. Every operation used here rounds the same way in every tier,
 * so results are bitwise reproducible; accuracy is within 2 ulp of the correctly rounded value.
 * exp, where a vector holds 16 floats or more, reduces by m·ln2/16 (m = 16k + j) and takes 2^(j/16) from a
 * 16-entry table by one lane permute (an exact integer operation) and e^r from a degree-3 polynomial; with
 * fewer lanes it is a degree-6 minimax polynomial after reduction by n·ln2, with 2^n built in the exponent bits;
 * tanh is −expm1(−2|x|)/(2 + expm1(−2|x|)) from the same reduction and polynomial, and comes as a whole array
 * kernel (see tanh for why); log1p follows Cephes (logf). Lane operations are the cost, the multiplies and
 * fmas above all (two pipes of four on Zen 4 and 5), so each function is written for few of them. It is not a
 * general math library.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Tier-independent vector exp, tanh and log1p (package-private kernel helper). */
final class VMath {
    private static final VectorSpecies<Float> S = Vec.SPECIES;

    /** exp(x) overflows above ln(Float.MAX_VALUE). */
    static final float EXP_HI = 88.72283905206835f;
    /** Below this, exp(x) (< 2e-38, near the subnormal range) is returned as 0. */
    static final float EXP_LO = -86.9f;
    private static final float LOG2E = 1.44269504088896341f;
    /**
     * 1.5·2^23 + 126: adding it rounds a float of magnitude < 2^22 to an integer n (nearest, ties to even)
     * and leaves n + 126 in the low mantissa bits, so that shifting the bits left by 23 gives 2^(n−1).
     */
    private static final float ROUND_BIAS = 12582912f + 126f;
    /** The bits of ROUND_BIAS + 128: n is capped at 128, where every x above EXP_HI overflows anyway. */
    private static final int T_CAP = Float.floatToRawIntBits(ROUND_BIAS + 128f);
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /**
     * 2·e^r ≈ 2 + 2r + P2·r² + … + P6·r⁶ on |r| ≤ ln2/2: twice a degree-6 minimax fit of e^r with the
     * constant and linear terms fixed at 1 (relative error 3e-9 before rounding; exp measured within
     * 0.91 ulp over every float in [EXP_LO, EXP_HI]). The factor 2 is exact and lets 2^(n−1) stay a
     * normal float for n = 128.
     */
    private static final float P6 = 2 * 1.3814613e-3f;
    private static final float P5 = 2 * 8.3687101e-3f;
    private static final float P4 = 2 * 4.1668389e-2f;
    private static final float P3 = 2 * 1.6666521e-1f;
    private static final float P2 = 2 * 4.9999994e-1f;

    private static final int SIGN = 0x80000000;

    /** Whether exp takes 2^(j/16) from a table: the 16 entries need a vector of 16 lanes or more. */
    static final boolean TABLE_EXP = S.length() >= 16;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer m and leaves m in the low bits. */
    private static final float ROUND_BIAS_16 = 12582912f;
    private static final float LOG2E_16 = 16 * LOG2E;
    /** The bits of ROUND_BIAS_16 + 2047: m is capped at 2047 (k = 127, j = 15), so that T[j]·2^k stays finite. */
    private static final int M_CAP = Float.floatToRawIntBits(ROUND_BIAS_16) + 2047;
    /** ln2/16 in two parts; the high part has 12 significant bits, so m·LN2_16_HI is exact for |m| < 2^12. */
    private static final float LN2_16_HI = Float.intBitsToFloat(0x3d317000);
    private static final float LN2_16_LO = Float.intBitsToFloat(0x3605fdf4);
    /**
     * e^r − 1 ≈ r + C2·r² + C3·r³: minimax (relative to e^r, 4.9e-10) on [−ln2/32, ln2/16], the reduced range
     * widened upwards for the top of exp's domain, where m is capped and r reaches ln2/16.
     */
    private static final float C2 = 0.5000399f;
    private static final float C3 = 0.16756095f;
    /** T[j] = 2^(j/16) rounded to float, j = 0..15 (bits). */
    private static final int[] TWO_POW_J16 = {
        0x3f800000, 0x3f85aac3, 0x3f8b95c2, 0x3f91c3d3, 0x3f9837f0, 0x3f9ef532, 0x3fa5fed7, 0x3fad583f,
        0x3fb504f3, 0x3fbd08a4, 0x3fc5672a, 0x3fce248c, 0x3fd744fd, 0x3fe0ccdf, 0x3feac0c7, 0x3ff5257d};
    /** (2^(j/16) − T[j]) / T[j] rounded to float (bits): each entry's rounding, added back in the polynomial. */
    private static final int[] TWO_POW_J16_ERROR = {
        0x00000000, 0x3346cb6a, 0xb24e0611, 0x334b2482, 0x33092801, 0x331b85f2, 0xb3051aa8, 0xb2006c56,
        0x329302ae, 0xb302e5a2, 0x31b3d0e5, 0x31d1daf2, 0xb27ce182, 0xb1b4b0da, 0xb1d290be, 0x31b0a147};
    private static final IntVector TABLE = TABLE_EXP ? IntVector.fromArray(IS, lanes(TWO_POW_J16), 0) : null;
    private static final IntVector TABLE_ERROR =
            TABLE_EXP ? IntVector.fromArray(IS, lanes(TWO_POW_J16_ERROR), 0) : null;

    /** ln2/16: a sixteenth of an octave, the unit of {@link #expOfProduct}'s exponent. */
    static final float LN2_16 = 0.0433217f;
    /** e^(s·ln2/16) − 1 ≈ s·(LN2_16 + D2·s + D3·s²): C2 and C3 of expByTable for s = r/(ln2/16), s in [−1/2, 1]. */
    private static final float D2 = 0.00093845965f;
    private static final float D3 = 1.3623518e-05f;
    /** m below this (e^(m·ln2/16) < 2^-125.4, where 2^k·T[j] would leave the normal range) gives 0. */
    private static final float M_LO = ROUND_BIAS_16 - 2006f;

    /** 1.5·2^23 + 127: as ROUND_BIAS, but shifting the bits gives 2^n itself (tanh's n is at most 0). */
    private static final float ROUND_BIAS_1 = 12582912f + 127f;
    /** Below y = −2|x| = −17.5, e^y < 2^-25 and tanh(x) rounds to ±1. */
    private static final float TANH_SATURATE = -17.5f;

    private static final float SQRT_HALF = 0.707106781186547524f;
    private static final float L8 = 7.0376836292E-2f;
    private static final float L7 = -1.1514610310E-1f;
    private static final float L6 = 1.1676998740E-1f;
    private static final float L5 = -1.2420140846E-1f;
    private static final float L4 = 1.4249322787E-1f;
    private static final float L3 = -1.6668057665E-1f;
    private static final float L2 = 2.0000714765E-1f;
    private static final float L1 = -2.4999993993E-1f;
    private static final float L0 = 3.3333331174E-1f;

    private VMath() {
    }

    /** T[j] = 2^(j/16) as expByTable holds it, for j in 0..15 (tests). */
    static float twoPowJ16(int j) {
        return Float.intBitsToFloat(TWO_POW_J16[j]);
    }

    /** The rounding of T[j] relative to T[j], as expByTable adds it back, for j in 0..15 (tests). */
    static float twoPowJ16Error(int j) {
        return Float.intBitsToFloat(TWO_POW_J16_ERROR[j]);
    }

    /** {@code table} repeated to fill a vector of IS (16 lanes or more). */
    private static int[] lanes(int[] table) {
        int[] out = new int[Math.max(IS.length(), table.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = table[i % table.length];
        }
        return out;
    }

    /**
     * e^x per lane: +Inf above EXP_HI, 0 below EXP_LO, NaN for NaN; by {@link #expByTable} where a vector has 16
     * lanes or more, else by {@link #expByPolynomial}. Both are within 1 ulp of e^x over [EXP_LO, EXP_HI]; they
     * round differently, so the species decides the last bit, and one species gives the same bits in every tier.
     */
    static FloatVector exp(FloatVector x) {
        return TABLE_EXP ? expByTable(x) : expByPolynomial(x);
    }

    /**
     * e^x = 2^k · T[j] · e^r with m = round(16x/ln2) = 16k + j and |r| ≤ ln2/32: 17 lane operations, 7 of them
     * multiplies or fmas against 10 in expByPolynomial (those run on two of the four FP pipes, which bound
     * GELU, sigmoid and softmax's exp in cache: e.g. 6.4 → 5.3 cycles per 16 floats, GELU 10.9 → 9.4). T[j] comes
     * from one permute of a 16-entry table, its rounding from a second, added to the polynomial e^r − 1 in its
     * last fma; 2^k·T[j] is an integer add of k into T[j]'s exponent. m is capped at 2047 by an integer min on
     * t's bits (as in expByPolynomial), so 2^k·T[j] ≤ 2^127·1.92 stays finite and x above EXP_HI overflows in the
     * final fma (r > 0 there; +Inf gives r = +Inf); lanes below EXP_LO (k ≥ −126 keeps 2^k·T[j] normal above it)
     * compute garbage that one blend replaces by 0; NaN stays NaN. Measured within 0.96 ulp over every float in
     * [EXP_LO, EXP_HI] (the scalar replica, VMathTest).
     */
    static FloatVector expByTable(FloatVector x) {
        FloatVector t = x.fma(LOG2E_16, ROUND_BIAS_16);
        IntVector ti = t.reinterpretAsInts().min(M_CAP);
        FloatVector m = ti.reinterpretAsFloats().sub(ROUND_BIAS_16);
        FloatVector r = m.fma(FloatVector.broadcast(S, -LN2_16_HI), x);
        r = m.fma(FloatVector.broadcast(S, -LN2_16_LO), r);
        IntVector j = ti.and(15);
        FloatVector q = r.fma(C3, C2);
        q = q.fma(r, FloatVector.broadcast(S, 1f));
        q = q.fma(r, j.selectFrom(TABLE_ERROR).reinterpretAsFloats());
        // 2^k·T[j]: k = m >> 4 (t's bits are 0x4b400000 + m, 0x4b400000 a multiple of 16) added into the exponent
        FloatVector scale = j.selectFrom(TABLE)
                .add(ti.lanewise(VectorOperators.ASHR, 4).lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
        return scale.fma(q, scale).blend(0f, x.lt(EXP_LO));
    }

    /**
     * e^(a·b·ln2/16) per lane: an exponent given as a product, in sixteenths of an octave (a caller that computes
     * b as a polynomial folds 16/ln2 into its coefficients). With the table, 2 fewer multiplies than
     * exp(a·b·ln2/16): the product is never rounded on its own, t = fma(a, b, bias) finds m, and the reduced
     * argument s = a·b − m comes from a second fma, exact but for one rounding, so no split ln2 is needed (s is in
     * sixteenths, |s| ≤ 1/2, up to 1 where m is capped). As exp: +Inf above EXP_HI·16/ln2, 0 below about
     * EXP_LO·16/ln2, NaN for NaN. Without the table (fewer than 16 lanes) it is expByPolynomial(a·b·ln2/16).
     */
    static FloatVector expOfProduct(FloatVector a, FloatVector b) {
        if (!TABLE_EXP) {
            return expByPolynomial(a.mul(b).mul(LN2_16));
        }
        FloatVector t = a.fma(b, FloatVector.broadcast(S, ROUND_BIAS_16));
        IntVector ti = t.reinterpretAsInts().min(M_CAP);
        FloatVector negM = FloatVector.broadcast(S, ROUND_BIAS_16).sub(ti.reinterpretAsFloats());
        FloatVector sx = a.fma(b, negM);
        IntVector j = ti.and(15);
        FloatVector q = sx.fma(D3, D2);
        q = q.fma(sx, FloatVector.broadcast(S, LN2_16));
        q = q.fma(sx, j.selectFrom(TABLE_ERROR).reinterpretAsFloats());
        FloatVector scale = j.selectFrom(TABLE)
                .add(ti.lanewise(VectorOperators.ASHR, 4).lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
        return scale.fma(q, scale).blend(0f, t.lt(M_LO));
    }

    /**
     * e^x per lane: +Inf above EXP_HI, 0 below EXP_LO, NaN for NaN. 15 lane operations, x is not clamped:
     * n is capped at 128 by an integer min on the bits of t (for t > 0 signed int order is float order,
     * and every x above EXP_HI has t at or above the cap), so above EXP_HI r > 0 and 2e^r·2^127 overflows
     * to +Inf by itself (x = +Inf gives r = +Inf); NaN stays NaN through the arithmetic; lanes below
     * EXP_LO compute garbage that one blend replaces by 0.
     */
    static FloatVector expByPolynomial(FloatVector x) {
        FloatVector t = x.fma(LOG2E, ROUND_BIAS);
        IntVector ti = t.reinterpretAsInts().min(T_CAP);
        FloatVector n = ti.reinterpretAsFloats().sub(ROUND_BIAS);
        // r = x − n·ln2, with ln2 split in two so that n·LN2_HI is exact
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(P6, P5);
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, 2f));
        p = p.fma(r, FloatVector.broadcast(S, 2f));
        // 2^(n−1): exponent field n + 126, in [1, 254] for n in [−125, 128]
        FloatVector scale = ti.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).blend(0f, x.lt(EXP_LO));
    }

    /**
     * out = tanh(x) over count elements, per lane; ±1 for large |x|, ±0 for ±0, NaN for NaN. 23 lane operations per
     * vector, one branch-free formula for every x: with a = |x|, y = −2a ≤ 0 and e^y = 2^n·(1 + q) (the reduction
     * of exp, q = e^r − 1 by the exp polynomial written as r + r²·P(r)), tanh(a) = −expm1(y)/(2 + expm1(y)), where
     * numerator and denominator are each one fma, 2^n·q + (2^n ∓ 1) (2^n ± 1 are exact), so neither cancels near 0
     * nor loses E = e^y near 1. The quotient is −tanh(a); its sign bit is cleared and x's put in. y below −17.5
     * (tanh rounds to 1) takes −1 by a blend, which also covers the lanes where 2^n would leave the normal range.
     * Its scalar replica (VMathTest) measured within 1.96 ulp over every float of magnitude 1e-30 to 12, both
     * signs; below, the result is x (y/−2 exactly), above, ±1. Full vectors load without a mask, only the last,
     * partial one with a mask (see Activations). x and y may be the same slice; the caller checks the ranges.
     * <p>
     * The loop and the formula are one method on purpose, larger than C2 inlines into a hot caller (325 bytes of
     * bytecode), so it is always compiled on its own. As a per-vector function called from the kernel's loop, it
     * was cut off when a caller's compilation inlined that loop and ran out of nodes (NodeCountInliningCutoff:
     * JMH's OSR of ActivationBench.tanhForward at 4096 floats), and every vector crossed the call boxed: 49 151
     * B per call and 0.18 M calls/s against 0.01 B and 1.5 M with the loop not inlined (-prof gc, three forks).
     */
    static void tanh(int count, float[] x, int xOff, float[] out, int oOff) {
        int lastFull = count - S.length();
        for (int i = 0; i < count; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, count);
            FloatVector v = i <= lastFull ? FloatVector.fromArray(S, x, xOff + i)
                    : FloatVector.fromArray(S, x, xOff + i, m);
            IntVector xi = v.reinterpretAsInts();
            FloatVector y = xi.and(~SIGN).reinterpretAsFloats().mul(-2f);
            FloatVector t = y.fma(LOG2E, ROUND_BIAS_1);
            IntVector ti = t.reinterpretAsInts();
            FloatVector n = t.sub(ROUND_BIAS_1);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), y);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(P6 / 2, P5 / 2);
            p = p.fma(r, FloatVector.broadcast(S, P4 / 2));
            p = p.fma(r, FloatVector.broadcast(S, P3 / 2));
            p = p.fma(r, FloatVector.broadcast(S, P2 / 2));
            FloatVector q = r.mul(r).fma(p, r);
            // 2^n: exponent field n + 127, in [102, 127] for y in [−17.5, 0]
            FloatVector scale = ti.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector num = scale.fma(q, scale.sub(1f));
            FloatVector den = scale.fma(q, scale.add(1f));
            FloatVector negTanh = num.div(den).blend(-1f, y.lt(TANH_SATURATE));
            negTanh.reinterpretAsInts().and(~SIGN).or(xi.and(SIGN)).reinterpretAsFloats()
                    .intoArray(out, oOff + i, m);
        }
    }

    /**
     * log(1 + u) per lane for u in [0, 1] (the softplus term of BCE): w = 1 + u, log(w) by the Cephes
     * polynomial, plus the correction (u − (w − 1))/w for the rounding of w.
     */
    static FloatVector log1pUnit(FloatVector u) {
        FloatVector w = u.add(1f);
        FloatVector c = u.sub(w.sub(1f)).div(w);
        // w in [1, 2]: m = w or w/2 so that m in [sqrt(1/2), sqrt(2)), e = 0 or 1
        VectorMask<Float> high = w.compare(VectorOperators.GT, 2f * SQRT_HALF);
        FloatVector m = w.blend(w.mul(0.5f), high);
        FloatVector e = FloatVector.zero(S).blend(1f, high);
        FloatVector x = m.sub(1f);
        FloatVector z = x.mul(x);
        FloatVector y = x.fma(L8, L7);
        y = y.fma(x, FloatVector.broadcast(S, L6));
        y = y.fma(x, FloatVector.broadcast(S, L5));
        y = y.fma(x, FloatVector.broadcast(S, L4));
        y = y.fma(x, FloatVector.broadcast(S, L3));
        y = y.fma(x, FloatVector.broadcast(S, L2));
        y = y.fma(x, FloatVector.broadcast(S, L1));
        y = y.fma(x, FloatVector.broadcast(S, L0));
        y = y.mul(x).mul(z);
        y = e.fma(FloatVector.broadcast(S, LN2_LO), y);
        y = z.fma(FloatVector.broadcast(S, -0.5f), y);
        FloatVector r = x.add(y).add(e.mul(LN2_HI));
        return r.add(c);
    }
}
