/*
 * AllocationMain: measures, in a fresh JVM, the bytes allocated by N warm training steps, N warm evaluation
 * batches, N mini-batch gathers from a byte-stored standardized view and N evaluations of such a view, on the
 * calling thread and on every pool worker ("vectrain-worker-*") with com.sun.management.ThreadMXBean, and
 * prints them as key=value lines. Rounds repeat until the JIT has settled
 * (interpreted or C1-compiled vector code boxes); the smallest round counts. Used by AllocationTest.
 * Arguments: threads, loss name, model spec text (input 64, output 10), and optionally the batch size (64).
 */
package dev.vectrain.train;

import dev.vectrain.data.Dataset;
import dev.vectrain.data.Splits;
import dev.vectrain.data.Standardizer;
import dev.vectrain.loss.Loss;
import dev.vectrain.nn.Model;
import dev.vectrain.nn.ModelSpec;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.Optimizer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

final class AllocationMain {
    static final int N = 20;
    private static final int ROUNDS = 400;
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMain() {
    }

    private static long[] workerIds() {
        List<Long> ids = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("vectrain-worker-")) {
                ids.add(t.threadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    private static long[] allocated(Runnable work, long[] workers) {
        long bestCaller = Long.MAX_VALUE;
        long bestWorkers = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && (bestCaller > 0 || bestWorkers > 0); round++) {
            long w0 = sum(MX.getThreadAllocatedBytes(workers));
            long c0 = MX.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < N; i++) {
                work.run();
            }
            long c1 = MX.getCurrentThreadAllocatedBytes();
            long w1 = sum(MX.getThreadAllocatedBytes(workers));
            bestCaller = Math.min(bestCaller, c1 - c0);
            bestWorkers = Math.min(bestWorkers, w1 - w0);
        }
        return new long[] {bestCaller, bestWorkers};
    }

    /**
     * What the CLI trains on: classification data as unsigned bytes, regression data as floats, both a shuffled
     * view of the rows, standardized as they are read.
     */
    private static Dataset view(Dataset d, boolean classification) {
        Dataset stored = d;
        if (classification) {
            float[] f = d.features();
            byte[] px = new byte[f.length];
            for (int i = 0; i < f.length; i++) {
                px[i] = (byte) Math.min(255, Math.max(0, Math.round(64 * f[i] + 128)));
            }
            stored = Dataset.classification(px, 1f / 255f, d.labels(), d.featureCount(), d.classes());
        }
        Dataset shuffled = stored.select(Splits.permutation(stored.rows(), 9));
        return shuffled.standardized(Standardizer.fit(shuffled));
    }

    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        boolean classification = args[1].equals("softmax_cross_entropy");
        Dataset data = classification ? Synthetic.blobs(512, 64, 10, 1.0, 0.0, 3) : Synthetic.linear(512, 64, 10, 3);
        Dataset evalSet = classification ? Synthetic.blobs(64, 64, 10, 1.0, 0.0, 4) : Synthetic.linear(64, 64, 10, 4);
        Model m = Model.create(ModelSpec.parse(args[2]), 42);
        int bs = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        try (Trainer t = Trainer.builder(m).loss(Loss.parse(args[1])).optimizer(Optimizer.adam()).learningRate(1e-3)
                .clipping(Clipping.byGlobalNorm(1.0).andByValue(0.5)).batchSize(bs).evalBatchSize(bs)
                .threads(threads).build()) {
            long[] workers = workerIds();
            int[] batch = {0};
            Runnable step = () -> {
                int off = (batch[0]++ % (512 / bs)) * bs;
                if (classification) {
                    t.step(data.features(), off * 64, data.labels(), off, bs);
                } else {
                    t.step(data.features(), off * 64, data.targets(), off * 10, bs);
                }
            };
            Evaluation into = new Evaluation();
            Runnable eval = () -> t.evaluate(evalSet, into);
            Dataset view = view(data, classification);
            Dataset evalView = view(evalSet, classification);
            int[] order = Splits.permutation(view.rows(), 5);
            float[] batchX = new float[64 * 64];   // (64, 64) a gathered batch
            Runnable gather = () -> {
                int off = (batch[0]++ % 7) * 64;
                view.gatherRows(order, off, 64, batchX, 0);
            };
            Runnable evalOfView = () -> t.evaluate(evalView, into);
            long[] s = allocated(step, workers);
            long[] e = allocated(eval, workers);
            long[] g = allocated(gather, workers);
            long[] v = allocated(evalOfView, workers);
            System.out.println("workers=" + workers.length);
            System.out.println("steps.caller=" + s[0]);
            System.out.println("steps.workers=" + s[1]);
            System.out.println("eval.caller=" + e[0]);
            System.out.println("eval.workers=" + e[1]);
            System.out.println("gather.caller=" + g[0]);
            System.out.println("evalview.caller=" + v[0]);
            System.out.println("evalview.workers=" + v[1]);
        }
    }
}
