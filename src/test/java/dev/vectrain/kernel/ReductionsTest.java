/*
 * Reductions: agreement with double twins (tolerance relative to Σ|terms|), NaN/Inf propagation,
 * bitwise-identical results for pools of 1, 2 and 4 threads, argmax tie and NaN rules.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.KernelTesting.SIZES;
import static dev.vectrain.kernel.KernelTesting.assertClose;
import static dev.vectrain.kernel.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.parallel.WorkerPool;
import dev.vectrain.reference.ReferenceReductions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReductionsTest {
    /** Float-lane partial sums: error relative to Σ|terms| (n/LANES adds per lane, eps 6e-8). */
    private static final double REL = 2e-6;

    @Test
    void sequentialReductionsAgree() {
        SplittableRandom rnd = new SplittableRandom(10);
        int[] sizes = new int[SIZES.length + 2];
        System.arraycopy(SIZES, 0, sizes, 0, SIZES.length);
        sizes[SIZES.length] = Reductions.CHUNK + 17;
        sizes[SIZES.length + 1] = 3 * Reductions.CHUNK + 1;
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int n : sizes) {
                float[] x = random(rnd, n + 3, -1, 1);
                float[] y = random(rnd, n + 5, -1, 1);
                double sumAbs = ReferenceReductions.sumAbs(n, x, 3);
                double sq = ReferenceReductions.sumOfSquares(n, x, 3);
                String at = "n=" + n;
                assertClose("sum " + at, ReferenceReductions.sum(n, x, 3), Reductions.sum(n, x, 3), REL * sumAbs, 0);
                double dotScale = Math.sqrt(sq * ReferenceReductions.sumOfSquares(n, y, 5));
                assertClose("dot " + at, ReferenceReductions.dot(n, x, 3, y, 5), Reductions.dot(n, x, 3, y, 5),
                        REL * dotScale, 0);
                assertClose("sumOfSquares " + at, sq, Reductions.sumOfSquares(n, x, 3), 0, REL);
                assertClose("sumOfSquares(pool) " + at, sq, Reductions.sumOfSquares(pool, n, x, 3), 0, REL);
                assertClose("l2Norm(pool) " + at, Math.sqrt(sq), Reductions.l2Norm(pool, n, x, 3), 0, REL);
            }
        }
    }

    @Test
    void slicedNormAgrees() {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = random(rnd, 200_000, -1, 1);
        int[] offsets = {0, 17, 50_000, 60_001, 199_999, 3};
        int[] lengths = {17, 0, 9_999, 100_000, 1, 40_000};
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int slices = 0; slices <= offsets.length; slices++) {
                double expected = ReferenceReductions.l2Norm(x, offsets, lengths, slices);
                assertClose("l2Norm slices=" + slices, expected, Reductions.l2Norm(pool, x, offsets, lengths, slices),
                        0, REL);
            }
        }
    }

    @Test
    void poolResultsAreBitwiseIdenticalForOneTwoAndFourThreads() {
        SplittableRandom rnd = new SplittableRandom(12);
        float[] x = random(rnd, 250_003, -3, 3);
        int[] offsets = {5, 100_000, 1};
        int[] lengths = {90_000, 150_003, 70_000};
        double[] sq = new double[3];
        double[] norm = new double[3];
        double[] sliced = new double[3];
        int[] threads = {1, 2, 4};
        for (int t = 0; t < threads.length; t++) {
            try (WorkerPool pool = new WorkerPool(threads[t])) {
                sq[t] = Reductions.sumOfSquares(pool, 250_000, x, 3);
                norm[t] = Reductions.l2Norm(pool, 249_999, x, 4);
                sliced[t] = Reductions.l2Norm(pool, x, offsets, lengths, 3);
            }
        }
        for (int t = 1; t < threads.length; t++) {
            assertEquals(Double.doubleToRawLongBits(sq[0]), Double.doubleToRawLongBits(sq[t]), "sumOfSquares");
            assertEquals(Double.doubleToRawLongBits(norm[0]), Double.doubleToRawLongBits(norm[t]), "l2Norm");
            assertEquals(Double.doubleToRawLongBits(sliced[0]), Double.doubleToRawLongBits(sliced[t]), "sliced");
        }
        // the pool variant equals the sequential one too (same chunking)
        assertEquals((float) sq[0], Reductions.sumOfSquares(250_000, x, 3));
    }

    @Test
    void nanAndInfinityPropagate() {
        int n = 3 * Reductions.CHUNK + 7;
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int at : new int[] {0, 15, n - 1, Reductions.CHUNK + 3}) {
                float[] x = new float[n];
                java.util.Arrays.fill(x, 0.5f);
                float[] ones = new float[n];
                java.util.Arrays.fill(ones, 1f);
                x[at] = Float.NaN;
                assertTrue(Float.isNaN(Reductions.sum(n, x, 0)), "sum NaN at " + at);
                assertTrue(Float.isNaN(Reductions.dot(n, x, 0, ones, 0)), "dot NaN at " + at);
                assertTrue(Float.isNaN(Reductions.dot(n, ones, 0, x, 0)), "dot NaN (y) at " + at);
                assertTrue(Float.isNaN(Reductions.sumOfSquares(n, x, 0)), "sumOfSquares NaN at " + at);
                assertTrue(Double.isNaN(Reductions.sumOfSquares(pool, n, x, 0)), "sumOfSquares(pool) NaN at " + at);
                assertTrue(Double.isNaN(Reductions.l2Norm(pool, n, x, 0)), "l2Norm NaN at " + at);
                assertTrue(Double.isNaN(Reductions.l2Norm(pool, x, new int[] {0}, new int[] {n}, 1)), "sliced NaN");
                x[at] = Float.POSITIVE_INFINITY;
                assertEquals(Float.POSITIVE_INFINITY, Reductions.sum(n, x, 0), "sum Inf at " + at);
                assertEquals(Float.POSITIVE_INFINITY, Reductions.dot(n, x, 0, ones, 0), "dot Inf at " + at);
                assertEquals(Float.POSITIVE_INFINITY, Reductions.sumOfSquares(n, x, 0), "sumOfSquares Inf");
                assertEquals(Double.POSITIVE_INFINITY, Reductions.sumOfSquares(pool, n, x, 0), "sumOfSquares(pool)");
                assertEquals(Double.POSITIVE_INFINITY, Reductions.l2Norm(pool, n, x, 0), "l2Norm Inf at " + at);
                assertEquals(Double.POSITIVE_INFINITY,
                        Reductions.l2Norm(pool, x, new int[] {0}, new int[] {n}, 1), "sliced Inf");
                x[at] = Float.NEGATIVE_INFINITY;
                assertEquals(Float.NEGATIVE_INFINITY, Reductions.sum(n, x, 0), "sum -Inf at " + at);
                assertEquals(Double.POSITIVE_INFINITY, Reductions.l2Norm(pool, n, x, 0), "l2Norm -Inf at " + at);
            }
        }
    }

    @Test
    void argmaxAgreesFirstMaximumWinsAndNanWins() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                if (cols == 0 && rows > 0 || (long) rows * cols > 140_000) {
                    continue;
                }
                float[] x = random(rnd, 2 + rows * cols, -1, 1);
                for (int i = 2; i < x.length; i++) {
                    x[i] = Math.round(x[i] * 4) / 4f; // many ties
                }
                int[] out = new int[rows + 1];
                int[] out2 = new int[rows + 1];
                Reductions.argmaxRows(rows, cols, x, 2, out, 1);
                ReferenceReductions.argmaxRows(rows, cols, x, 2, out2, 1);
                assertArrayEquals(out2, out, "argmax " + rows + "x" + cols);
            }
        }
        float[] x = {1, 3, 3, Float.NaN, 5, Float.NaN};
        int[] out = new int[1];
        Reductions.argmaxRows(1, 6, x, 0, out, 0);
        assertEquals(3, out[0]);
        float[] y = new float[40];
        java.util.Arrays.fill(y, -2f);
        y[33] = 7f;
        y[37] = 7f;
        Reductions.argmaxRows(1, 40, y, 0, out, 0);
        assertEquals(33, out[0]);
    }
}
