/*
 * KernelAllocationMain: in a fresh JVM (started by ColdJvmKernelAllocationTest), warms every kernel family and then
 * measures the bytes each allocates on the calling thread (com.sun.management.ThreadMXBean) over CALLS calls, in
 * rounds until the JIT has settled (interpreted or C1-compiled vector code boxes); the smallest round counts.
 * Prints one "name=bytes" line per kernel. Sizes have vector tails (cols not a multiple of any species length),
 * softmax runs with 10 and 1000 classes, Gemm with a narrow n = 10 besides a wide one.
 */
package dev.vectrain.kernel;

import dev.vectrain.parallel.WorkerPool;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

final class KernelAllocationMain {
    private static final int WARM = 1000;
    private static final int CALLS = 20;
    /** Measurement passes over all kernels (with more warm-up calls between them) before giving up. */
    private static final int PASSES = 100_000;
    /** Wall-clock limit of the measurement passes. */
    private static final long LIMIT_NANOS = 15_000_000_000L;
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Keeps results alive so that no call can be optimised away. */
    static double sink;

    private KernelAllocationMain() {
    }

    private static long allocated(Runnable r) {
        long before = MX.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            r.run();
        }
        return MX.getCurrentThreadAllocatedBytes() - before;
    }

    public static void main(String[] args) {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 1000 + 3; // a body of full vectors and a tail for every species
        float[] x = KernelTesting.random(rnd, n, -3, 3);
        float[] y = new float[n];
        float[] dy = KernelTesting.random(rnd, n, -1, 1);
        float[] dx = new float[n];
        float[] t01 = KernelTesting.random(rnd, n, 0, 1);
        int rows = 16;
        int cols = 83;
        int size = rows * cols;
        float[] bx = KernelTesting.random(rnd, size, -2, 2);
        float[] gamma = KernelTesting.random(rnd, cols, 0.5, 1.5);
        float[] beta = KernelTesting.random(rnd, cols, -0.5, 0.5);
        float[] rm = new float[cols];
        float[] rv = new float[cols];
        java.util.Arrays.fill(rv, 1f);
        float[] colMean = new float[cols];
        float[] colInv = new float[cols];
        float[] rowMean = new float[rows];
        float[] rowInv = new float[rows];
        float[] rowMeanNarrow = new float[size / 10];
        float[] rowInvNarrow = new float[size / 10];
        float[] work = new float[BatchNorm.workLength(cols)];
        float[] by = new float[size];
        float[] bdy = KernelTesting.random(rnd, size, -1, 1);
        float[] bdx = new float[size];
        float[] dg = new float[cols];
        float[] db = new float[cols];
        int[] labels10 = new int[rows];
        int[] labels1000 = new int[4];
        for (int r = 0; r < rows; r++) {
            labels10[r] = rnd.nextInt(10);
        }
        for (int r = 0; r < labels1000.length; r++) {
            labels1000[r] = rnd.nextInt(1000);
        }
        float[] logits10 = KernelTesting.random(rnd, rows * 10, -5, 5);
        float[] probs10 = new float[rows * 10];
        float[] logits1000 = KernelTesting.random(rnd, 4 * 1000, -5, 5);
        float[] probs1000 = new float[4 * 1000];
        int[] argmax = new int[rows];
        int gm = 37;
        int gk = 45;
        int gn = 70;
        float[] ga = KernelTesting.random(rnd, gm * gk, -1, 1);
        float[] gb = KernelTesting.random(rnd, gk * gn, -1, 1);
        float[] gc = new float[gm * gn];
        byte[] pixels = new byte[n];
        for (int i = 0; i < n; i++) {
            pixels[i] = (byte) rnd.nextInt(256);
        }
        int[] offsets = {0, 500};
        int[] lengths = {500, n - 500};

        try (WorkerPool pool = new WorkerPool(2)) {
            Map<String, Runnable> cases = new LinkedHashMap<>();
            cases.put("relu", () -> {
                Activations.reluForward(n, x, 0, y, 0);
                Activations.reluBackward(n, x, 0, y, 0, dy, 0, dx, 0);
            });
            cases.put("leakyRelu", () -> {
                Activations.leakyReluForward(n, 0.01f, x, 0, y, 0);
                Activations.leakyReluBackward(n, 0.01f, x, 0, y, 0, dy, 0, dx, 0);
            });
            cases.put("sigmoid", () -> {
                Activations.sigmoidForward(n, x, 0, y, 0);
                Activations.sigmoidBackward(n, x, 0, y, 0, dy, 0, dx, 0);
            });
            cases.put("tanh", () -> {
                Activations.tanhForward(n, x, 0, y, 0);
                Activations.tanhBackward(n, x, 0, y, 0, dy, 0, dx, 0);
            });
            cases.put("gelu", () -> {
                Activations.geluForward(n, x, 0, y, 0);
                Activations.geluBackward(n, x, 0, y, 0, dy, 0, dx, 0);
            });
            cases.put("activationsShort", () -> {
                Activations.sigmoidForward(5, x, 1, y, 2);
                Activations.tanhForward(5, x, 1, y, 2);
                Activations.geluForward(5, x, 1, y, 2);
                Activations.geluBackward(5, x, 1, null, 0, dy, 2, dx, 3);
            });
            cases.put("softmaxCrossEntropy10", () -> {
                sink += SoftmaxCrossEntropy.forward(rows, 10, logits10, 0, labels10, 0, probs10, 0);
                SoftmaxCrossEntropy.backward(rows, 10, probs10, 0, labels10, 0, probs10, 0);
            });
            cases.put("softmaxCrossEntropy1000", () -> {
                sink += SoftmaxCrossEntropy.forward(4, 1000, logits1000, 0, labels1000, 0, probs1000, 0);
                SoftmaxCrossEntropy.backward(4, 1000, probs1000, 0, labels1000, 0, probs1000, 0);
            });
            cases.put("mse", () -> {
                sink += Mse.forward(n, x, 0, dy, 0);
                Mse.backward(n, x, 0, dy, 0, dx, 0);
            });
            cases.put("bceWithLogits", () -> {
                sink += BceWithLogits.forward(n, x, 0, t01, 0);
                BceWithLogits.backward(n, x, 0, t01, 0, dx, 0);
            });
            float[] lnWork = new float[LayerNorm.workLength(Math.max(cols, 10))];
            cases.put("layerNorm", () -> {
                LayerNorm.forward(rows, cols, bx, 0, gamma, 0, beta, 0, 1e-5f, rowMean, rowInv, by, 0);
                LayerNorm.backward(rows, cols, bdy, 0, bx, 0, gamma, 0, rowMean, rowInv, lnWork, dg, 0, db, 0, bdx, 0);
            });
            int pr = 64;
            int pc = 520; // 33 280 elements: above LayerNorm's parallel threshold
            float[] px = KernelTesting.random(rnd, pr * pc, -2, 2);
            float[] pg = KernelTesting.random(rnd, pc, 0.5, 1.5);
            float[] pout = new float[pr * pc];
            float[] pMean = new float[pr];
            float[] pInv = new float[pr];
            float[] pdg = new float[pc];
            float[] pdb = new float[pc];
            float[] pWork = new float[BatchNorm.workLength(pc)]; // also LayerNorm's (2 x pc)
            cases.put("layerNormPooled", () -> {
                LayerNorm.forward(pool, pr, pc, px, 0, pg, 0, pg, 0, 1e-5f, pMean, pInv, pout, 0);
                LayerNorm.backward(pool, pr, pc, pout, 0, px, 0, pg, 0, pMean, pInv, pWork, pdg, 0, pdb, 0, pout, 0);
            });
            float[] pcMean = new float[pc];
            float[] pcInv = new float[pc];
            float[] prm = new float[pc];
            float[] prv = new float[pc];
            // rows whose first vector sits far from the rest and later row blocks whose mean drifted: the norms'
            // second passes (LayerNorm.twoPassStatistics, BatchNorm.finishBlock's re-summing) run every call
            float[] drifted = px.clone();
            for (int r = 0; r < pr; r++) {
                for (int c = 0; c < pc; c++) {
                    drifted[r * pc + c] += (c < 16 ? 50f : 0f) + (r >= 16 && c % 3 == 0 ? 100f : 0f);
                }
            }
            cases.put("normsDrifted", () -> {
                LayerNorm.forward(pr, pc, drifted, 0, pg, 0, pg, 0, 1e-5f, pMean, pInv, pout, 0);
                BatchNorm.forwardTrain(null, pr, pc, drifted, 0, pg, 0, pg, 0, 1e-5f, 0.1f, prm, 0, prv, 0, pcMean,
                        pcInv, pWork, pout, 0);
            });
            cases.put("batchNormPooled", () -> {
                BatchNorm.forwardTrain(pool, pr, pc, px, 0, pg, 0, pg, 0, 1e-5f, 0.1f, prm, 0, prv, 0, pcMean, pcInv,
                        pWork, pout, 0);
                BatchNorm.backward(pool, pr, pc, pout, 0, px, 0, pg, 0, pcMean, pcInv, pWork, pdg, 0, pdb, 0, pout, 0);
                BatchNorm.forwardInference(pool, pr, pc, px, 0, pg, 0, pg, 0, 1e-5f, prm, 0, prv, 0, pout, 0);
            });
            // layer norm's normalise loop for batches from memory (LayerNorm.FROM_MEMORY_ELEMENTS), cols with a tail
            int mr = LayerNorm.FROM_MEMORY_ELEMENTS / 1027 + 1;
            float[] mx = KernelTesting.random(rnd, mr * 1027, -2, 2);
            float[] my = new float[mr * 1027];
            float[] mg = KernelTesting.random(rnd, 1027, 0.5, 1.5);
            float[] mMean = new float[mr];
            float[] mInv = new float[mr];
            cases.put("layerNormFromMemory",
                    () -> LayerNorm.forward(mr, 1027, mx, 0, mg, 0, mg, 0, 1e-5f, mMean, mInv, my, 0));
            // wide rows below FROM_MEMORY_ELEMENTS: forward's one loop and backward's rows, one thread, a tail
            float[] wWork = new float[LayerNorm.workLength(1027)];
            float[] wdg = new float[1027];
            float[] wdb = new float[1027];
            cases.put("layerNormWide", () -> {
                LayerNorm.forward(24, 1027, mx, 0, mg, 0, mg, 0, 1e-5f, mMean, mInv, my, 0);
                LayerNorm.backward(24, 1027, my, 0, mx, 0, mg, 0, mMean, mInv, wWork, wdg, 0, wdb, 0, my, 0);
            });
            cases.put("layerNormNarrow", () -> {
                LayerNorm.forward(size / 10, 10, bx, 0, gamma, 0, beta, 0, 1e-5f, rowMeanNarrow, rowInvNarrow, by, 0);
                LayerNorm.backward(size / 10, 10, bdy, 0, bx, 0, gamma, 0, rowMeanNarrow, rowInvNarrow, lnWork, dg, 0, db, 0,
                        bdx, 0);
            });
            cases.put("batchNormTrain", () -> {
                BatchNorm.forwardTrain(pool, rows, cols, bx, 0, gamma, 0, beta, 0, 1e-5f, 0.1f, rm, 0, rv, 0, colMean,
                        colInv, work, by, 0);
                BatchNorm.backward(pool, rows, cols, bdy, 0, bx, 0, gamma, 0, colMean, colInv, work, dg, 0, db, 0, bdx,
                        0);
            });
            cases.put("batchNormNoPool", () -> {
                BatchNorm.forwardTrain(null, rows, cols, bx, 0, gamma, 0, beta, 0, 1e-5f, 0.1f, rm, 0, rv, 0, colMean,
                        colInv, work, by, 0);
                BatchNorm.backward(null, rows, cols, bdy, 0, bx, 0, gamma, 0, colMean, colInv, work, dg, 0, db, 0, bdx,
                        0);
            });
            cases.put("batchNormInference", () -> BatchNorm.forwardInference(rows, cols, bx, 0, gamma, 0, beta, 0,
                    1e-5f, rm, 0, rv, 0, by, 0));
            cases.put("bias", () -> {
                Bias.addRows(rows, cols, beta, 0, by, 0, cols);
                Bias.columnSums(rows, cols, bdy, 0, cols, db, 0, true);
            });
            cases.put("elementwise", () -> {
                Elementwise.axpy(n, 0.5f, x, 0, y, 0);
                Elementwise.scale(n, 0.9f, y, 0);
                Elementwise.copy(n, x, 0, dx, 0);
                Elementwise.fill(n, 0f, dx, 0);
            });
            cases.put("decode", () -> {
                Decode.uint8(n, pixels, 0, 1f / 255f, y, 0);
                Decode.uint8Standardized(n, pixels, 0, 1f / 255f, x, dy, dx, 0);
                Decode.standardized(n, x, 0, y, dy, dx, 0);
            });
            cases.put("reductions", () -> {
                sink += Reductions.sum(n, x, 0) + Reductions.dot(n, x, 0, dy, 0) + Reductions.sumOfSquares(n, x, 0);
                sink += Reductions.l2Norm(pool, n, x, 0) + Reductions.l2Norm(pool, x, offsets, lengths, 2);
                Reductions.argmaxRows(rows, 10, logits10, 0, argmax, 0);
            });
            cases.put("gemmNN", () -> Gemm.nn(pool, gm, gn, gk, ga, 0, gk, gb, 0, gn, gc, 0, gn, false));
            cases.put("gemmNT", () -> Gemm.nt(pool, gm, gn, gk, ga, 0, gk, gb, 0, gk, gc, 0, gn, true));
            cases.put("gemmTN", () -> Gemm.tn(pool, gm, gn, gk, gb, 0, gm, gb, 0, gn, gc, 0, gn, false));
            cases.put("gemmNarrowNN", () -> Gemm.nn(pool, gm, 10, gk, ga, 0, gk, gb, 0, 10, gc, 0, 10, false));
            cases.put("gemmNarrowNT", () -> Gemm.nt(pool, gm, 10, gk, ga, 0, gk, gb, 0, gk, gc, 0, 10, false));
            cases.put("gemmNarrowTN", () -> Gemm.tn(pool, gm, 10, gk, gb, 0, gm, gb, 0, 10, gc, 0, 10, true));
            // softmax forward's row form for batches from memory (SoftmaxCrossEntropy.fromMemory), in layer norm's
            // arrays; last, so that its 4 ms calls come after the other kernels' in each warm-up round
            int sr = LayerNorm.FROM_MEMORY_ELEMENTS / 1024;
            int[] sLabels = new int[sr];
            cases.put("softmaxCrossEntropyFromMemory",
                    () -> sink += SoftmaxCrossEntropy.forward(sr, 1024, mx, 0, sLabels, 0, my, 0));
            Runnable[] all = cases.values().toArray(new Runnable[0]);
            for (int i = 0; i < WARM; i++) {
                for (Runnable r : all) {
                    r.run();
                }
            }
            // compilation finishes in the background at its own pace: measure every kernel once per pass, the
            // smallest count wins; between passes every kernel runs some more (so that late compilations and
            // recompilations after deoptimisation happen) until all are 0 or the limit is reached
            long[] best = new long[all.length];
            java.util.Arrays.fill(best, Long.MAX_VALUE);
            long start = System.nanoTime();
            for (int pass = 0; pass < PASSES && System.nanoTime() - start < LIMIT_NANOS; pass++) {
                boolean allZero = true;
                for (int c = 0; c < all.length; c++) {
                    if (best[c] > 0) {
                        best[c] = Math.min(best[c], allocated(all[c]));
                        allZero &= best[c] == 0;
                    }
                }
                if (Boolean.getBoolean("kalloc.debug")) {
                    System.out.println("pass " + pass + " at " + (System.nanoTime() - start) / 1_000_000 + " ms: "
                            + java.util.Arrays.toString(best));
                }
                if (allZero) {
                    break;
                }
                for (int i = 0; i < 50; i++) {
                    for (Runnable r : all) {
                        r.run();
                    }
                }
            }
            int c = 0;
            for (String name : cases.keySet()) {
                System.out.println(name + "=" + best[c++]);
            }
        }
        System.out.println("done");
    }
}
