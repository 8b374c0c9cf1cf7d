/*
 * LrFindCommand: `vectrain lr-find` — the learning-rate range test: train from a fresh model while the rate
 * grows exponentially from --start-lr to --end-lr over --steps steps, record the loss, stop when it blows
 * up, and suggest a rate (the one at the smoothed-loss minimum divided by 10). Writes lr_find.csv and
 * lr_find.png into --out.
 */
package dev.vectrain.cli;

import dev.vectrain.data.Dataset;
import dev.vectrain.data.Splits;
import dev.vectrain.io.AtomicFiles;
import dev.vectrain.nn.Model;
import dev.vectrain.nn.ModelSpec;
import dev.vectrain.optim.NonFiniteGradientException;
import dev.vectrain.schedule.Schedule;
import dev.vectrain.train.Trainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vectrain lr-find}. */
@Command(name = "lr-find", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {"Learning-rate range test: raise the rate exponentially over a few hundred steps, plot loss "
                + "against rate (lr_find.png, lr_find.csv) and suggest a rate."})
final class LrFindCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    Options.DataOptions data;

    @Mixin
    Options.ModelOptions model;

    @Mixin
    Options.OptimOptions optim;

    @Option(names = "--start-lr", paramLabel = "LR", defaultValue = "1e-6", description = "First rate (default: ${DEFAULT-VALUE}).")
    double startLr;

    @Option(names = "--end-lr", paramLabel = "LR", defaultValue = "1", description = "Last rate (default: ${DEFAULT-VALUE}).")
    double endLr;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300", description = "Steps of the sweep (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/<timestamp>-lr-find).")
    Path out;

    @Mixin
    Options.RunOptions run;

    @Override
    public Integer call() throws Exception {
        model.validate();
        optim.validate();
        Options.positiveFinite("--start-lr", startLr);
        Options.positiveFinite("--end-lr", endLr);
        if (endLr <= startLr) {
            throw new CliException("--end-lr must be larger than --start-lr");
        }
        if (steps < 10 || steps > 1_000_000) {
            throw new CliException("--steps must be in [10, 1000000], found " + steps);
        }
        Progress progress = Progress.create(main.out, run.quiet, true);
        Workbench.Prepared p = Workbench.prepare(data, 0, run.seed, null, progress);
        Dataset train = p.train().select(Splits.permutation(p.train().rows(), run.seed));
        int batch = optim.batchSize(train.rows());
        int f = train.featureCount();
        ModelSpec spec = model.spec(f, train.classes());
        Model m = Heap.building(spec, batch, () -> Model.create(spec, run.seed));
        float[] x = new float[batch * f];   // (batch, features) the current batch as read
        double gamma = Math.pow(endLr / startLr, 1.0 / (steps - 1));
        double[] lrs = new double[steps];
        double[] loss = new double[steps];
        double[] smooth = new double[steps];
        int done = 0;
        double avg = 0;
        double bestSmooth = Double.POSITIVE_INFINITY;
        String stop = "reached --end-lr";
        try (Trainer t = Trainer.builder(m).optimizer(optim.optimizer()).schedule(Schedule.exponential(startLr, gamma))
                .clipping(optim.clipping()).batchSize(batch).seed(run.seed).threads(run.threads()).build()) {
            int pos = 0;
            for (int s = 0; s < steps; s++) {
                if (pos + batch > train.rows()) {
                    pos = 0;
                }
                double l;
                try {
                    train.copyRows(pos, batch, x, 0);
                    l = t.step(x, 0, train.labels(), pos, batch);
                } catch (NonFiniteGradientException e) {
                    stop = "the gradient became non-finite";
                    break;
                }
                pos += batch;
                lrs[s] = t.lastLearningRate();
                loss[s] = l;
                avg = 0.98 * avg + 0.02 * l;
                smooth[s] = avg / (1 - Math.pow(0.98, s + 1));
                done = s + 1;
                if (!Double.isFinite(l)) {
                    stop = "the loss became non-finite";
                    break;
                }
                bestSmooth = Math.min(bestSmooth, smooth[s]);
                if (s > 10 && smooth[s] > 4 * bestSmooth) {
                    stop = "the loss exceeded 4 × its minimum";
                    break;
                }
            }
        }
        if (done < 10) {
            throw new CliException("the loss diverged within " + done + " steps; lower --start-lr", Main.EXIT_FAILED);
        }
        int argMin = 0;
        for (int s = 0; s < done; s++) {
            if (smooth[s] < smooth[argMin]) {
                argMin = s;
            }
        }
        double suggested = lrs[argMin] / 10;
        Path dir = Workbench.outDir(out, "lr-find");
        boolean created = Workbench.create(dir);
        boolean ok = false;
        try {
            StringBuilder csv = new StringBuilder("step,lr,loss,smoothed_loss\n");
            for (int s = 0; s < done; s++) {
                csv.append(s + 1).append(',').append(lrs[s]).append(',').append(loss[s]).append(',').append(smooth[s]).append('\n');
            }
            AtomicFiles.writeString(dir.resolve("lr_find.csv"), csv.toString());
            Plots.lrFind(dir.resolve("lr_find.png"), java.util.Arrays.copyOf(lrs, done), java.util.Arrays.copyOf(loss, done),
                    java.util.Arrays.copyOf(smooth, done), suggested);
            ok = true;
        } finally {
            if (!ok && created) {
                Workbench.removeIfEmpty(dir);
            }
        }
        main.out.printf(Locale.ROOT, "lr-find: %d steps from %.1e (stopped: %s)%n", done, startLr, stop);
        main.out.printf(Locale.ROOT, "lowest smoothed loss %.4f at lr %.2e%n", smooth[argMin], lrs[argMin]);
        main.out.printf(Locale.ROOT, "suggested --lr %.2g (the minimum's rate / 10)%n", suggested);
        main.out.println("outputs: " + dir + "/{lr_find.csv, lr_find.png}");
        return Main.EXIT_OK;
    }
}
