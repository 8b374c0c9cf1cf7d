/* KernelTesting: shared helpers for kernel tests: the size list, seeded random data, tolerance asserts. */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

final class KernelTesting {
    /** Sizes that hit empty, scalar, every vector tail and a multi-vector body. */
    static final int[] SIZES = {0, 1, 2, 15, 16, 17, 31, 33, 64, 127, 1000};

    private KernelTesting() {
    }

    static float[] random(SplittableRandom rnd, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return a;
    }

    /** Elementwise |actual − expected| <= abs + rel·|expected| over [0, n) at the given offsets. */
    static void assertClose(String what, float[] expected, int eOff, float[] actual, int aOff, int n, double abs,
            double rel) {
        for (int i = 0; i < n; i++) {
            double e = expected[eOff + i];
            double a = actual[aOff + i];
            if (!(Math.abs(a - e) <= abs + rel * Math.abs(e)) && !(Double.isNaN(e) && Double.isNaN(a)) && a != e) {
                fail(what + ": element " + i + " of " + n + ": expected " + e + ", found " + a);
            }
        }
    }

    static void assertClose(String what, double expected, double actual, double abs, double rel) {
        if (!(Math.abs(actual - expected) <= abs + rel * Math.abs(expected)) && actual != expected) {
            fail(what + ": expected " + expected + ", found " + actual);
        }
    }

    /**
     * As assertBitwise, but any NaN equals any NaN: a NaN's sign and payload depend on which operand x86
     * propagates, which differs between the interpreter's per-lane fallback and C2's instructions, so they
     * are not part of the reproducibility contract (NaN-ness is).
     */
    static void assertBitwiseAnyNaN(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    /** Asserts the whole arrays are equal bit for bit (padding included). */
    static void assertBitwise(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }
}
