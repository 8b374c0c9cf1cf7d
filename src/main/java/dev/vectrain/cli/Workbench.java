/*
 * Workbench: the steps every training-like subcommand shares — load the data, split off validation with the
 * seed, fit the standardizer on the training part only (or take the checkpoint's), standardize every part as
 * it is read — plus output-directory handling (created late, removed again when a failed run left it empty)
 * and the per-run file writers (history.csv, summary.json).
 */
package dev.vectrain.cli;

import dev.vectrain.data.DataSources;
import dev.vectrain.data.Dataset;
import dev.vectrain.data.Splits;
import dev.vectrain.data.Standardizer;
import dev.vectrain.io.AtomicFiles;
import dev.vectrain.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Shared data preparation and output handling. */
final class Workbench {
    private Workbench() {
    }

    /**
     * Standardized data ready for training, with what describes its source. The three datasets are views: the
     * training and validation parts share the loaded training file's features, and all three standardize their
     * rows as they are read, so no feature is copied.
     */
    record Prepared(String description, boolean bundled, java.util.List<String> classNames, Dataset train,
                    Dataset validation, Dataset test, Standardizer standardizer) {
    }

    static Prepared prepare(Options.DataOptions d, double valFraction, long seed, Standardizer saved, Progress progress)
            throws IOException {
        DataSources.Loaded loaded = Heap.loading(d.data, () -> DataSources.load(d.data, d.test, d.csv(), d.classes));
        progress.info((loaded.bundled() ? "data: using the bundled sample: " : "data: ") + loaded.description());
        Splits.Split split;
        try {
            split = Splits.trainValidation(loaded.train(), valFraction, seed);
        } catch (IllegalArgumentException e) {
            throw new CliException("--val-fraction: " + e.getMessage());
        }
        Standardizer st;
        if (saved != null) {
            if (saved.featureCount() != loaded.train().featureCount()) {
                throw new CliException("the checkpoint's model takes " + saved.featureCount() + " features but the data has "
                        + loaded.train().featureCount());
            }
            st = saved;
        } else {
            try {
                st = Standardizer.fit(split.train());
            } catch (IllegalArgumentException e) {
                throw new CliException("training data: " + e.getMessage());
            }
        }
        return new Prepared(loaded.description(), loaded.bundled(), loaded.classNames(), split.train().standardized(st),
                split.validation() == null ? null : split.validation().standardized(st),
                loaded.test() == null ? null : loaded.test().standardized(st), st);
    }

    /** The output directory: --out, else runs/&lt;timestamp&gt;[-suffix]. Not created yet. */
    static Path outDir(Path out, String suffix) {
        if (out != null) {
            return out;
        }
        String ts = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        return Path.of("runs", ts + (suffix == null ? "" : "-" + suffix));
    }

    /** Creates {@code dir}; returns true when it did not exist before (so a failure may remove it). */
    static boolean create(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        if (Files.exists(dir)) {
            throw new CliException(dir + ": --out exists and is not a directory");
        }
        Files.createDirectories(dir);
        return true;
    }

    /** Removes a directory this run created when it is still empty (a failed run leaves nothing behind). */
    static void removeIfEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    /** Deletes temp files an earlier run left when it was killed in the middle of an atomic write. */
    static void removeStaleTemps(Path dir) {
        try (var s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                String n = f.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".tmp") && (n.startsWith(".model.ckpt.") || n.startsWith(".history.csv.")
                        || n.startsWith(".summary.json.") || n.startsWith(".loss.png.") || n.startsWith(".lr.png."))) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    /** history.csv with the columns the README documents. */
    static void writeHistory(Path file, History h) throws IOException {
        StringBuilder b = new StringBuilder("epoch,train_loss,val_loss,val_accuracy,lr,grad_norm,seconds,samples_per_s,skipped_steps\n");
        for (int e = 0; e < h.epochs(); e++) {
            b.append(e + 1).append(',').append(num(h.trainLoss(e))).append(',').append(num(h.valLoss(e))).append(',')
                    .append(num(h.valAccuracy(e))).append(',').append(num(h.learningRate(e))).append(',')
                    .append(num(h.gradNorm(e))).append(',').append(num(h.seconds(e))).append(',')
                    .append(num(h.samplesPerSecond(e))).append(',')
                    .append((long) h.get(History.Column.SKIPPED_STEPS, e)).append('\n');
        }
        AtomicFiles.writeString(file, b.toString());
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    static double[] iota(int n, int from) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** A growable double array (per-step learning rates). */
    static final class Doubles {
        private double[] a;
        private int n;

        Doubles(double[] initial) {
            a = java.util.Arrays.copyOf(initial, Math.max(16, initial.length * 2));
            n = initial.length;
        }

        void add(double v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        double[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }

        int size() {
            return n;
        }
    }
}
