/*
 * OverfitCheckCommand: `vectrain overfit-check` — the guide's "overfit one batch first": train the model the
 * options describe on one small batch and check that the loss falls close to zero. Exit 0 with PASSED, 1
 * with FAILED and hints. It writes no files.
 */
package dev.vectrain.cli;

import dev.vectrain.nn.Model;
import dev.vectrain.nn.ModelSpec;
import dev.vectrain.train.OverfitReport;
import dev.vectrain.train.Trainer;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vectrain overfit-check}. */
@Command(name = "overfit-check", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {"Overfit one batch first: train the model on a single small batch and check that the loss "
                + "falls to --target × its initial value. A network that cannot do this has a bug (learning rate, "
                + "initialization, labels) that more data will not fix. The rate is a constant --lr (no schedule).",
                "Exit code 0: passed; 1: failed."})
final class OverfitCheckCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    Options.DataOptions data;

    @Mixin
    Options.ModelOptions model;

    @Mixin
    Options.OptimOptions optim;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "32", description = "Rows in the batch (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300", description = "Most steps to try (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--target", paramLabel = "R", defaultValue = "0.02", description = "Pass when the loss falls to R × "
            + "the initial loss (default: ${DEFAULT-VALUE}).")
    double target;

    @Mixin
    Options.RunOptions run;

    @Override
    public Integer call() throws Exception {
        model.validate();
        optim.validate();
        if (rows <= 0 || steps <= 0 || !(target > 0 && target < 1)) {
            throw new CliException("--rows and --steps must be positive and --target in (0, 1)");
        }
        Progress progress = Progress.create(main.out, run.quiet, true);
        Workbench.Prepared p = Workbench.prepare(data, 0, run.seed, null, progress);
        int n = Math.min(rows, p.train().rows());
        ModelSpec spec = model.spec(p.train().featureCount(), p.train().classes());
        Model m = Heap.building(spec, n, () -> Model.create(spec, run.seed));
        if (model.dropout > 0 || (optim.weightDecay != null && optim.weightDecay > 0)) {
            progress.info("note: dropout / weight decay are on; they make overfitting one batch harder");
        }
        try (Trainer t = Trainer.builder(m).optimizer(optim.optimizer()).learningRate(optim.lr)
                .clipping(optim.clipping()).batchSize(n).seed(run.seed).threads(run.threads()).build()) {
            OverfitReport r = t.overfitOneBatch(p.train(), n, steps, target);
            main.out.printf(Locale.ROOT, "overfit-check on %d rows with %s (%s, constant lr %s):%n", n, m.spec(), optim.optimizer(), optim.lr);
            main.out.println(r.message());
            return r.passed() ? Main.EXIT_OK : Main.EXIT_FAILED;
        }
    }
}
