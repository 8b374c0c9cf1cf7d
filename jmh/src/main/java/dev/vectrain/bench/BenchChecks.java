/* BenchChecks: "validate, then time": setup-time comparisons that throw when a kernel result is wrong. */
package dev.vectrain.bench;

import java.util.SplittableRandom;

final class BenchChecks {
    private BenchChecks() {
    }

    static float[] random(long seed, int n, double lo, double hi) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return a;
    }

    /** Throws unless |actual − expected| <= tol·(1 + |expected|) everywhere. */
    static void close(String what, float[] expected, float[] actual, int n, double tol) {
        for (int i = 0; i < n; i++) {
            double e = expected[i];
            if (!(Math.abs(actual[i] - e) <= tol * (1 + Math.abs(e)))) {
                throw new IllegalStateException(what + " is wrong at " + i + ": expected " + e + ", found " + actual[i]);
            }
        }
    }

    static void close(String what, double expected, double actual, double tol) {
        if (!(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)))) {
            throw new IllegalStateException(what + " is wrong: expected " + expected + ", found " + actual);
        }
    }
}
