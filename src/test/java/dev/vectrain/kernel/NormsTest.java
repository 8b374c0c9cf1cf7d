/*
 * BatchNorm and LayerNorm: agreement with double twins, finite-difference checks of backward, and
 * bitwise-identical batch-norm results for pools of 1, 2 and 4 threads.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.KernelTesting.SIZES;
import static dev.vectrain.kernel.KernelTesting.assertBitwise;
import static dev.vectrain.kernel.KernelTesting.assertClose;
import static dev.vectrain.kernel.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.parallel.WorkerPool;
import dev.vectrain.reference.ReferenceNorms;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NormsTest {
    /** Normalised outputs and statistics: float sums over up to 1000 rows/cols; absolute + relative. */
    private static final double ABS = 2e-5;
    private static final double REL = 2e-5;
    /** Gradients (dx, dGamma, dBeta): sums of products over rows; absolute floor scaled by the size. */
    private static final double GRAD_ABS = 1e-4;
    private static final double GRAD_REL = 1e-4;
    /** Finite differences of the double objective vs float backward. */
    private static final double FD_ABS = 2e-4;
    private static final double FD_REL = 2e-3;
    private static final float EPS = 1e-5f;
    private static final float MOMENTUM = 0.1f;

    @Test
    void batchNormAgrees() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                if ((long) rows * cols > 140_000) {
                    continue;
                }
                batchNormCase(rnd, null, rows, cols);
            }
        }
        try (WorkerPool pool = new WorkerPool(2)) {
            batchNormCase(rnd, pool, 300, 257);
            batchNormCase(rnd, pool, 1000, 127);
        }
    }

    /**
     * Shapes around the row blocks of batch norm's statistics and sums: one block, blocks with a last block
     * of one row (33x1000), many blocks (4097x17, 1025x100), blocks capped by their bytes (1025x1000).
     */
    @Test
    void batchNormBlockedStatisticsAgree() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (int cols : new int[] {17, 100, 1000}) {
            for (int rows : new int[] {1, 15, 16, 17, 33, 1025, 4097}) {
                if ((long) rows * cols <= 1_100_000) {
                    batchNormCase(rnd, null, rows, cols);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(16, BatchNorm.blockRows(33, 1000), "33x1000: a last block of 1 row");
        org.junit.jupiter.api.Assertions.assertEquals(80, BatchNorm.blockRows(1025, 300), "1025x300: 13 blocks");
        try (WorkerPool pool = new WorkerPool(3)) {
            batchNormCase(rnd, pool, 1025, 300);
        }
    }

    /**
     * A later block's one-pass statistics around the first block's mean (BatchNorm.blockStatistics) against
     * double sums of the same block: columns near the shift (one pass), columns whose mean sits 10 or 1000 spreads
     * away from it (summed again: one pass would leave M2 with few or no correct bits), a constant column equal to
     * the shift and one off it, and a NaN that stays in its column; odd column counts take the tail loops.
     */
    @Test
    void batchNormLaterBlockStatisticsHoldWhenTheShiftIsFarOff() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int cols : new int[] {6, 17, 40}) {
            for (int rows : new int[] {1, 3, 64, 67}) {
                int full = cols / Vec.LANES * Vec.LANES;
                float[] shift = new float[cols];
                float[] x = new float[5 + rows * cols];
                for (int c = 0; c < cols; c++) {
                    shift[c] = (float) rnd.nextDouble(-1, 1);
                    double centre = switch (c % 6) {
                        case 0, 1 -> shift[c] + 0.1;
                        case 2 -> shift[c] + 10;
                        case 3 -> shift[c] + 1000;
                        default -> shift[c];
                    };
                    for (int r = 0; r < rows; r++) {
                        x[5 + r * cols + c] = (float) (c % 6 == 4 ? centre : c % 6 == 5 ? centre - 7 : centre + rnd.nextDouble(-1, 1));
                    }
                }
                if (cols > 6 && rows > 2) {
                    x[5 + 2 * cols + 7] = Float.NaN;
                }
                float[] work = new float[4 * cols];
                System.arraycopy(shift, 0, work, 0, cols);
                float[] dst = new float[3 + 2 * cols];
                java.util.Arrays.fill(dst, 42f);
                BatchNorm.blockStatistics(0, rows, cols, full, x, 5, work, dst, 3);
                for (int c = 0; c < cols; c++) {
                    String at = rows + "x" + cols + " column " + c;
                    double sum = 0;
                    for (int r = 0; r < rows; r++) {
                        sum += x[5 + r * cols + c] - (double) shift[c];
                    }
                    double d = sum / rows;
                    double m2 = 0;
                    for (int r = 0; r < rows; r++) {
                        double t = x[5 + r * cols + c] - (double) shift[c] - d;
                        m2 += t * t;
                    }
                    if (Double.isNaN(d)) {
                        assertTrue(Float.isNaN(dst[3 + c]) && Float.isNaN(dst[3 + cols + c]), "NaN stays, " + at);
                        continue;
                    }
                    assertClose("block d " + at, d, dst[3 + c], 1e-6 * (Math.abs(d) + 1), 0);
                    assertClose("block M2 " + at, m2, dst[3 + cols + c], 1e-6, 1e-5);
                }
                assertEquals(42f, dst[2], "dst before dOff untouched");
            }
        }
    }

    /**
     * Columns with a mean far from 0 (1000 ± 1), over many blocks and blocks with drifting means: the merged
     * block statistics keep invStd to 1e-4 (E[x²] − μ² in float would be off by ~20 % here).
     */
    @Test
    void batchNormBlockedStatisticsStayStableForLargeMeans() {
        SplittableRandom rnd = new SplittableRandom(20);
        int cols = 40;
        int rows = 56 * 128 + 3; // 56 blocks of 128 rows and one of 3
        int size = rows * cols;
        float[] x = random(rnd, size, 999, 1001);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[r * cols + c] += (float) r / rows;
            }
        }
        float[][] s = statisticsAndReference(rnd, rows, cols, x);
        assertClose("bn mean, large mean", s[3], 0, s[0], 0, cols, 0, 1e-6);
        assertClose("bn invStd, large mean", s[4], 0, s[1], 0, cols, 0, 1e-4);
    }

    /**
     * One block of 64 rows: constant columns (variance exactly 0) and columns around 1e6 with a spread of a few
     * units, where the float mean's rounding error is not small against the spread; the statistics match the
     * double reference.
     */
    @Test
    void batchNormFirstBlockHandlesConstantAndHugeMeanColumns() {
        SplittableRandom rnd = new SplittableRandom(23);
        int rows = 64;
        int cols = 37;
        float[] x = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[r * cols + c] = c % 3 == 0 ? 0.1f * (c + 1) : (float) (1e6 + c + rnd.nextDouble(-4, 4));
            }
        }
        float[][] s = statisticsAndReference(rnd, rows, cols, x);
        assertClose("bn mean, constant and huge-mean columns", s[3], 0, s[0], 0, cols, 0, 1e-7);
        assertClose("bn invStd, constant and huge-mean columns", s[4], 0, s[1], 0, cols, 0, 1e-4);
        for (int c = 0; c < cols; c += 3) {
            assertEquals((float) (1 / Math.sqrt(EPS)), s[1][c], 1e-6f * s[1][c], "constant column " + c);
            assertEquals(s[5][c], s[2][5 * cols + c], 1e-6f, "constant column " + c + " gives beta");
        }
    }

    /**
     * One block of 2000 rows around 1e7 with a spread of about 1.4 (integers, exact in float): the float sum's
     * rounding puts the float mean several spreads off, so Σ(x − mean0)² − n·d² would cancel; the first block
     * then sums the squares again around the corrected mean, and invStd stays within 3e-5 of the double twin
     * (without that second pass it was 9 % off).
     */
    @Test
    void batchNormFirstBlockRecomputesSquaresWhenTheFloatMeanIsFarOff() {
        SplittableRandom rnd = new SplittableRandom(24);
        int rows = 2000;
        int cols = 16;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1e7f + rnd.nextInt(-2, 3);
        }
        float[][] s = statisticsAndReference(rnd, rows, cols, x);
        assertClose("bn invStd, float mean far off", s[4], 0, s[1], 0, cols, 0, 3e-5);
    }

    /**
     * forwardTrain (no pool) and its double twin on x with random gamma and beta: {mean, invStd, y, the twin's
     * mean, the twin's invStd, beta}.
     */
    private static float[][] statisticsAndReference(SplittableRandom rnd, int rows, int cols, float[] x) {
        int size = rows * cols;
        float[] gamma = random(rnd, cols, 0.5, 1.5);
        float[] beta = random(rnd, cols, -1, 1);
        float[] mean = new float[cols];
        float[] invStd = new float[cols];
        float[] y = new float[size];
        float[] mean2 = new float[cols];
        float[] invStd2 = new float[cols];
        BatchNorm.forwardTrain(null, rows, cols, x, 0, gamma, 0, beta, 0, EPS, MOMENTUM, new float[cols], 0,
                new float[cols], 0, mean, invStd, new float[BatchNorm.workLength(cols)], y, 0);
        ReferenceNorms.batchNormForwardTrain(rows, cols, x, 0, gamma, 0, beta, 0, EPS, MOMENTUM, new float[cols], 0,
                new float[cols], 0, mean2, invStd2, new float[size], new float[size], 0);
        return new float[][] {mean, invStd, y, mean2, invStd2, beta};
    }

    /**
     * Columns are independent: a NaN in one column of x (or of dy) makes that column's statistics, y, dGamma, dBeta
     * and dx NaN and leaves every other column bitwise as it was, also with a constant column and a 1e7-mean
     * column that need the first block's second pass beside it; on the pool (200 x 333, 13 blocks) and without.
     */
    @Test
    void batchNormColumnsAreIndependentAndNaNStaysInItsColumn() {
        SplittableRandom rnd = new SplittableRandom(25);
        for (int[] shape : new int[][] {{64, 37}, {200, 333}}) {
            int rows = shape[0];
            int cols = shape[1];
            int size = rows * cols;
            float[] x = random(rnd, size, -2, 3);
            for (int r = 0; r < rows; r++) {
                x[r * cols + 1] = 0.3f;                       // constant
                x[r * cols + 2] = 1e7f + rnd.nextInt(-2, 3);  // float mean far off
            }
            float[] dy = random(rnd, size, -1, 1);
            float[] gamma = random(rnd, cols, 0.5, 1.5);
            float[] beta = random(rnd, cols, -1, 1);
            float[] xNaN = x.clone();
            xNaN[5 * cols + 4] = Float.NaN;
            float[] dyNaN = dy.clone();
            dyNaN[7 * cols + 6] = Float.NaN;
            try (WorkerPool pool = new WorkerPool(2)) {
                float[] clean = batchNormAll(pool, rows, cols, x, dy, gamma, beta);
                float[] withNaN = batchNormAll(pool, rows, cols, xNaN, dyNaN, gamma, beta);
                float[] noPool = batchNormAll(null, rows, cols, xNaN, dyNaN, gamma, beta);
                assertBitwise("no pool vs pool, with NaN", withNaN, noPool);
                // columns 1 and 2 made ordinary: no column needs the second pass, the others must not notice
                float[] xPlain = x.clone();
                for (int r = 0; r < rows; r++) {
                    xPlain[r * cols + 1] = (float) rnd.nextDouble(-1, 1);
                    xPlain[r * cols + 2] = (float) rnd.nextDouble(-1, 1);
                }
                float[] plain = batchNormAll(pool, rows, cols, xPlain, dy, gamma, beta);
                // layout of batchNormAll: mean, invStd (cols each), y, dx (size each), dGamma, dBeta (cols each)
                int[] starts = {0, cols, 2 * cols, 2 * cols + size, 2 * cols + 2 * size, 3 * cols + 2 * size};
                for (int i = 0; i < clean.length; i++) {
                    int part = 0;
                    while (part + 1 < starts.length && i >= starts[part + 1]) {
                        part++;
                    }
                    int col = (i - starts[part]) % cols;
                    // x's NaN (column 4) reaches everything but dBeta = Σdy; dy's (column 6) only dx, dGamma, dBeta
                    boolean nan = col == 4 && part <= 4 || col == 6 && part >= 3;
                    if (col != 1 && col != 2) {
                        org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(clean[i]),
                                Float.floatToRawIntBits(plain[i]), "part " + part + " column " + col
                                        + " changed when columns 1 and 2 stopped needing the second pass");
                    }
                    if (nan) {
                        org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(withNaN[i]),
                                "part " + part + " column " + col + " should be NaN");
                    } else {
                        org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(clean[i]),
                                Float.floatToRawIntBits(withNaN[i]), "part " + part + " column " + col + " changed");
                    }
                }
            }
        }
    }

    /** mean, invStd, y, dx, dGamma, dBeta of one forwardTrain and backward, concatenated. */
    private static float[] batchNormAll(WorkerPool pool, int rows, int cols, float[] x, float[] dy, float[] gamma,
            float[] beta) {
        int size = rows * cols;
        float[] mean = new float[cols];
        float[] invStd = new float[cols];
        float[] y = new float[size];
        float[] dx = new float[size];
        float[] dg = new float[cols];
        float[] db = new float[cols];
        float[] work = new float[BatchNorm.workLength(cols)];
        BatchNorm.forwardTrain(pool, rows, cols, x, 0, gamma, 0, beta, 0, EPS, MOMENTUM, new float[cols], 0,
                new float[cols], 0, mean, invStd, work, y, 0);
        BatchNorm.backward(pool, rows, cols, dy, 0, x, 0, gamma, 0, mean, invStd, work, dg, 0, db, 0, dx, 0);
        return concat(mean, invStd, y, dx, dg, db);
    }

    private static void batchNormCase(SplittableRandom rnd, WorkerPool pool, int rows, int cols) {
        String at = rows + "x" + cols;
        int size = rows * cols;
        float[] x = random(rnd, 3 + size, -2, 3);
        float[] gamma = random(rnd, 1 + cols, 0.5, 1.5);
        float[] beta = random(rnd, 2 + cols, -1, 1);
        float[] rm = random(rnd, 3 + cols, -1, 1);
        float[] rv = random(rnd, 4 + cols, 0.5, 2);
        float[] rm2 = rm.clone();
        float[] rv2 = rv.clone();
        float[] mean = new float[cols];
        float[] invStd = new float[cols];
        float[] work = new float[BatchNorm.workLength(cols)];
        float[] y = new float[5 + size];
        float[] mean2 = new float[cols];
        float[] invStd2 = new float[cols];
        float[] xhat2 = new float[size];
        float[] y2 = new float[5 + size];
        BatchNorm.forwardTrain(pool, rows, cols, x, 3, gamma, 1, beta, 2, EPS, MOMENTUM, rm, 3, rv, 4, mean, invStd,
                work, y, 5);
        ReferenceNorms.batchNormForwardTrain(rows, cols, x, 3, gamma, 1, beta, 2, EPS, MOMENTUM, rm2, 3, rv2, 4, mean2,
                invStd2, xhat2, y2, 5);
        assertClose("bn mean " + at, mean2, 0, mean, 0, cols, ABS, REL);
        assertClose("bn invStd " + at, invStd2, 0, invStd, 0, cols, ABS, REL);
        assertClose("bn y " + at, y2, 0, y, 0, y.length, ABS, REL);
        assertClose("bn runMean " + at, rm2, 0, rm, 0, rm.length, ABS, REL);
        assertClose("bn runVar " + at, rv2, 0, rv, 0, rv.length, ABS, REL);

        float[] yi = new float[5 + size];
        float[] yi2 = new float[5 + size];
        BatchNorm.forwardInference(rows, cols, x, 3, gamma, 1, beta, 2, EPS, rm, 3, rv, 4, yi, 5);
        ReferenceNorms.batchNormForwardInference(rows, cols, x, 3, gamma, 1, beta, 2, EPS, rm, 3, rv, 4, yi2, 5);
        assertClose("bn inference " + at, yi2, 0, yi, 0, yi.length, ABS, REL);

        float[] dy = random(rnd, 2 + size, -1, 1);
        float[] dg = random(rnd, 3 + cols, -1, 1);
        float[] db = random(rnd, 1 + cols, -1, 1);
        float[] dg2 = dg.clone();
        float[] db2 = db.clone();
        float[] dx = new float[4 + size];
        float[] dx2 = new float[4 + size];
        BatchNorm.backward(pool, rows, cols, dy, 2, x, 3, gamma, 1, mean, invStd, work, dg, 3, db, 1, dx, 4);
        // the reference is fed the xhat the kernel recomputes, (x − mean)·invStd in float, as layerNormAgrees does
        float[] xhatK = new float[size];
        for (int i = 0; i < size; i++) {
            xhatK[i] = (x[3 + i] - mean[i % cols]) * invStd[i % cols];
        }
        ReferenceNorms.batchNormBackward(rows, cols, dy, 2, xhatK, gamma, 1, invStd, dg2, 3, db2, 1, dx2, 4);
        double scale = Math.max(1, rows) * 1e-2;
        assertClose("bn dGamma " + at, dg2, 0, dg, 0, dg.length, GRAD_ABS * scale, GRAD_REL);
        assertClose("bn dBeta " + at, db2, 0, db, 0, db.length, GRAD_ABS * scale, GRAD_REL);
        assertClose("bn dx " + at, dx2, 0, dx, 0, dx.length, GRAD_ABS, GRAD_REL);
    }

    @Test
    void batchNormSingleRowHasZeroVariance() {
        float[] x = {1, 2, 3};
        float[] g = {1, 1, 1};
        float[] b = {0.5f, 0.5f, 0.5f};
        float[] rm = new float[3];
        float[] rv = {1, 1, 1};
        float[] mean = new float[3];
        float[] is = new float[3];
        float[] y = new float[3];
        BatchNorm.forwardTrain(null, 1, 3, x, 0, g, 0, b, 0, EPS, MOMENTUM, rm, 0, rv, 0, mean, is, new float[12], y, 0);
        float[] dy = {0.25f, -1f, 2f};
        float[] dg = new float[3];
        float[] db = new float[3];
        float[] dx = {9, 9, 9};
        BatchNorm.backward(null, 1, 3, dy, 0, x, 0, g, 0, mean, is, new float[12], dg, 0, db, 0, dx, 0);
        for (int c = 0; c < 3; c++) {
            assertEquals(x[c], mean[c]);
            assertEquals(0.5f, y[c]);
            assertEquals(0f, dg[c], "dGamma: xhat of a single row is 0");
            assertEquals(dy[c], db[c]);
            assertEquals(0f, dx[c], "dx of a single row");
            assertEquals(0.9f, rv[c], 1e-7f);
            assertEquals(0.1f * x[c], rm[c], 1e-7f);
        }
    }

    @Test
    void batchNormBitwiseIdenticalForOneTwoAndFourThreads() {
        SplittableRandom rnd = new SplittableRandom(15);
        // 13 blocks with a ragged last one; one block of 16 rows on the pool (16 x 4096); 3 blocks, the last of 1 row
        for (int[] shape : new int[][] {{200, 333}, {16, 4096}, {33, 1000}}) {
            int rows = shape[0];
            int cols = shape[1];
            int size = rows * cols;
            float[] x = random(rnd, size, -2, 2);
            float[] gamma = random(rnd, cols, 0.5, 1.5);
            float[] beta = random(rnd, cols, -1, 1);
            float[] dy = random(rnd, size, -1, 1);
            float[][] results = new float[5][];
            int[] threads = {1, 2, 3, 4, 0};
            for (int t = 0; t < threads.length; t++) {
                try (WorkerPool pool = threads[t] == 0 ? null : new WorkerPool(threads[t])) {
                    float[] rm = new float[cols];
                    float[] rv = new float[cols];
                    java.util.Arrays.fill(rv, 1f);
                    float[] mean = new float[cols];
                    float[] invStd = new float[cols];
                    float[] work = new float[BatchNorm.workLength(cols)];
                    float[] y = new float[size];
                    float[] dg = new float[cols];
                    float[] db = new float[cols];
                    float[] dx = new float[size];
                    BatchNorm.forwardTrain(pool, rows, cols, x, 0, gamma, 0, beta, 0, EPS, MOMENTUM, rm, 0, rv, 0,
                            mean, invStd, work, y, 0);
                    BatchNorm.backward(pool, rows, cols, dy, 0, x, 0, gamma, 0, mean, invStd, work, dg, 0, db, 0, dx,
                            0);
                    float[] yi = new float[size];
                    BatchNorm.forwardInference(pool, rows, cols, x, 0, gamma, 0, beta, 0, EPS, rm, 0, rv, 0, yi, 0);
                    results[t] = concat(rm, rv, mean, invStd, y, dg, db, dx, yi);
                }
            }
            for (int t = 1; t < threads.length; t++) {
                assertBitwise("batch norm " + rows + "x" + cols + ", 1 vs " + threads[t] + " threads (0: no pool)",
                        results[0], results[t]);
            }
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void batchNormBackwardMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(16);
        int rows = 7;
        int cols = 19;
        int size = rows * cols;
        float[] x = random(rnd, size, -2, 2);
        float[] gamma = random(rnd, cols, 0.5, 1.5);
        float[] beta = random(rnd, cols, -1, 1);
        float[] w = random(rnd, size, -1, 1);
        float[] mean = new float[cols];
        float[] invStd = new float[cols];
        float[] y = new float[size];
        BatchNorm.forwardTrain(null, rows, cols, x, 0, gamma, 0, beta, 0, EPS, MOMENTUM, new float[cols], 0,
                new float[cols], 0, mean, invStd, new float[BatchNorm.workLength(cols)], y, 0);
        float[] dg = new float[cols];
        float[] db = new float[cols];
        float[] dx = new float[size];
        BatchNorm.backward(null, rows, cols, w, 0, x, 0, gamma, 0, mean, invStd, new float[BatchNorm.workLength(cols)],
                dg, 0, db, 0, dx, 0);
        fdCheck("bn", rows, cols, x, gamma, beta, w, dx, dg, db, true);
    }

    @Test
    void layerNormAgrees() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                if ((long) rows * cols > 140_000) {
                    continue;
                }
                String at = rows + "x" + cols;
                int size = rows * cols;
                float[] x = random(rnd, 3 + size, -2, 3);
                float[] gamma = random(rnd, 1 + cols, 0.5, 1.5);
                float[] beta = random(rnd, 2 + cols, -1, 1);
                float[] mean = new float[rows];
                float[] invStd = new float[rows];
                float[] y = new float[5 + size];
                float[] mean2 = new float[rows];
                float[] invStd2 = new float[rows];
                float[] xhat2 = new float[size];
                float[] y2 = new float[5 + size];
                LayerNorm.forward(rows, cols, x, 3, gamma, 1, beta, 2, EPS, mean, invStd, y, 5);
                ReferenceNorms.layerNormForward(rows, cols, x, 3, gamma, 1, beta, 2, EPS, mean2, invStd2, xhat2, y2, 5);
                assertClose("ln mean " + at, mean2, 0, mean, 0, rows, ABS, REL);
                assertClose("ln invStd " + at, invStd2, 0, invStd, 0, rows, ABS, REL);
                assertClose("ln y " + at, y2, 0, y, 0, y.length, ABS, REL);

                float[] dy = random(rnd, 2 + size, -1, 1);
                float[] dg = random(rnd, 3 + cols, -1, 1);
                float[] db = random(rnd, 1 + cols, -1, 1);
                float[] dg2 = dg.clone();
                float[] db2 = db.clone();
                float[] dx = new float[4 + size];
                float[] dx2 = new float[4 + size];
                LayerNorm.backward(rows, cols, dy, 2, x, 3, gamma, 1, mean, invStd, new float[LayerNorm.workLength(cols)], dg, 3, db, 1, dx, 4);
                // the reference is fed the xhat the kernel recomputes (x − mean)·invStd, in float, as it was fed
                // the kernel's stored xhat before: at cols = 2 dx cancels, and the comparison would otherwise
                // measure the conditioning, not the kernel
                float[] xhatK = new float[size];
                for (int i = 0; i < size; i++) {
                    xhatK[i] = (x[3 + i] - mean[i / Math.max(1, cols)]) * invStd[i / Math.max(1, cols)];
                }
                ReferenceNorms.layerNormBackward(rows, cols, dy, 2, xhatK, gamma, 1, invStd, dg2, 3, db2, 1, dx2, 4);
                double scale = Math.max(1, rows) * 1e-2;
                assertClose("ln dGamma " + at, dg2, 0, dg, 0, dg.length, GRAD_ABS * scale, GRAD_REL);
                assertClose("ln dBeta " + at, db2, 0, db, 0, db.length, GRAD_ABS * scale, GRAD_REL);
                assertClose("ln dx " + at, dx2, 0, dx, 0, dx.length, GRAD_ABS, GRAD_REL);
            }
        }
    }

    /**
     * Forward's two forms (below FROM_MEMORY_ELEMENTS a row normalised while the next row's statistics are summed,
     * past it each row's statistics and then normalizeRowFromMemory) give the same bits, at every width from 1 to past
     * two four-vector steps and at offsets that split vectors, in place and out of place, with a middle row whose
     * first values sit far from the rest (its statistics by two passes); and forward past FROM_MEMORY_ELEMENTS gives
     * the bits of the other form.
     */
    @Test
    void layerNormForwardFormsAreBitwiseTheSame() {
        SplittableRandom rnd = new SplittableRandom(29);
        int lanes = Vec.LANES;
        for (int cols = 1; cols <= 9 * lanes + 3; cols++) {
            for (int rows : new int[] {1, 3}) {
                int size = rows * cols;
                String at = rows + "x" + cols;
                float[] x = random(rnd, 3 + size, -2, 3);
                if (rows == 3) {
                    for (int c = 0; c < Math.min(lanes, cols - 1); c++) {
                        x[3 + cols + c] += 1000;
                    }
                }
                float[] gamma = random(rnd, 1 + cols, 0.5, 1.5);
                float[] beta = random(rnd, 2 + cols, -1, 1);
                float[] inCache = new float[5 + size];
                float[] fromMemory = new float[5 + size];
                float[] mean = new float[rows];
                float[] invStd = new float[rows];
                LayerNorm.forwardRows(0, rows, cols, x, 3, gamma, 1, beta, 2, EPS, mean, invStd, inCache, 5, false);
                LayerNorm.forwardRows(0, rows, cols, x, 3, gamma, 1, beta, 2, EPS, mean, invStd, fromMemory, 5, true);
                assertBitwise("ln forms " + at, inCache, fromMemory);
                float[] inPlace = x.clone();
                LayerNorm.forwardRows(0, rows, cols, inPlace, 3, gamma, 1, beta, 2, EPS, mean, invStd, inPlace, 3, true);
                assertBitwise("ln in place " + at, java.util.Arrays.copyOfRange(inCache, 5, 5 + size),
                        java.util.Arrays.copyOfRange(inPlace, 3, 3 + size));
            }
        }
        int rows = 4;
        int cols = LayerNorm.FROM_MEMORY_ELEMENTS / rows + 5;
        float[] x = random(rnd, rows * cols, -2, 3);
        float[] gamma = random(rnd, cols, 0.5, 1.5);
        float[] beta = random(rnd, cols, -1, 1);
        float[] y = new float[rows * cols];
        float[] ref = new float[rows * cols];
        LayerNorm.forward(rows, cols, x, 0, gamma, 0, beta, 0, EPS, new float[rows], new float[rows], y, 0);
        LayerNorm.forwardRows(0, rows, cols, x, 0, gamma, 0, beta, 0, EPS, new float[rows], new float[rows], ref, 0,
                false);
        assertBitwise("ln forward past FROM_MEMORY_ELEMENTS", ref, y);
    }

    /**
     * LayerNorm's one-pass row statistics (shifted by the mean of the row's first vector) against the double twin,
     * on rows built to stress it: first values far from the rest (the shift is off, so those rows must take the
     * two-pass form), a mean 1e4 times the spread, a constant row, a tiny spread around 5, and plain random rows.
     * Run at every species (the surefire executions species-256 and species-128): the lane count changes the sums.
     */
    @Test
    void layerNormStatisticsHoldForFarShiftsLargeMeansAndConstantRows() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int cols : new int[] {1, 2, 15, 17, 33, 1000, 1024, 16384}) {
            int rows = 6;
            float[] x = new float[rows * cols];
            for (int c = 0; c < cols; c++) {
                double u = rnd.nextDouble(-1, 1);
                x[c] = (float) (c < 16 ? 1000 + u : 0.01 * u);
                x[cols + c] = (float) (1e4 + u);
                x[2 * cols + c] = 3.25f;
                x[3 * cols + c] = (float) (5 + 1e-3 * u);
                x[4 * cols + c] = (float) rnd.nextDouble(-2, 3);
                x[5 * cols + c] = (float) (c % 2 == 0 ? -1e3 + u : 1e3 + u);
            }
            float[] gamma = random(rnd, cols, 0.5, 1.5);
            float[] beta = random(rnd, cols, -1, 1);
            float[] mean = new float[rows];
            float[] invStd = new float[rows];
            float[] y = new float[rows * cols];
            float[] mean2 = new float[rows];
            float[] invStd2 = new float[rows];
            float[] y2 = new float[rows * cols];
            LayerNorm.forward(rows, cols, x, 0, gamma, 0, beta, 0, EPS, mean, invStd, y, 0);
            ReferenceNorms.layerNormForward(rows, cols, x, 0, gamma, 0, beta, 0, EPS, mean2, invStd2,
                    new float[rows * cols], y2, 0);
            for (int r = 0; r < rows; r++) {
                String at = "row " + r + " of " + rows + "x" + cols;
                // a float mean is off by rounding of the values and of their spread
                assertClose("ln mean " + at, mean2[r], mean[r], 1e-6 * (Math.abs(mean2[r]) + 1 / invStd2[r]), 0);
                // row 0 of the wide rows takes the two-pass statistics, whose squares are summed by blocks: float
                // accuracy at any width and species (summed along the row, 16384 columns read 2.3e-6 with 16 lanes,
                // 1.8e-5 with 4)
                assertClose("ln invStd " + at, invStd2[r], invStd[r], 0, r == 0 ? 2e-7 : 4e-6);
            }
            assertClose("ln y " + rows + "x" + cols, y2, 0, y, 0, y.length, 2e-3, 2e-5);
        }
    }

    /**
     * Rows with an infinity, a NaN, or values whose sums overflow get non-finite statistics (an infinite mean,
     * NaN; never a finite mean with a finite invStd made from an overflowed sum), and leave the other rows alone.
     */
    @Test
    void layerNormNonFiniteRowsGiveNonFiniteStatistics() {
        int rows = 4;
        int cols = 40;
        SplittableRandom rnd = new SplittableRandom(29);
        float[] x = random(rnd, rows * cols, -2, 3);
        float[] clean = x.clone();
        x[20] = Float.POSITIVE_INFINITY;
        x[cols + 3] = Float.NaN;
        for (int c = 0; c < cols; c++) {
            x[2 * cols + c] = c % 2 == 0 ? 3e38f : -3e38f;
        }
        float[] gamma = random(rnd, cols, 0.5, 1.5);
        float[] beta = random(rnd, cols, -1, 1);
        float[] mean = new float[rows];
        float[] invStd = new float[rows];
        float[] y = new float[rows * cols];
        LayerNorm.forward(rows, cols, x, 0, gamma, 0, beta, 0, EPS, mean, invStd, y, 0);
        assertEquals(Float.POSITIVE_INFINITY, mean[0], "mean of a row with +inf");
        assertTrue(Float.isNaN(invStd[0]), "invStd of a row with +inf: " + invStd[0]);
        assertTrue(Float.isNaN(mean[1]) && Float.isNaN(invStd[1]), "NaN row: " + mean[1] + ", " + invStd[1]);
        assertTrue(!Float.isFinite(mean[2]) || Float.isNaN(invStd[2]),
                "overflowing row: mean " + mean[2] + ", invStd " + invStd[2]);
        float[] mean2 = new float[rows];
        float[] invStd2 = new float[rows];
        float[] y2 = new float[rows * cols];
        LayerNorm.forward(rows, cols, clean, 0, gamma, 0, beta, 0, EPS, mean2, invStd2, y2, 0);
        assertEquals(mean2[3], mean[3], "the clean row's mean");
        assertEquals(invStd2[3], invStd[3], "the clean row's invStd");
    }

    @Test
    void layerNormBackwardMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(18);
        int rows = 5;
        int cols = 21;
        int size = rows * cols;
        float[] x = random(rnd, size, -2, 2);
        float[] gamma = random(rnd, cols, 0.5, 1.5);
        float[] beta = random(rnd, cols, -1, 1);
        float[] w = random(rnd, size, -1, 1);
        float[] mean = new float[rows];
        float[] invStd = new float[rows];
        float[] y = new float[size];
        LayerNorm.forward(rows, cols, x, 0, gamma, 0, beta, 0, EPS, mean, invStd, y, 0);
        float[] dg = new float[cols];
        float[] db = new float[cols];
        float[] dx = new float[size];
        LayerNorm.backward(rows, cols, w, 0, x, 0, gamma, 0, mean, invStd, new float[LayerNorm.workLength(cols)], dg, 0, db, 0, dx, 0);
        fdCheck("ln", rows, cols, x, gamma, beta, w, dx, dg, db, false);
    }

    private static void fdCheck(String name, int rows, int cols, float[] x, float[] gamma, float[] beta, float[] w,
            float[] dx, float[] dg, float[] db, boolean batch) {
        double[] xd = LossesTest.toDouble(x);
        double[] gd = LossesTest.toDouble(gamma);
        double[] bd = LossesTest.toDouble(beta);
        double h = 1e-5;
        double[][] vars = {xd, gd, bd};
        float[][] grads = {dx, dg, db};
        String[] names = {"x", "gamma", "beta"};
        for (int v = 0; v < 3; v++) {
            double[] p = vars[v];
            for (int i = 0; i < p.length; i++) {
                double keep = p[i];
                p[i] = keep + h;
                double up = objective(batch, rows, cols, xd, gd, bd, w);
                p[i] = keep - h;
                double down = objective(batch, rows, cols, xd, gd, bd, w);
                p[i] = keep;
                assertClose(name + " d/d" + names[v] + "[" + i + "]", (up - down) / (2 * h), grads[v][i], FD_ABS,
                        FD_REL);
            }
        }
    }

    private static double objective(boolean batch, int rows, int cols, double[] x, double[] g, double[] b,
            float[] w) {
        return batch ? ReferenceNorms.batchNormObjective(rows, cols, x, g, b, EPS, w)
                : ReferenceNorms.layerNormObjective(rows, cols, x, g, b, EPS, w);
    }
}
