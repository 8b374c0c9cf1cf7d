/*
 * FirstStep — vectrain's "time to the first training step", measured the way mlp_torch.py and mlp_c.c
 * measure theirs: from process start (BENCH_T0_NS, set by bench.py just before it starts the JVM; else the
 * JVM's own start time) until the first optimizer step on real Fashion-MNIST has finished. The path is the
 * one a user's program takes: read the IDX files, standardize (as rows are read), build the 784-512-256-10 MLP, build a Trainer
 * (Adam 1e-3, clip 1.0), one step. Then a few more steps check that the loss falls.
 *
 * Not a throughput benchmark (that is JMH TrainStepBench). Compiled and run by native-bench/run:
 *   javac --add-modules jdk.incubator.vector -cp target/vectrain-*-cli.jar -d native-bench/build FirstStep.java
 *   java --add-modules jdk.incubator.vector -cp target/vectrain-*-cli.jar:native-bench/build FirstStep [batch threads dir]
 * Prints one JSON line: {"system": "vectrain", "ttfs_ms": ..., "first_loss": ..., "loss_ok": ...}
 */
import dev.vectrain.data.Dataset;
import dev.vectrain.data.IdxReader;
import dev.vectrain.data.Standardizer;
import dev.vectrain.nn.Model;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.Optimizer;
import dev.vectrain.train.Trainer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

public final class FirstStep {
    public static void main(String[] args) throws Exception {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path dir = Path.of(args.length > 2 ? args[2] : "/usr/share/datasets/fashion-mnist");
        Dataset raw = IdxReader.read(dir.resolve("train-images-idx3-ubyte.gz"),
                dir.resolve("train-labels-idx1-ubyte.gz"), 10);
        Dataset train = raw.standardized(Standardizer.fit(raw));
        Model model = Model.builder(784).dense(512).relu().dense(256).relu().dense(10).seed(42).build();
        try (Trainer trainer = Trainer.builder(model).optimizer(Optimizer.adam()).learningRate(1e-3)
                .clipping(Clipping.byGlobalNorm(1.0)).batchSize(batch).threads(threads).build()) {
            float[] x = new float[batch * 784];   // (batch, 784) the batch as read: scaled and standardized
            int[] y = train.labels();
            train.copyRows(0, batch, x, 0);
            double first = trainer.step(x, 0, y, 0, batch);
            double ttfsMs = ageMs();
            // the loss must fall: 50 more steps over the next batches (file order), mean of the last 10
            double tail = 0;
            int steps = 50, rows = train.rows();
            for (int s = 1; s <= steps; s++) {
                int off = (s * batch) % (rows - batch);
                train.copyRows(off, batch, x, 0);
                double l = trainer.step(x, 0, y, off, batch);
                if (s > steps - 10) tail += l / 10;
            }
            System.out.printf(Locale.ROOT,
                    "{\"system\": \"vectrain\", \"batch\": %d, \"threads\": %d, \"ttfs_ms\": %.1f, \"first_loss\": %.6f,"
                            + " \"loss_tail\": %.4f, \"loss_ok\": %b, \"peak_rss_mib\": %.1f}%n",
                    batch, threads, ttfsMs, first, tail, tail < first, peakRssMib());
        }
    }

    private static double ageMs() {
        String t0 = System.getenv("BENCH_T0_NS");
        if (t0 != null && !t0.isBlank()) {
            java.time.Instant now = java.time.Instant.now();
            double nowNs = now.getEpochSecond() * 1e9 + now.getNano();
            return (nowNs - Double.parseDouble(t0)) / 1e6;
        }
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** VmHWM of this process (Linux), the same quantity as ru_maxrss. */
    private static double peakRssMib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }
}
