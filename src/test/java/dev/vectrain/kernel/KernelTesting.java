/* KernelTesting: shared kernel-test helpers: sizes, seeded random data, tolerance asserts, allocation once warm. */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

final class KernelTesting {
    /** Sizes that hit empty, scalar, every vector tail and a multi-vector body. */
    static final int[] SIZES = {0, 1, 2, 15, 16, 17, 31, 33, 64, 127, 1000};

    private static final int MIN_ROUNDS = 100;
    private static final long PATIENCE_NS = 20_000_000_000L;

    private KernelTesting() {
    }

    /**
     * The fewest bytes the calling thread allocated in one run of round, over rounds repeated until one allocates
     * nothing, or at least MIN_ROUNDS ran and PATIENCE_NS passed. C2 compiles in the background, and on a loaded
     * two-core machine its queue can hold a method in C1 code (where vector operations are boxed) for seconds;
     * code that still allocates once compiled never reaches zero and fails.
     */
    static long fewestBytesWhenWarm(Runnable round) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        long start = System.nanoTime();
        for (int i = 0; best > 0 && (i < MIN_ROUNDS || System.nanoTime() - start < PATIENCE_NS); i++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            round.run();
            best = Math.min(best, mx.getCurrentThreadAllocatedBytes() - before);
        }
        return best;
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
