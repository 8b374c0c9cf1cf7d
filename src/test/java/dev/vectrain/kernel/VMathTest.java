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

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VMathTest {
    private static final double MAX_ULP = 2.0;

    /** Scalar replica of VMath.exp, operation for operation. */
    static float exp(float x) {
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
