/*
 * The pooled LayerNorm overloads: for pool sizes 1-4 and no pool, shapes below and above the parallel
 * threshold, narrow rows (the sequential four-row groups) and wide ones, columns that are not a multiple of
 * the vector width, offsets, in place (y over x, dx over dy): mean, invStd, y, dx, dGamma and dBeta are
 * bitwise those of the sequential methods. Bad arguments are refused before any thread starts.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.KernelTesting.assertBitwise;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.parallel.WorkerPool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PooledLayerNormTest {
    private static final int[] THREADS = {0, 1, 2, 3, 4}; // 0: no pool
    private static final float EPS = 1e-5f;
    /** rows x cols: below the threshold, just above it, narrow rows in four-row groups plus a tail, wide rows. */
    private static final int[][] SHAPES = {{31, 1024}, {32, 1024}, {203, 171}, {1027, 37}, {65, 1030}, {4099, 10}};

    @Test
    void pooledForwardAndBackwardAreBitwiseTheSequentialOnes() {
        SplittableRandom rnd = new SplittableRandom(51);
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            int size = rows * cols;
            String at = rows + "x" + cols;
            float[] x = KernelTesting.random(rnd, 3 + size, -2, 3);
            for (int i = 0; i < rows; i += 7) {
                x[3 + i * cols] += 1000; // a few rows with a large mean
            }
            float[] gamma = KernelTesting.random(rnd, 1 + cols, 0.5, 1.5);
            float[] beta = KernelTesting.random(rnd, 2 + cols, -1, 1);
            float[] dy = KernelTesting.random(rnd, 2 + size, -1, 1);
            float[] dg0 = KernelTesting.random(rnd, 3 + cols, -1, 1);
            float[] db0 = KernelTesting.random(rnd, 1 + cols, -1, 1);

            float[] mean = new float[rows];
            float[] invStd = new float[rows];
            float[] y = new float[5 + size];
            LayerNorm.forward(rows, cols, x, 3, gamma, 1, beta, 2, EPS, mean, invStd, y, 5);
            float[] dg = dg0.clone();
            float[] db = db0.clone();
            float[] dx = new float[4 + size];
            float[] work = new float[LayerNorm.workLength(cols)];
            LayerNorm.backward(rows, cols, dy, 2, x, 3, gamma, 1, mean, invStd, work, dg, 3, db, 1, dx, 4);

            for (int threads : THREADS) {
                String where = at + ", " + threads + " threads";
                try (WorkerPool pool = threads == 0 ? null : new WorkerPool(threads)) {
                    float[] meanP = new float[rows];
                    float[] invStdP = new float[rows];
                    float[] yP = new float[5 + size];
                    LayerNorm.forward(pool, rows, cols, x, 3, gamma, 1, beta, 2, EPS, meanP, invStdP, yP, 5);
                    assertBitwise("mean " + where, mean, meanP);
                    assertBitwise("invStd " + where, invStd, invStdP);
                    assertBitwise("y " + where, y, yP);
                    float[] dgP = dg0.clone();
                    float[] dbP = db0.clone();
                    float[] dxP = new float[4 + size];
                    LayerNorm.backward(pool, rows, cols, dy, 2, x, 3, gamma, 1, meanP, invStdP, work, dgP, 3, dbP, 1, dxP,
                            4);
                    assertBitwise("dGamma " + where, dg, dgP);
                    assertBitwise("dBeta " + where, db, dbP);
                    assertBitwise("dx " + where, dx, dxP);

                    // in place: y over a copy of x, then dx over a copy of dy
                    float[] xy = x.clone();
                    LayerNorm.forward(pool, rows, cols, xy, 3, gamma, 1, beta, 2, EPS, meanP, invStdP, xy, 3);
                    assertBitwise("y in place " + where, java.util.Arrays.copyOfRange(y, 5, 5 + size),
                            java.util.Arrays.copyOfRange(xy, 3, 3 + size));
                    float[] dyx = dy.clone();
                    dgP = dg0.clone();
                    dbP = db0.clone();
                    LayerNorm.backward(pool, rows, cols, dyx, 2, x, 3, gamma, 1, mean, invStd, work, dgP, 3, dbP, 1, dyx, 2);
                    assertBitwise("dx in place " + where, java.util.Arrays.copyOfRange(dx, 4, 4 + size),
                            java.util.Arrays.copyOfRange(dyx, 2, 2 + size));
                    assertBitwise("dGamma in place " + where, dg, dgP);
                }
            }
        }
    }

    /**
     * dGamma and dBeta follow the documented block order bitwise: a scalar twin that adds the first block's rows
     * into dGamma and dBeta, sums every later block from zero and adds the blocks in order agrees to the bit, on
     * one thread and on three, where a single running sum over all rows does not.
     */
    @Test
    void parameterGradientsFollowTheBlockOrder() {
        SplittableRandom rnd = new SplittableRandom(52);
        for (int[] shape : new int[][] {{203, 171}, {1027, 37}, {65, 1030}, {31, 1024}}) {
            int rows = shape[0];
            int cols = shape[1];
            int size = rows * cols;
            String at = rows + "x" + cols;
            float[] x = KernelTesting.random(rnd, size, -2, 3);
            float[] gamma = KernelTesting.random(rnd, cols, 0.5, 1.5);
            float[] dy = KernelTesting.random(rnd, size, -1, 1);
            float[] dg0 = KernelTesting.random(rnd, cols, -1, 1);
            float[] db0 = KernelTesting.random(rnd, cols, -1, 1);
            float[] mean = new float[rows];
            float[] invStd = new float[rows];
            LayerNorm.forward(rows, cols, x, 0, gamma, 0, gamma, 0, EPS, mean, invStd, new float[size], 0);

            int block = LayerNorm.blockRows(rows, cols);
            float[] dgT = dg0.clone();
            float[] dbT = db0.clone();
            float[] dgRunning = dg0.clone();
            for (int c = 0; c < cols; c++) {
                for (int r0 = 0; r0 < rows; r0 += block) {
                    float g = r0 == 0 ? dgT[c] : 0f;
                    float b = r0 == 0 ? dbT[c] : 0f;
                    for (int r = r0; r < Math.min(rows, r0 + block); r++) {
                        float d = dy[r * cols + c];
                        g = Math.fma(d, (x[r * cols + c] - mean[r]) * invStd[r], g);
                        b += d;
                        dgRunning[c] = Math.fma(d, (x[r * cols + c] - mean[r]) * invStd[r], dgRunning[c]);
                    }
                    dgT[c] = r0 == 0 ? g : dgT[c] + g;
                    dbT[c] = r0 == 0 ? b : dbT[c] + b;
                }
            }
            for (int threads : new int[] {0, 3}) {
                try (WorkerPool pool = threads == 0 ? null : new WorkerPool(threads)) {
                    float[] dg = dg0.clone();
                    float[] db = db0.clone();
                    LayerNorm.backward(pool, rows, cols, dy, 0, x, 0, gamma, 0, mean, invStd,
                            new float[LayerNorm.workLength(cols)], dg, 0, db, 0, new float[size], 0);
                    assertBitwise("dGamma " + at + ", " + threads + " threads", dgT, dg);
                    assertBitwise("dBeta " + at + ", " + threads + " threads", dbT, db);
                }
            }
            if (rows > block) {
                assertTrue(!java.util.Arrays.equals(dgT, dgRunning), at + ": blocks make no difference to the bits");
            }
        }
    }

    @Test
    void pooledCallsRefuseBadArgumentsBeforeDispatch() {
        int rows = 64;
        int cols = 1024;
        float[] a = new float[rows * cols];
        float[] c = new float[cols];
        float[] r = new float[rows];
        try (WorkerPool pool = new WorkerPool(2)) {
            refused("x:", () -> LayerNorm.forward(pool, rows, cols, a, 1, c, 0, c, 0, EPS, r, r, a, 0));
            refused("mean:", () -> LayerNorm.forward(pool, rows, cols, a, 0, c, 0, c, 0, EPS, new float[rows - 1], r,
                    a, 0));
            refused("dGamma:", () -> LayerNorm.backward(pool, rows, cols, a, 0, a, 0, c, 0, r, r, new float[2 * cols], new float[cols - 1],
                    0, c, 0, a, 0));
            // the pool is still usable afterwards
            LayerNorm.forward(pool, rows, cols, a, 0, c, 0, c, 0, EPS, r, r, a, 0);
        }
    }

    private static void refused(String messageStart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }
}
