/*
 * GatherBench: the trainer's per-step mini-batch gather — 128 shuffled rows of 784 Fashion-MNIST-sized features
 * out of 60000, into the batch buffer — from the storage the CLI uses (bytes, scaled and standardized as they
 * are read: "bytes") and from the float storage it replaced (rows already scaled and standardized, copied:
 * "floats"). Setup first checks that both storages gather bitwise the same floats, then JMH times one gather.
 * Compare the time with a training step (about 4 ms at batch 128 on one core).
 */
package dev.vectrain.bench;

import dev.vectrain.data.Dataset;
import dev.vectrain.data.Splits;
import dev.vectrain.data.Standardizer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/** Time of one 128-row gather, in microseconds. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
@State(Scope.Thread)
public class GatherBench {
    private static final int ROWS = 60_000;
    private static final int FEATURES = 784;
    private static final int BATCH = 128;

    /** "bytes": byte storage standardized on read; "floats": pre-standardized float rows (the old path). */
    @Param({"bytes", "floats"})
    public String storage;

    private Dataset data;
    private int[] order;      // (ROWS) a shuffled data order
    private float[] batch;    // (BATCH, FEATURES) the gathered rows
    private int next;

    /** Builds both storages from the same random pixels and checks that they gather the same floats. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] pixels = new byte[ROWS * FEATURES];
        int[] labels = new int[ROWS];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) rnd.nextInt(256);
        }
        Dataset bytes = Dataset.classification(pixels, 1f / 255f, labels, FEATURES, 10);
        Standardizer st = Standardizer.fit(bytes);
        Dataset fromBytes = bytes.standardized(st);
        Dataset floats = fromBytes.toDense();
        order = Splits.permutation(ROWS, 5);
        batch = new float[BATCH * FEATURES];
        float[] check = new float[BATCH * FEATURES];
        fromBytes.gatherRows(order, 0, BATCH, batch, 0);
        floats.gatherRows(order, 0, BATCH, check, 0);
        for (int i = 0; i < batch.length; i++) {
            if (Float.floatToRawIntBits(batch[i]) != Float.floatToRawIntBits(check[i])) {
                throw new IllegalStateException("byte and float storage gather different values at " + i);
            }
        }
        data = storage.equals("bytes") ? fromBytes : floats;
    }

    /** One mini-batch gather at the next position of the order. */
    @Benchmark
    public float[] gather() {
        int from = next;
        next += BATCH;
        if (next + BATCH > ROWS) {
            next = 0;
        }
        data.gatherRows(order, from, BATCH, batch, 0);
        return batch;
    }
}
