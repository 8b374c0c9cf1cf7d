/*
 * ParallelActivations and the pooled SoftmaxCrossEntropy: for every function, pool sizes 1-4 and no pool,
 * sizes above and below the parallel thresholds with tails and offsets, in place and out of place, the results
 * are bitwise those of the single-threaded kernels (a NaN input gives a NaN, its bits aside); the pooled loss is bitwise the same for every pool size and
 * agrees with a double reference; bad arguments on the pooled path are refused before any thread starts.
 */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.kernel.ParallelActivations.Function;
import dev.vectrain.parallel.WorkerPool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParallelElementwiseTest {
    private static final int[] THREADS = {0, 1, 2, 3, 4}; // 0: no pool
    private static final int BIG = ParallelActivations.PARALLEL_THRESHOLD_CHEAP + 3 * 64 + 37;
    private static final int[] SIZES = {ParallelActivations.PARALLEL_THRESHOLD - 1, ParallelActivations.PARALLEL_THRESHOLD,
        3 * ParallelActivations.PARALLEL_THRESHOLD + 37, BIG};
    private static final float ALPHA = 0.07f;

    private static void singleForward(Function f, int n, float[] x, int xOff, float[] y, int yOff) {
        switch (f) {
            case RELU -> Activations.reluForward(n, x, xOff, y, yOff);
            case LEAKY_RELU -> Activations.leakyReluForward(n, ALPHA, x, xOff, y, yOff);
            case SIGMOID -> Activations.sigmoidForward(n, x, xOff, y, yOff);
            case TANH -> Activations.tanhForward(n, x, xOff, y, yOff);
            case GELU -> Activations.geluForward(n, x, xOff, y, yOff);
        }
    }

    private static void singleBackward(Function f, int n, float[] x, int xOff, float[] y, int yOff, float[] dy,
            float[] dx) {
        switch (f) {
            case RELU -> Activations.reluBackward(n, x, xOff, y, yOff, dy, 0, dx, 0);
            case LEAKY_RELU -> Activations.leakyReluBackward(n, ALPHA, x, xOff, y, yOff, dy, 0, dx, 0);
            case SIGMOID -> Activations.sigmoidBackward(n, x, xOff, y, yOff, dy, 0, dx, 0);
            case TANH -> Activations.tanhBackward(n, x, xOff, y, yOff, dy, 0, dx, 0);
            case GELU -> Activations.geluBackward(n, x, xOff, y, yOff, dy, 0, dx, 0);
        }
    }

    @Test
    void activationsAreBitwiseTheSingleThreadedKernelsForAnyPoolSize() {
        SplittableRandom rnd = new SplittableRandom(41);
        for (int n : SIZES) {
            float[] x = KernelTesting.random(rnd, n + 5, -8, 8);
            x[7] = Float.NaN;
            x[n / 2] = Float.POSITIVE_INFINITY;
            float[] dy = KernelTesting.random(rnd, n, -1, 1);
            for (Function f : Function.values()) {
                float[] y1 = new float[n + 3];
                singleForward(f, n, x, 5, y1, 3);
                float[] dx1 = new float[n];
                singleBackward(f, n, x, 5, y1, 3, dy, dx1);
                for (int threads : THREADS) {
                    try (WorkerPool pool = threads == 0 ? null : new WorkerPool(threads)) {
                        String what = f + " n=" + n + " threads=" + threads;
                        float[] y = new float[n + 3];
                        ParallelActivations.forward(pool, f, ALPHA, n, x, 5, y, 3);
                        KernelTesting.assertBitwiseAnyNaN(what + " forward", y1, y);
                        float[] dx = new float[n];
                        ParallelActivations.backward(pool, f, ALPHA, n, x, 5, y, 3, dy, 0, dx, 0);
                        KernelTesting.assertBitwiseAnyNaN(what + " backward", dx1, dx);
                        float[] inPlace = dy.clone();
                        ParallelActivations.backward(pool, f, ALPHA, n, x, 5, y, 3, inPlace, 0, inPlace, 0);
                        KernelTesting.assertBitwiseAnyNaN(what + " backward in place", dx1, inPlace);
                        float[] fwdInPlace = new float[n + 5];
                        System.arraycopy(x, 0, fwdInPlace, 0, n + 5);
                        ParallelActivations.forward(pool, f, ALPHA, n, fwdInPlace, 5, fwdInPlace, 5);
                        float[] shifted = new float[n + 3];
                        System.arraycopy(fwdInPlace, 5, shifted, 3, n);
                        KernelTesting.assertBitwiseAnyNaN(what + " forward in place", y1, shifted);
                    }
                }
            }
        }
    }

    @Test
    void pooledSoftmaxLossIsBitwiseTheSameForAnyPoolSizeAndAgreesWithDouble() {
        SplittableRandom rnd = new SplittableRandom(43);
        int[][] shapes = {{1000, 37}, {517, 129}, {64, 1000}, {3, 17}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int classes = shape[1];
            float[] logits = KernelTesting.random(rnd, rows * classes + 2, -20, 20);
            int[] labels = new int[rows + 1];
            for (int r = 0; r < rows; r++) {
                labels[r + 1] = rnd.nextInt(classes);
            }
            float[] probs1 = new float[rows * classes];
            double loss1 = SoftmaxCrossEntropy.forward(rows, classes, logits, 2, labels, 1, probs1, 0);
            float[] grad1 = new float[rows * classes];
            SoftmaxCrossEntropy.backward(rows, classes, probs1, 0, labels, 1, grad1, 0);
            double expected = 0;
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, logits[2 + r * classes + c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(logits[2 + r * classes + c] - max);
                }
                expected += Math.log(sum) + max - logits[2 + r * classes + labels[r + 1]];
            }
            expected /= rows;
            assertEquals(expected, loss1, 1e-6 * Math.max(1, Math.abs(expected)), "loss " + rows + "x" + classes);
            for (int threads : THREADS) {
                try (WorkerPool pool = threads == 0 ? null : new WorkerPool(threads)) {
                    String what = rows + "x" + classes + " threads=" + threads;
                    float[] probs = new float[rows * classes];
                    double loss = SoftmaxCrossEntropy.forward(pool, rows, classes, logits, 2, labels, 1, probs, 0);
                    assertEquals(Double.doubleToRawLongBits(loss1), Double.doubleToRawLongBits(loss), what + " loss");
                    KernelTesting.assertBitwise(what + " probs", probs1, probs);
                    SoftmaxCrossEntropy.backward(pool, rows, classes, probs, 0, labels, 1, probs, 0);
                    KernelTesting.assertBitwise(what + " gradient in place", grad1, probs);
                }
            }
        }
    }

    @Test
    void pooledCallsRefuseBadArgumentsBeforeDispatch() {
        int n = BIG;
        try (WorkerPool pool = new WorkerPool(2)) {
            float[] x = new float[n];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ParallelActivations.forward(pool, Function.TANH, 0, n, x, 0, new float[n - 1], 0));
            assertTrue(e.getMessage().contains("y"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ParallelActivations.backward(pool, Function.SIGMOID,
                    0, n, x, 0, null, 0, x, 0, x, 0));
            assertTrue(e.getMessage().contains("y"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ParallelActivations.backward(pool, Function.RELU,
                    0, n, x, 1, null, 0, x, 0, x, 0));
            assertTrue(e.getMessage().contains("x"), e.getMessage());
            int rows = 300;
            int[] labels = new int[rows];
            labels[299] = 200;
            e = assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.forward(pool, rows, 200,
                    new float[rows * 200], 0, labels, 0, new float[rows * 200], 0));
            assertTrue(e.getMessage().contains("row 299 has label 200"), e.getMessage());
            // the pool is still usable after a refusal
            ParallelActivations.forward(pool, Function.RELU, 0, n, x, 0, x, 0);
        }
    }
}
