/*
 * VMath: exp, tanh and log1p on float vectors built only from IEEE-exact lane operations (add, mul,
 * fma, div, min/max, compare/blend, float<->int conversion of exact integers, shifts).
 *
 * Why not lanewise(EXP/TANH/LOG1P)? Those are fast (SVML on x86) but their results depend on the JIT
 * tier: the interpreter and C1 run a Java fallback (Math.exp per lane) while C2 calls SVML, and the two
 * differ in the last bit. Training steps taken before and after compilation (or by a worker still
 * interpreting while another runs compiled code) would then round differently, and the same seed
 * would not reproduce the same weights. Every operation used here rounds the same way in every tier,
 * so results are bitwise reproducible; accuracy is within 2 ulp of the correctly rounded value.
 * Constants and polynomials follow Cephes (expf, tanhf, logf). It is not a general math library.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
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
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer (nearest, ties to even). */
    private static final float ROUND_MAGIC = 12582912f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float E5 = 1.9875691500E-4f;
    private static final float E4 = 1.3981999507E-3f;
    private static final float E3 = 8.3334519073E-3f;
    private static final float E2 = 4.1665795894E-2f;
    private static final float E1 = 1.6666665459E-1f;
    private static final float E0 = 5.0000001201E-1f;

    private static final float T4 = -5.70498872745E-3f;
    private static final float T3 = 2.06390887954E-2f;
    private static final float T2 = -5.37397155531E-2f;
    private static final float T1 = 1.33314422036E-1f;
    private static final float T0 = -3.33332819422E-1f;
    /** Below |x| = 0.625 tanh uses its odd polynomial (1 − 2/(e^{2x}+1) would cancel). */
    private static final float TANH_SMALL = 0.625f;

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

    /** e^x per lane: +Inf above EXP_HI, 0 below EXP_LO, NaN for NaN. */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.lt(EXP_LO);
        VectorMask<Float> over = x.compare(VectorOperators.GT, EXP_HI);
        FloatVector xc = x.blend(0f, under.or(over));
        // n = round(x / ln2) by the 1.5·2^23 trick (t's low mantissa bits then hold 2^22 + n);
        // r = x − n·ln2 with ln2 split in two so that n·LN2_HI is exact
        FloatVector t = xc.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector r2 = r.mul(r);
        FloatVector p = r.fma(E5, E4);
        p = p.fma(r, FloatVector.broadcast(S, E3));
        p = p.fma(r, FloatVector.broadcast(S, E2));
        p = p.fma(r, FloatVector.broadcast(S, E1));
        p = p.fma(r, FloatVector.broadcast(S, E0));
        p = p.fma(r2, r).add(1f);
        // 2^(n−1) from the low bits of t: ((2^22 + n + 126) << 23) keeps exactly the exponent field
        // n + 126 (in [1, 254] for n in [−125, 128]); scaling by 2^(n−1) and then by 2 is exact and
        // lets n = 128 overflow to +Inf only when the true result does
        FloatVector scale = t.reinterpretAsInts().add(126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(scale).mul(2f);
        return y.blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
    }

    /** tanh(x) per lane; ±1 for large |x|, NaN for NaN. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        // large branch: 1 − 2/(e^{2|x|} + 1), with the sign of x restored
        FloatVector e = exp(a.add(a));
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
        big = big.blend(big.neg(), x.lt(0f));
        // small branch: x + x·s·P(s), s = x²
        FloatVector s = x.mul(x);
        FloatVector p = s.fma(T4, T3);
        p = p.fma(s, FloatVector.broadcast(S, T2));
        p = p.fma(s, FloatVector.broadcast(S, T1));
        p = p.fma(s, FloatVector.broadcast(S, T0));
        FloatVector small = p.mul(s).fma(x, x);
        return big.blend(small, a.lt(TANH_SMALL));
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
