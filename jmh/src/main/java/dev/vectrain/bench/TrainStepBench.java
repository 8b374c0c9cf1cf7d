/*
 * TrainStepBench: one full training step (zero grads, forward, softmax cross-entropy, backward, global-norm
 * clip + Adam fused update) of the reference MLP 784-512-256-10 (ReLU, He init, Adam 1e-3, clip-norm 1.0) on
 * synthetic in-memory data, for batch sizes 1 to 512 and 1 or 2 threads. Setup first validates that the loss
 * falls over some steps, then JMH times steps. The "samples" counter is samples/s (compare with ANCHORS.md:
 * PyTorch ≈ 24.5k–36.4k samples/s at batch 128 on one thread). The "allocBytes" counter is the bytes allocated
 * by the stepping thread and the pool's workers (ThreadMXBean, read around each measured iteration), as a rate:
 * divided by the step rate it is bytes per step. JMH's -prof gc figure also counts JMH's own threads (its
 * profiler polls with about 0.02 MB/s of garbage), so at a few hundred steps/s it shows tens of bytes per op
 * that no training thread allocated. -p batchNorm=true adds batch normalization after each hidden layer.
 */
package dev.vectrain.bench;

import dev.vectrain.init.Initializer;
import dev.vectrain.nn.Model;
import dev.vectrain.nn.ModelBuilder;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.Optimizer;
import dev.vectrain.train.Trainer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Throughput of one training step; the {@code samples} counter reports samples per second. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@State(Scope.Thread)
public class TrainStepBench {
    private static final int FEATURES = 784;
    private static final int CLASSES = 10;
    private static final int ROWS = 4096;

    /** Rows per step. */
    @Param({"1", "32", "128", "512"})
    public int batch;

    /** Threads of the trainer's pool, caller included. */
    @Param({"1", "2"})
    public int threads;

    /** Batch normalization after each hidden layer (ANCHORS: PyTorch + BatchNorm); run with -p batchNorm=true. */
    @Param({"false"})
    public boolean batchNorm;

    private Trainer trainer;
    private float[] features;   // (ROWS, FEATURES)
    private int[] labels;       // (ROWS)
    private int next;

    /** Samples processed, reported by JMH as samples/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Samples {
        /** Incremented by the batch size every step. */
        public long samples;
    }

    /**
     * Bytes allocated by the training threads (this one and the pool's workers) during the iteration, reported
     * by JMH as a rate (B/s); over the step rate it is bytes per step. Read outside the timed loop.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Allocation {
        private static final com.sun.management.ThreadMXBean MX =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        /** Set at the end of each iteration. */
        public long allocBytes;
        private long[] threadIds;
        private long start;

        @Setup(Level.Iteration)
        public void begin() {
            List<Long> ids = new ArrayList<>();
            ids.add(Thread.currentThread().threadId());
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("vectrain-worker-")) {
                    ids.add(t.threadId());
                }
            }
            threadIds = ids.stream().mapToLong(Long::longValue).toArray();
            allocBytes = 0;
            start = total();
        }

        @TearDown(Level.Iteration)
        public void end() {
            allocBytes = total() - start;
        }

        private long total() {
            long sum = 0;
            for (long b : MX.getThreadAllocatedBytes(threadIds)) {
                sum += Math.max(0, b);
            }
            return sum;
        }
    }

    /** Builds the model and data, then checks that the loss falls before anything is timed. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(42);
        features = new float[ROWS * FEATURES];
        labels = new int[ROWS];
        float[] projection = new float[CLASSES * FEATURES];
        for (int i = 0; i < projection.length; i++) {
            projection[i] = (float) rnd.nextGaussian();
        }
        for (int r = 0; r < ROWS; r++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int f = 0; f < FEATURES; f++) {
                features[r * FEATURES + f] = (float) rnd.nextGaussian();
            }
            for (int c = 0; c < CLASSES; c++) {
                double s = 0;
                for (int f = 0; f < FEATURES; f++) {
                    s += projection[c * FEATURES + f] * features[r * FEATURES + f];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            labels[r] = best;
        }
        ModelBuilder b = Model.builder(FEATURES).dense(512, Initializer.heNormal());
        if (batchNorm) {
            b.batchNorm();
        }
        b.relu().dense(256, Initializer.heNormal());
        if (batchNorm) {
            b.batchNorm();
        }
        Model model = b.relu().dense(CLASSES).seed(1).build();
        trainer = Trainer.builder(model).optimizer(Optimizer.adam()).learningRate(1e-3)
                .clipping(Clipping.byGlobalNorm(1.0)).batchSize(batch).threads(threads).build();
        validate();
    }

    private void validate() {
        int rows = batch;
        double first = trainer.step(features, 0, labels, 0, rows);
        double last = first;
        for (int i = 0; i < 30; i++) {
            last = trainer.step(features, 0, labels, 0, rows);
        }
        if (!(last < first)) {
            throw new IllegalStateException("validation failed: loss on one batch went from " + first + " to " + last);
        }
    }

    /** Stops the pool's workers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        trainer.close();
    }

    /** One training step on the next batch of rows. */
    @Benchmark
    public double step(Samples counter, Allocation allocation) {
        int off = next;
        next += batch;
        if (next + batch > ROWS) {
            next = 0;
        }
        counter.samples += batch;
        return trainer.step(features, off * FEATURES, labels, off, batch);
    }
}
