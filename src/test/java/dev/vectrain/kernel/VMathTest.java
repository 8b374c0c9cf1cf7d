/*
 * VMath: accuracy against Math (double) within 2 ulp, special values, and bitwise equality with a
 * scalar replica of the same operation sequence. Scalar float arithmetic rounds identically in every
 * JIT tier, so bitwise equality (checked cold and again hot, after C2 compiled the vector code) shows
 * the vector functions do not depend on the tier.
 */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VMathTest {
    private static final double MAX_ULP = 2.0;

    /** Scalar replica of VMath.exp for the species in use, operation for operation. */
    static float exp(float x) {
        return VMath.TABLE_EXP ? expByTable(x) : expByPolynomial(x);
    }

    /** Scalar replica of VMath.expByTable, operation for operation. */
    static float expByTable(float x) {
        float bias = 12582912f;
        float t = Math.fma(x, 16 * 1.44269504088896341f, bias);
        int ti = Math.min(Float.floatToRawIntBits(t), Float.floatToRawIntBits(bias) + 2047);
        float m = Float.intBitsToFloat(ti) - bias;
        float r = Math.fma(m, -Float.intBitsToFloat(0x3d317000), x);
        r = Math.fma(m, -Float.intBitsToFloat(0x3605fdf4), r);
        int j = ti & 15;
        float q = Math.fma(r, 0.16756095f, 0.5000399f);
        q = Math.fma(q, r, 1f);
        q = Math.fma(q, r, VMath.twoPowJ16Error(j));
        float scale = Float.intBitsToFloat(Float.floatToRawIntBits(VMath.twoPowJ16(j)) + ((ti >> 4) << 23));
        float y = Math.fma(scale, q, scale);
        return x < VMath.EXP_LO ? 0f : y;
    }

    /** Scalar replica of VMath.expOfProduct for the species in use, operation for operation. */
    static float expOfProduct(float a, float b) {
        return VMath.TABLE_EXP ? expOfProductByTable(a, b) : expByPolynomial(a * b * VMath.LN2_16);
    }

    /** Scalar replica of VMath.expOfProduct's table path, operation for operation. */
    static float expOfProductByTable(float a, float b) {
        float bias = 12582912f;
        float t = Math.fma(a, b, bias);
        int ti = Math.min(Float.floatToRawIntBits(t), Float.floatToRawIntBits(bias) + 2047);
        float s = Math.fma(a, b, bias - Float.intBitsToFloat(ti));
        int j = ti & 15;
        float q = Math.fma(s, 1.3623518e-05f, 0.00093845965f);
        q = Math.fma(q, s, VMath.LN2_16);
        q = Math.fma(q, s, VMath.twoPowJ16Error(j));
        float scale = Float.intBitsToFloat(Float.floatToRawIntBits(VMath.twoPowJ16(j)) + ((ti >> 4) << 23));
        float y = Math.fma(scale, q, scale);
        return t < bias - 2006f ? 0f : y;
    }

    /** Scalar replica of VMath.expByPolynomial, operation for operation. */
    static float expByPolynomial(float x) {
        float bias = 12582912f + 126f;
        float t = Math.fma(x, 1.44269504088896341f, bias);
        int ti = Math.min(Float.floatToRawIntBits(t), Float.floatToRawIntBits(bias + 128f));
        float n = Float.intBitsToFloat(ti) - bias;
        float r = Math.fma(n, -0.693359375f, x);
        r = Math.fma(n, 2.12194440e-4f, r);
        float p = Math.fma(r, 2 * 1.3814613e-3f, 2 * 8.3687101e-3f);
        p = Math.fma(p, r, 2 * 4.1668389e-2f);
        p = Math.fma(p, r, 2 * 1.6666521e-1f);
        p = Math.fma(p, r, 2 * 4.9999994e-1f);
        p = Math.fma(p, r, 2f);
        p = Math.fma(p, r, 2f);
        float y = p * Float.intBitsToFloat(ti << 23);
        return x < VMath.EXP_LO ? 0f : y;
    }

    /** Scalar replica of VMath.tanh, operation for operation. */
    static float tanh(float x) {
        float y = Math.abs(x) * -2f;
        float bias = 12582912f + 127f;
        float t = Math.fma(y, 1.44269504088896341f, bias);
        float n = t - bias;
        float r = Math.fma(n, -0.693359375f, y);
        r = Math.fma(n, 2.12194440e-4f, r);
        float p = Math.fma(r, 1.3814613e-3f, 8.3687101e-3f);
        p = Math.fma(p, r, 4.1668389e-2f);
        p = Math.fma(p, r, 1.6666521e-1f);
        p = Math.fma(p, r, 4.9999994e-1f);
        float q = Math.fma(r * r, p, r);
        float scale = Float.intBitsToFloat(Float.floatToRawIntBits(t) << 23);
        float negTanh = Math.fma(scale, q, scale - 1f) / Math.fma(scale, q, scale + 1f);
        negTanh = y < -17.5f ? -1f : negTanh;
        return Float.intBitsToFloat((Float.floatToRawIntBits(negTanh) & 0x7fffffff)
                | (Float.floatToRawIntBits(x) & 0x80000000));
    }

    private static float[] sweep(double lo, double hi, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * i / (n - 1));
        }
        return x;
    }

    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        float[] y = new float[x.length];
        int l = Vec.LANES;
        for (int i = 0; i + l <= x.length; i += l) {
            f.apply(FloatVector.fromArray(Vec.SPECIES, x, i)).intoArray(y, i);
        }
        return y;
    }

    /** VMath.tanh over all of x (the array kernel; x's tail, if any, through its masked last vector). */
    private static float[] tanhOf(float[] x) {
        float[] y = new float[x.length];
        VMath.tanh(x.length, x, 0, y, 0);
        return y;
    }

    private static void accurate(String name, float[] x, float[] y, DoubleUnaryOperator exact) {
        for (int i = 0; i < x.length; i++) {
            double e = exact.applyAsDouble(x[i]);
            float ef = (float) e;
            double ulp = Math.ulp(Math.max(Math.abs(ef), Float.MIN_NORMAL));
            double err = Math.abs(y[i] - e) / ulp;
            if (!(err <= MAX_ULP)) {
                fail(name + "(" + x[i] + ") = " + y[i] + ", exact " + e + ": " + err + " ulp");
            }
        }
    }

    @Test
    void expIsAccurateAndMatchesItsScalarReplicaBitForBit() {
        float[] x = sweep(-86.5, 88.7, 16 * 1024);
        float[] y = apply(VMath::exp, x);
        accurate("exp", x, y, Math::exp);
        for (int round = 0; round < 2; round++) { // cold, then hot
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(exp(x[i])) != Float.floatToRawIntBits(y[i])) {
                    fail("exp replica differs at " + x[i] + ": " + exp(x[i]) + " vs " + y[i]);
                }
            }
            for (int i = 0; i < 200; i++) {
                y = apply(VMath::exp, x);
            }
        }
    }

    /**
     * The top of the range, where n = 128 is capped on t's bits and overflow must come out of the
     * arithmetic: every float in [88, 89] is within 2 ulp (or +Inf exactly when the float result
     * overflows), +Inf above EXP_HI, and bit-for-bit the scalar replica; huge inputs and a NaN with the
     * sign bit set (what x86 arithmetic produces) behave too.
     */
    @Test
    void expOverflowBoundaryAndSpecialBitPatterns() {
        int count = 0;
        for (float v = 88f; v <= 89f; v = Math.nextUp(v)) {
            count++;
        }
        float[] x = new float[(count + Vec.LANES - 1) / Vec.LANES * Vec.LANES];
        float v = 88f;
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(v, 89f);
            v = Math.nextUp(v);
        }
        float[] y = apply(VMath::exp, x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(exp(x[i])), Float.floatToRawIntBits(y[i]), "replica at " + x[i]);
            float exact = (float) Math.exp(x[i]);
            if (x[i] > VMath.EXP_HI || Float.isInfinite(exact)) {
                assertEquals(Float.POSITIVE_INFINITY, y[i], "exp(" + x[i] + ")");
            } else {
                assertTrue(Math.abs(y[i] - Math.exp(x[i])) <= MAX_ULP * Math.ulp(exact), "exp(" + x[i] + ") = " + y[i]);
            }
        }
        float[] specials = {Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7fc00001), Float.MAX_VALUE,
            -Float.MAX_VALUE, 1e30f, -1e30f, 8.7e6f, -8.7e6f, Math.nextUp(VMath.EXP_HI), Math.nextDown(VMath.EXP_LO)};
        float[] in = new float[Vec.LANES];
        for (int i = 0; i < specials.length; i += in.length) {
            for (int j = 0; j < in.length; j++) {
                in[j] = specials[(i + j) % specials.length];
            }
            float[] out = apply(VMath::exp, in);
            for (int j = 0; j < in.length; j++) {
                float s = in[j];
                float expected = Float.isNaN(s) ? Float.NaN : s > 0 ? Float.POSITIVE_INFINITY : 0f;
                assertEquals(expected, out[j], "exp(" + s + ", bits " + Integer.toHexString(Float.floatToRawIntBits(s)) + ")");
            }
        }
    }

    /**
     * The table's 16 entries are 2^(j/16) rounded to nearest, and each error entry is what that rounding left,
     * both checked against BigDecimal arithmetic (2^(j/16) to 40 digits by Newton's method on y^16 = 2^j).
     */
    @Test
    void expTableHoldsTheCorrectlyRoundedPowersOfTwo() {
        MathContext mc = new MathContext(40);
        for (int j = 0; j < 16; j++) {
            BigDecimal target = BigDecimal.valueOf(1L << j);
            BigDecimal y = new BigDecimal(Math.pow(2, j / 16.0));
            for (int it = 0; it < 6; it++) { // y ← y − (y^16 − 2^j) / (16·y^15)
                y = y.subtract(y.pow(16, mc).subtract(target).divide(y.pow(15, mc).multiply(
                        BigDecimal.valueOf(16)), mc), mc);
            }
            float t = VMath.twoPowJ16(j);
            BigDecimal err = y.subtract(new BigDecimal(t)).abs();
            for (float neighbour : new float[] {Math.nextUp(t), Math.nextDown(t)}) {
                assertTrue(err.compareTo(y.subtract(new BigDecimal(neighbour)).abs()) < 0,
                        "2^(" + j + "/16) = " + y + " rounds to " + neighbour + ", table has " + t);
            }
            float expected = y.subtract(new BigDecimal(t))
                    .divide(new BigDecimal(t), mc).floatValue();
            assertEquals(expected, VMath.twoPowJ16Error(j), "rounding of 2^(" + j + "/16)");
        }
    }

    /**
     * The table exp and expOfProduct (their scalar replicas, bitwise the vector code by the tests around) within 1 ulp
     * on every 16th float of their ranges: every float measured 0.955 ulp for exp (at 88.71031) and 0.934 for
     * e^(p·ln2/16) (at p = 2047.775). A check of the polynomial, not the species: it runs whatever VMath.TABLE_EXP.
     */
    @Test
    void tableExpIsWithinOneUlpOverItsRange() {
        double worst = 0;
        double worstProduct = 0;
        for (int sign = 0; sign < 2; sign++) {
            int top = Float.floatToRawIntBits(sign == 0 ? 2048.5f : 2005.5f);
            for (int b = 0; b <= top; b += 16) {
                float v = Float.intBitsToFloat(b | (sign << 31));
                double exact = Math.exp(v * (Math.log(2) / 16));
                if (exact <= Float.MAX_VALUE) {
                    worstProduct = Math.max(worstProduct, Math.abs(expOfProductByTable(v, 1f) - exact)
                            / Math.ulp(Math.max((float) exact, Float.MIN_NORMAL)));
                }
                if (v >= VMath.EXP_LO && v <= VMath.EXP_HI && Math.exp(v) <= Float.MAX_VALUE) {
                    double e = Math.exp(v);
                    worst = Math.max(worst,
                            Math.abs(expByTable(v) - e) / Math.ulp(Math.max((float) e, Float.MIN_NORMAL)));
                }
            }
        }
        assertTrue(worst <= 1.0, "table exp: " + worst + " ulp");
        assertTrue(worstProduct <= 1.0, "expOfProduct: " + worstProduct + " ulp");
    }

    /**
     * expOfProduct is within 1 ulp of e^(a·b·ln2/16) (the product exact in double) on random pairs across its range
     * and on the edges (with the table; without it, within the roundings of the exponent it takes), and bit for bit
     * its scalar replica, cold and hot.
     */
    @Test
    void expOfProductIsAccurateAndMatchesItsScalarReplica() {
        Random random = new Random(42);
        int n = 16 * 4096;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * 6);
            b[i] = (float) ((random.nextDouble() * 2 - 1) * 2100 / Math.max(Math.abs(a[i]), 1e-3f));
        }
        float[] edges = {0f, -0f, 2047.49f, 2047.5f, 2047.9f, 2048f, 2048.2f, -2006f, -2006.5f, -2005.5f, 1e-30f, 3e38f,
            -3e38f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < edges.length; i++) {
            a[i] = edges[i];
            b[i] = 1f;
        }
        float[] y = new float[n];
        for (int round = 0; round < 2; round++) { // cold, then hot
            for (int k = 0; k < (round == 0 ? 1 : 300); k++) {
                for (int i = 0; i < n; i += Vec.LANES) {
                    VMath.expOfProduct(FloatVector.fromArray(Vec.SPECIES, a, i),
                            FloatVector.fromArray(Vec.SPECIES, b, i)).intoArray(y, i);
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(expOfProduct(a[i], b[i])), Float.floatToRawIntBits(y[i]),
                        "replica at " + a[i] + "·" + b[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            double p = (double) a[i] * b[i];
            double e = Math.exp(p * (Math.log(2) / 16));
            if (Double.isNaN(p)) {
                assertTrue(Float.isNaN(y[i]), "NaN in, NaN out");
            } else if (e > Float.MAX_VALUE) {
                assertEquals(Float.POSITIVE_INFINITY, y[i], "overflow at " + p);
            } else if (p < -2006.5) {
                assertEquals(0f, y[i], "underflow at " + p);
            } else if (p >= -2005.5) {
                double ulp = Math.ulp(Math.max((float) e, Float.MIN_NORMAL));
                // without the table a·b and its ln2/16 are rounded before exp: two float roundings of the exponent
                double bound = VMath.TABLE_EXP ? ulp : 2 * ulp + Math.abs(p) * (Math.log(2) / 16) * 0x1p-23 * e;
                assertTrue(Math.abs(y[i] - e) <= bound,
                        "e^(" + p + "/16·ln2) = " + y[i] + ", exact " + e + ": " + Math.abs(y[i] - e) / ulp + " ulp");
            }
        }
    }

    @Test
    void tanhAndLog1pAreAccurate() {
        float[] x = sweep(-12, 12, 16 * 1024);
        accurate("tanh", x, tanhOf(x), Math::tanh);
        float[] tiny = sweep(-1e-3, 1e-3, 16 * 64);
        accurate("tanh", tiny, tanhOf(tiny), Math::tanh);
        float[] u = sweep(0, 1, 16 * 1024);
        accurate("log1p", u, apply(VMath::log1pUnit, u), Math::log1p);
        float[] small = sweep(0, 1e-6, 16 * 64);
        accurate("log1p", small, apply(VMath::log1pUnit, small), Math::log1p);
    }

    /**
     * tanh is bit for bit its scalar replica (which was measured within 1.96 ulp over every float), cold and hot,
     * on a sweep through both formulas' ranges, the saturation edge and the signed zeros.
     */
    @Test
    void tanhMatchesItsScalarReplicaBitForBit() {
        float[] x = sweep(-10, 10, 16 * 1024);
        x[0] = -0f;
        x[1] = 0f;
        x[2] = 8.75f;
        x[3] = Math.nextDown(8.75f);
        x[4] = Math.nextUp(8.75f);
        x[5] = Float.MIN_VALUE;
        for (int round = 0; round < 2; round++) { // cold, then hot
            float[] y = tanhOf(x);
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(tanh(x[i])) != Float.floatToRawIntBits(y[i])) {
                    fail("tanh replica differs at " + x[i] + ": " + tanh(x[i]) + " vs " + y[i]);
                }
            }
            for (int i = 0; i < 200; i++) {
                tanhOf(x);
            }
        }
    }

    @Test
    void specialValues() {
        int l = Vec.LANES;
        float[] x = new float[l];
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, 89f, -100f, 1e-30f, -1e4f,
            -0f, -1e-30f};
        for (int i = 0; i < l; i++) {
            x[i] = specials[i % specials.length];
        }
        float[] e = apply(VMath::exp, x);
        float[] t = tanhOf(x);
        for (int i = 0; i < Math.min(l, specials.length); i++) {
            float v = specials[i];
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(e[i]) && Float.isNaN(t[i]), "NaN in, NaN out");
            } else {
                assertEquals(v > 88.72 ? Float.POSITIVE_INFINITY : v < -86.9 ? 0f : (float) Math.exp(v), e[i],
                        Math.ulp((float) Math.exp(Math.min(v, 88))) * 2, "exp(" + v + ")");
                assertEquals((float) Math.tanh(v), t[i], 1e-30f + Math.ulp((float) Math.tanh(v)) * 2, "tanh(" + v + ")");
                assertEquals(Float.floatToRawIntBits(v) < 0, Float.floatToRawIntBits(t[i]) < 0, "sign of tanh(" + v + ")");
            }
        }
    }

    @Test
    void sigmoidKernelIsBitwiseReproducibleFromScalarOperations() {
        float[] x = sweep(-30, 30, 1001);
        float[] y = new float[x.length];
        for (int round = 0; round < 300; round++) {
            Activations.sigmoidForward(x.length, x, 0, y, 0);
            if (round == 0 || round == 299) {
                for (int i = 0; i < x.length; i++) {
                    float expected = 1f / (exp(-x[i]) + 1f);
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(y[i]),
                            "sigmoid(" + x[i] + ") round " + round);
                }
            }
        }
    }
}
