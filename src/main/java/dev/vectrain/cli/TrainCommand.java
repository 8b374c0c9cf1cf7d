/*
 * TrainCommand: `vectrain train` — load and standardize the data, build the MLP the options describe,
 * train with progress, validation, early stopping and periodic checkpoints, evaluate on the test set, and
 * write history.csv, loss.png, lr.png, model.ckpt and summary.json (each atomically) into --out.
 * --resume continues a checkpointed run so that it ends with bitwise the same weights as an uninterrupted one.
 */
package dev.vectrain.cli;

import dev.vectrain.data.Standardizer;
import dev.vectrain.io.Checkpoint;
import dev.vectrain.io.CheckpointException;
import dev.vectrain.kernel.Vec;
import dev.vectrain.nn.Model;
import dev.vectrain.nn.ModelSpec;
import dev.vectrain.train.Evaluation;
import dev.vectrain.train.History;
import dev.vectrain.train.Trainer;
import dev.vectrain.train.TrainerBuilder;
import dev.vectrain.train.TrainerState;
import dev.vectrain.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vectrain train}. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {"Train a dense network (default 784-512-256-10 ReLU MLP, He init, Adam 0.001 with cosine decay, "
                + "batch 128, 10 epochs, early stopping patience 5) on "
                + "Fashion-MNIST or your data, with validation, early stopping, checkpoints and plots.",
                "Writes history.csv, loss.png, lr.png, model.ckpt and summary.json into --out."})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    Options.DataOptions data;

    @Mixin
    Options.ModelOptions model;

    @Mixin
    Options.OptimOptions optim;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10",
            description = "Epochs in total (a resumed run continues up to this; default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "5", description = "Early stopping: stop after N "
            + "epochs without validation improvement and restore the best weights; 0 = off (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--min-delta", paramLabel = "D", defaultValue = "0",
            description = "Smallest validation-loss decrease that counts as improvement (default: ${DEFAULT-VALUE}).")
    double minDelta;

    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.1", description = "Fraction of the "
            + "training file held out for validation, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/<timestamp>; with "
            + "--resume: the checkpoint's directory).")
    Path out;

    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue the run saved in this checkpoint (use "
            + "the same options; --epochs may be larger).")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "1", description = "Write model.ckpt every "
            + "N epochs during training (0: only at the end; default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Mixin
    Options.RunOptions run;

    @Option(names = "--epoch-delay-ms", hidden = true, defaultValue = "0",
            description = "Test hook: sleep this long after each epoch's checkpoint.")
    long epochDelayMs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        int threads = run.threads();
        Progress progress = Progress.create(main.out, run.quiet, false);

        Checkpoint resumed = null;
        TrainerState state = null;
        Standardizer saved = null;
        if (resume != null) {
            resumed = Checkpoint.read(resume);
            state = ModelCheckpoint.state(resume, resumed);
            saved = ModelCheckpoint.standardizer(resume, resumed);
        }
        Workbench.Prepared p = Workbench.prepare(data, valFraction, run.seed, saved, progress);
        int features = p.train().featureCount();
        int classes = p.train().classes();
        ModelSpec wanted = model.spec(features, classes);
        int rows = p.train().rows();
        int batch = optim.batchSize(rows);
        Model m;
        if (state != null) {
            if (!ModelCheckpoint.architectureKey(wanted.toString()).equals(ModelCheckpoint.architectureKey(state.modelSpec()))) {
                throw new CheckpointException(resume + ": the checkpoint holds a different architecture: ["
                        + state.modelSpec() + "], but the options ask for [" + wanted
                        + "]; resume with the same --layers/--activation/--batchnorm/--layernorm/--dropout");
            }
            if (state.epoch() >= epochs) {
                throw new CliException(resume + ": the checkpoint already has " + state.epoch()
                        + " epochs; pass --epochs larger than that to continue");
            }
            TrainerState s = state;
            m = Heap.building(wanted, batch, () -> Model.restore(ModelSpec.parse(s.modelSpec()), s.values(), s.modelState()));
        } else {
            m = Heap.building(wanted, batch, () -> Model.create(wanted, run.seed));
        }

        long stepsPerEpoch = (rows + batch - 1) / batch;
        Path dir = out != null ? out : resume != null ? resume.toAbsolutePath().getParent() : Workbench.outDir(null, null);
        String settings = settings(p, batch);
        if (resumed != null && resumed.has(ModelCheckpoint.SETTINGS)
                && !resumed.string(ModelCheckpoint.SETTINGS).equals(settings)) {
            main.err.println("vectrain train: warning: the run in " + resume + " used other settings; the result will differ from an "
                    + "uninterrupted run. Checkpoint: [" + resumed.string(ModelCheckpoint.SETTINGS) + "], now: ["
                    + settings + "]");
        }
        int bits = Vec.SPECIES.vectorBitSize();
        long savedBits = resumed != null && resumed.has(ModelCheckpoint.VECTOR_BITS)
                ? resumed.getLong(ModelCheckpoint.VECTOR_BITS) : bits;
        if (savedBits != bits) {
            main.err.println("vectrain train: warning: the run in " + resume + " computed with "
                    + savedBits + "-bit vectors and this JVM uses " + bits
                    + "-bit ones (another CPU, or -Dvectrain.species); sums then add in another order, and the result "
                    + "will differ in the last bits from an uninterrupted run");
        }
        boolean created = Workbench.create(dir);
        Workbench.removeStaleTemps(dir);
        boolean success = false;
        String command = String.join(" ", spec.commandLine().getParseResult().originalArgs());
        List<String> classNames = p.classNames();
        Listener listener = new Listener(progress, dir, p.standardizer(), rows, batch,
                state != null ? ModelCheckpoint.lrSteps(resumed) : new double[0], classNames, command, settings);
        TrainerBuilder b = Trainer.builder(m).optimizer(optim.optimizer()).schedule(optim.schedule(epochs, stepsPerEpoch))
                .clipping(optim.clipping()).batchSize(batch).epochs(epochs).seed(run.seed).threads(threads)
                .listener(listener);
        boolean early = patience > 0;
        if (early) {
            b.earlyStopping(patience, minDelta);
        }
        if (optim.schedule == Options.ScheduleChoice.PLATEAU) {
            b.reduceOnPlateau(optim.plateauFactor, optim.plateauPatience, minDelta, optim.minLr / optim.lr);
        }
        long t0 = System.nanoTime();
        try (Trainer t = Heap.building(wanted, batch, b::build)) {
            if (state != null) {
                t.restore(state);
                progress.info("resuming from " + resume + " after epoch " + state.epoch());
            }
            progress.info(String.format(Locale.ROOT, "model: %s (%,d parameters)", m.spec(), m.parameters().size()));
            progress.info(String.format(Locale.ROOT, "training: %,d train / %s validation / %s test rows, batch %d, "
                    + "%d epochs, %s, %d threads, out %s", rows, p.validation() == null ? "no" : String.format("%,d",
                    p.validation().rows()), p.test() == null ? "no" : String.format("%,d", p.test().rows()), batch, epochs,
                    optim.describe(), threads, dir));
            History h;
            try {
                h = t.fit(p.train(), p.validation());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            Evaluation test = p.test() != null ? t.evaluate(p.test()) : null;
            TrainerState fin = t.exportState();
            double[] lrs = listener.lr.toArray();
            ModelCheckpoint.of(fin, p.standardizer(), lrs, classNames, command, settings).write(dir.resolve("model.ckpt"));
            Workbench.writeHistory(dir.resolve("history.csv"), h);

            int bestEpoch = bestEpoch(h, fin, p.validation() != null);
            boolean stoppedEarly = early && h.epochs() < epochs;
            double[] ep = Workbench.iota(h.epochs(), 1);
            Plots.loss(dir.resolve("loss.png"), ep, h.column(History.Column.TRAIN_LOSS),
                    p.validation() != null ? h.column(History.Column.VAL_LOSS) : null, bestEpoch, stoppedEarly);
            Plots.learningRate(dir.resolve("lr.png"), Workbench.iota(lrs.length, 1), lrs);

            double seconds = 0;
            double samples = 0;
            for (int e = 0; e < h.epochs(); e++) {
                seconds += h.seconds(e);
                samples += h.seconds(e) * h.samplesPerSecond(e);
            }
            Json s = new Json()
                    .put("test_accuracy", test == null ? null : test.accuracy())
                    .put("test_loss", test == null ? null : test.loss())
                    .put("best_val_loss", p.validation() == null || bestEpoch <= 0 ? null : h.valLoss(bestEpoch - 1))
                    .put("best_epoch", bestEpoch <= 0 ? null : bestEpoch)
                    .put("epochs_run", h.epochs())
                    .put("epochs_requested", epochs)
                    .put("stopped_early", stoppedEarly)
                    .put("samples_per_s", seconds > 0 ? samples / seconds : null)
                    .put("mean_epoch_seconds", h.epochs() > 0 ? seconds / h.epochs() : null)
                    .put("wall_seconds", (System.nanoTime() - t0) / 1e9)
                    .put("final_train_loss", h.epochs() > 0 ? h.trainLoss(h.epochs() - 1) : null)
                    .put("final_val_accuracy", p.validation() != null && h.epochs() > 0 ? h.valAccuracy(h.epochs() - 1) : null)
                    .put("train_rows", rows)
                    .put("val_rows", p.validation() == null ? 0 : p.validation().rows())
                    .put("test_rows", p.test() == null ? 0 : p.test().rows())
                    .put("data", p.description())
                    .put("bundled_sample", p.bundled())
                    .put("architecture", m.spec().toString())
                    .put("parameters", m.parameters().size())
                    .put("optimizer", optim.describe())
                    .put("batch", batch)
                    .put("seed", run.seed)
                    .put("threads", threads)
                    .put("resumed_from", resume == null ? null : resume.toString())
                    .put("skipped_steps", t.skippedSteps())
                    .put("command", command);
            dev.vectrain.io.AtomicFiles.writeString(dir.resolve("summary.json"), s.toString());
            success = true;

            String result = test == null ? "no test set" : String.format(Locale.ROOT,
                    "test accuracy %.2f%% (loss %.4f) on %,d rows", 100 * test.accuracy(), test.loss(), test.rows());
            main.out.println(String.format(Locale.ROOT, "done: %d epochs%s, best epoch %s; %s; %,.0f samples/s",
                    h.epochs(), stoppedEarly ? " (stopped early)" : "", bestEpoch > 0 ? bestEpoch : "-", result,
                    seconds > 0 ? samples / seconds : 0.0));
            main.out.println("outputs: " + dir + "/{history.csv, loss.png, lr.png, model.ckpt, summary.json}");
            return Main.EXIT_OK;
        } finally {
            if (!success && created) {
                Workbench.removeIfEmpty(dir);
            }
        }
    }

    private void validate() {
        model.validate();
        optim.validate();
        if (epochs <= 0) {
            throw new CliException("--epochs must be positive, found " + epochs);
        }
        if (patience < 0) {
            throw new CliException("--patience must be >= 0, found " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new CliException("--min-delta must be >= 0, found " + minDelta);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new CliException("--val-fraction must be in [0, 1), found " + valFraction);
        }
        if (checkpointEvery < 0) {
            throw new CliException("--checkpoint-every must be >= 0, found " + checkpointEvery);
        }
        if (optim.schedule == Options.ScheduleChoice.PLATEAU && valFraction == 0) {
            throw new CliException("--schedule plateau needs a validation set (--val-fraction > 0)");
        }
    }

    /** The options that decide the weights besides the architecture (--epochs may grow on resume). */
    private String settings(Workbench.Prepared p, int batch) {
        return String.format(Locale.ROOT, "data %s; %s; batch %d; seed %d; val-fraction %s; patience %d; min-delta %s",
                p.description(), optim.describe(), batch, run.seed, valFraction, patience, minDelta);
    }

    /** 1-based epoch of the best monitored loss (the early-stopping one when tracked), 0 when none. */
    private static int bestEpoch(History h, TrainerState fin, boolean validation) {
        if (h.epochs() == 0) {
            return 0;
        }
        if (fin.bestEpoch() >= 0) {
            return fin.bestEpoch() + 1;
        }
        int best = -1;
        double v = Double.POSITIVE_INFINITY;
        for (int e = 0; e < h.epochs(); e++) {
            double l = validation ? h.valLoss(e) : h.trainLoss(e);
            if (l < v) {
                v = l;
                best = e;
            }
        }
        return best + 1;
    }

    /** Progress, per-step learning rates, history.csv and periodic checkpoints. */
    private final class Listener implements TrainingListener {
        private final Progress progress;
        private final Path dir;
        private final Standardizer standardizer;
        private final int rows;
        private final int batch;
        private final List<String> classNames;
        private final String command;
        private final String settings;
        final Workbench.Doubles lr;
        private int epoch = -1;
        private long done;
        private double bestVal = Double.POSITIVE_INFINITY;

        Listener(Progress progress, Path dir, Standardizer standardizer, int rows, int batch, double[] lrSoFar,
                 List<String> classNames, String command, String settings) {
            this.progress = progress;
            this.dir = dir;
            this.standardizer = standardizer;
            this.rows = rows;
            this.batch = batch;
            this.lr = new Workbench.Doubles(lrSoFar);
            this.classNames = classNames;
            this.command = command;
            this.settings = settings;
        }

        @Override
        public void onStep(Trainer t, long step, int e, double loss, double rate, double gradNorm) {
            if (e != epoch) {
                epoch = e;
                done = 0;
                progress.startEpoch(e + 1, epochs, rows);
            }
            int n = (int) Math.min(batch, rows - done);
            done += n;
            progress.step(n, loss);
            lr.add(rate);
        }

        @Override
        public void onEpochEnd(Trainer t, int e) {
            History h = t.history();
            double val = h.valLoss(e);
            boolean better = val < bestVal - minDelta;
            if (val < bestVal) {
                bestVal = val;
            }
            progress.endEpoch(String.format(Locale.ROOT, "epoch %d/%d  train_loss %.4f  %s  lr %.3g  grad_norm %.3g  "
                            + "%.1f s  %,.0f samples/s%s", e + 1, epochs, h.trainLoss(e),
                    Double.isNaN(val) ? "(no validation)" : String.format(Locale.ROOT, "val_loss %.4f  val_acc %.2f%%",
                            val, 100 * h.valAccuracy(e)), h.learningRate(e), h.gradNorm(e), h.seconds(e),
                    h.samplesPerSecond(e), better ? "  *" : ""));
            try {
                Workbench.writeHistory(dir.resolve("history.csv"), h);
                if (checkpointEvery > 0 && (e + 1) % checkpointEvery == 0) {
                    ModelCheckpoint.sharing(t.stateView(), standardizer, lr.toArray(), classNames, command, settings)
                            .write(dir.resolve("model.ckpt"));
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (epochDelayMs > 0) {
                try {
                    Thread.sleep(epochDelayMs);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
