/*
 * Allocation: once warm (C2-compiled, vectors scalarised), the pool reductions, batch norm and the pooled
 * activations and softmax allocate nothing on the calling thread. Measured with ThreadMXBean#getCurrentThreadAllocatedBytes; warm-up
 * rounds repeat until the JIT has settled, so the test does not depend on compilation timing.
 */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectrain.parallel.WorkerPool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AllocationTest {
    private static final int CALLS = 50;

    private static long allocatedBy(Runnable r) {
        return KernelTesting.fewestBytesWhenWarm(() -> {
            for (int i = 0; i < CALLS; i++) {
                r.run();
            }
        });
    }

    /**
     * Kernels that inline the large VMath bodies: a vector passed to a call the JIT declined to inline
     * (node budget) is boxed, so these would allocate per call if a tail or a horizontal sum had its own
     * call site. Sizes with tails on purpose.
     */
    @Test
    void transcendentalKernelsAndLossesAllocateNothingWhenWarm() {
        SplittableRandom rnd = new SplittableRandom(23);
        int n = 1003;
        float[] x = KernelTesting.random(rnd, n, -5, 5);
        float[] t = KernelTesting.random(rnd, n, 0, 1);
        float[] y = new float[n];
        float[] dx = new float[n];
        int rows = 17;
        int classes = 59;
        float[] logits = KernelTesting.random(rnd, rows * classes, -5, 5);
        int[] labels = new int[rows];
        float[] probs = new float[rows * classes];
        double[] sink = new double[1];
        assertEquals(0, allocatedBy(() -> Activations.sigmoidForward(n, x, 0, y, 0)), "sigmoid");
        assertEquals(0, allocatedBy(() -> Activations.tanhForward(n, x, 0, y, 0)), "tanh");
        assertEquals(0, allocatedBy(() -> Activations.geluForward(n, x, 0, y, 0)), "gelu");
        // shorter than one vector: the only masked load is the one feeding the formula
        int few = 5;
        float[] fx = KernelTesting.random(rnd, few, -5, 5);
        float[] fy = new float[few];
        assertEquals(0, allocatedBy(() -> Activations.sigmoidForward(few, fx, 0, fy, 0)), "sigmoid, 5 floats");
        assertEquals(0, allocatedBy(() -> Activations.tanhForward(few, fx, 0, fy, 0)), "tanh, 5 floats");
        assertEquals(0, allocatedBy(() -> Activations.geluForward(few, fx, 0, fy, 0)), "gelu, 5 floats");
        assertEquals(0, allocatedBy(() -> Activations.geluBackward(few, fx, 0, null, 0, fy, 0, fy, 0)),
                "gelu', 5 floats, in place");
        assertEquals(0, allocatedBy(() -> Activations.geluBackward(n, x, 0, null, 0, t, 0, dx, 0)), "gelu'");
        assertEquals(0, allocatedBy(() -> sink[0] += BceWithLogits.forward(n, x, 0, t, 0)), "bce");
        assertEquals(0, allocatedBy(() -> BceWithLogits.backward(n, x, 0, t, 0, dx, 0)), "bce'");
        assertEquals(0, allocatedBy(() -> sink[0] += SoftmaxCrossEntropy.forward(rows, classes, logits, 0, labels, 0,
                probs, 0)), "softmax CE");
        // the per-row methods kept out of line, at a narrow and a wide shape: a method C1 cannot compile at
        // tier 3 ("out of virtual registers") stays in C1 code and allocates its vectors on every call
        for (int[] shape : new int[][] {{256, 10}, {64, 256}}) {
            int r = shape[0];
            int c = shape[1];
            float[] lx = KernelTesting.random(rnd, r * c, -3, 3);
            float[] ly = new float[r * c];
            float[] g = KernelTesting.random(rnd, c, 0.5, 1.5);
            float[] m = new float[r];
            float[] s = new float[r];
            int[] lab = new int[r];
            String at = r + "x" + c;
            assertEquals(0, allocatedBy(() -> LayerNorm.forward(r, c, lx, 0, g, 0, g, 0, 1e-5f, m, s, ly, 0)),
                    "layer norm forward " + at);
            assertEquals(0, allocatedBy(() -> sink[0] += SoftmaxCrossEntropy.forward(r, c, lx, 0, lab, 0, ly, 0)),
                    "softmax CE " + at);
        }
        // and layer norm's normalise loop for batches from memory (LayerNorm.FROM_MEMORY_ELEMENTS)
        int r = 1024;
        int c = LayerNorm.FROM_MEMORY_ELEMENTS / r;
        float[] lx = KernelTesting.random(rnd, r * c, -3, 3);
        float[] ly = new float[r * c];
        float[] g = KernelTesting.random(rnd, c, 0.5, 1.5);
        float[] m = new float[r];
        float[] s = new float[r];
        assertEquals(0, allocatedBy(() -> LayerNorm.forward(r, c, lx, 0, g, 0, g, 0, 1e-5f, m, s, ly, 0)),
                "layer norm forward " + r + "x" + c);
    }

    @Test
    void poolReductionsAndBatchNormAllocateNothingWhenWarm() {
        SplittableRandom rnd = new SplittableRandom(19);
        int n = 3 * Reductions.CHUNK + 11;
        float[] x = KernelTesting.random(rnd, n, -1, 1);
        int[] offsets = {0, 9000};
        int[] lengths = {9000, n - 9000};
        int rows = 64;
        int cols = 520;
        int size = rows * cols;
        float[] bx = KernelTesting.random(rnd, size, -1, 1);
        float[] gamma = KernelTesting.random(rnd, cols, 0.5, 1.5);
        float[] beta = new float[cols];
        float[] rm = new float[cols];
        float[] rv = new float[cols];
        float[] mean = new float[cols];
        float[] invStd = new float[cols];
        float[] work = new float[BatchNorm.workLength(cols)];
        float[] y = new float[size];
        float[] dg = new float[cols];
        float[] db = new float[cols];
        float[] dx = new float[size];
        double[] sink = new double[1];
        try (WorkerPool pool = new WorkerPool(2)) {
            assertEquals(0, allocatedBy(() -> sink[0] += Reductions.sumOfSquares(pool, n, x, 0)), "sumOfSquares");
            assertEquals(0, allocatedBy(() -> sink[0] += Reductions.l2Norm(pool, n - 1, x, 1)), "l2Norm");
            assertEquals(0, allocatedBy(() -> sink[0] += Reductions.l2Norm(pool, x, offsets, lengths, 2)), "sliced");
            assertEquals(0, allocatedBy(() -> BatchNorm.forwardTrain(pool, rows, cols, bx, 0, gamma, 0, beta, 0,
                    1e-5f, 0.1f, rm, 0, rv, 0, mean, invStd, work, y, 0)), "batch norm forward");
            assertEquals(0, allocatedBy(() -> BatchNorm.backward(pool, rows, cols, y, 0, bx, 0, gamma, 0, mean,
                    invStd, work, dg, 0, db, 0, dx, 0)), "batch norm backward");
            assertEquals(0, allocatedBy(() -> BatchNorm.forwardTrain(null, rows, cols, bx, 0, gamma, 0, beta, 0,
                    1e-5f, 0.1f, rm, 0, rv, 0, mean, invStd, work, y, 0)), "batch norm forward, no pool");
            assertEquals(0, allocatedBy(() -> BatchNorm.backward(null, rows, cols, y, 0, bx, 0, gamma, 0, mean,
                    invStd, work, dg, 0, db, 0, dx, 0)), "batch norm backward, no pool");
            assertEquals(0, allocatedBy(() -> BatchNorm.forwardInference(pool, rows, cols, bx, 0, gamma, 0, beta, 0,
                    1e-5f, rm, 0, rv, 0, y, 0)), "pooled batch norm inference");
            int big = 2 * ParallelActivations.PARALLEL_THRESHOLD + 5;
            float[] ax = KernelTesting.random(rnd, big, -4, 4);
            float[] ay = new float[big];
            float[] ad = KernelTesting.random(rnd, big, -1, 1);
            assertEquals(0, allocatedBy(() -> ParallelActivations.forward(pool, ParallelActivations.Function.GELU, 0,
                    big, ax, 0, ay, 0)), "pooled gelu");
            assertEquals(0, allocatedBy(() -> ParallelActivations.backward(pool, ParallelActivations.Function.TANH, 0,
                    big, null, 0, ay, 0, ad, 0, ad, 0)), "pooled tanh'");
            int[] labels = new int[rows];
            assertEquals(0, allocatedBy(() -> sink[0] += SoftmaxCrossEntropy.forward(pool, rows, cols, bx, 0, labels, 0,
                    y, 0)), "pooled softmax CE");
            assertEquals(0, allocatedBy(() -> SoftmaxCrossEntropy.backward(pool, rows, cols, y, 0, labels, 0, y, 0)),
                    "pooled softmax CE backward");
            float[] rowMean = new float[rows];
            float[] rowInv = new float[rows];
            float[] lnWork = new float[LayerNorm.workLength(cols)];
            assertEquals(0, allocatedBy(() -> LayerNorm.forward(pool, rows, cols, bx, 0, gamma, 0, beta, 0, 1e-5f,
                    rowMean, rowInv, y, 0)), "pooled layer norm");
            assertEquals(0, allocatedBy(() -> LayerNorm.backward(pool, rows, cols, y, 0, bx, 0, gamma, 0, rowMean,
                    rowInv, lnWork, dg, 0, db, 0, dx, 0)), "pooled layer norm backward");
        }
    }
}
