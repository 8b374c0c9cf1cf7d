/*
 * EvalCommand: `vectrain eval --model CKPT [--data ...]` — loss, accuracy and the confusion matrix of a saved
 * model on labelled data (default: the default data's test set), standardized with the checkpoint's own
 * standardizer.
 */
package dev.vectrain.cli;

import dev.vectrain.data.DataSources;
import dev.vectrain.data.Dataset;
import dev.vectrain.data.Standardizer;
import dev.vectrain.io.Checkpoint;
import dev.vectrain.io.CheckpointException;
import dev.vectrain.loss.Loss;
import dev.vectrain.nn.Model;
import dev.vectrain.nn.ModelSpec;
import dev.vectrain.train.Evaluation;
import dev.vectrain.train.Predictor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vectrain eval}. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = "Evaluate a saved model: loss, accuracy and confusion matrix on labelled data.")
final class EvalCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--model", paramLabel = "CKPT", required = true, description = "The model checkpoint (model.ckpt).")
    Path model;

    @Option(names = "--data", paramLabel = "DIR|FILE", description = "Labelled data: an IDX directory (its t10k-* "
            + "test files), an IDX image file, a CSV file, or a directory with test.csv. Default: the default data's test set.")
    Path data;

    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "CSV label column (default: 'label', else column 0).")
    String labelColumn;

    @Option(names = "--debug", description = "Print stack traces on errors.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        Loaded m = load(model);
        Dataset d;
        if (data == null) {
            DataSources.Loaded def = DataSources.load(null, null, dev.vectrain.data.CsvReader.Options.defaults(), 0);
            if (def.bundled()) {
                main.out.println("data: using the bundled sample: " + def.description());
            }
            d = def.test();
        } else {
            d = DataSources.loadLabelled(data, dev.vectrain.data.CsvReader.Options.defaults().withLabelColumn(labelColumn),
                    m.model.outputSize());
        }
        checkWidth(model, m, d.featureCount());
        if (d.classes() != m.model.outputSize()) {
            d = d.withClasses(m.model.outputSize());
        }
        d = d.standardized(m.standardizer);
        int k = m.model.outputSize();
        long[][] confusion = new long[k][k];
        Evaluation e;
        try (Predictor p = Predictor.of(m.model, Loss.softmaxCrossEntropy(), 512)) {
            e = p.evaluate(d);
            int[] pred = new int[d.rows()];
            p.predictClasses(d, pred, 0);
            for (int i = 0; i < d.rows(); i++) {
                confusion[d.labels()[i]][pred[i]]++;
            }
        }
        main.out.printf(Locale.ROOT, "model: %s%n", model);
        main.out.printf(Locale.ROOT, "rows: %,d%nloss: %.4f%naccuracy: %.2f%%%n", e.rows(), e.loss(), 100 * e.accuracy());
        main.out.println("confusion matrix (rows: true class, columns: predicted class):");
        printConfusion(confusion, m.classNames);
        return Main.EXIT_OK;
    }

    private void printConfusion(long[][] c, List<String> names) {
        int k = c.length;
        int w = 6;
        for (long[] row : c) {
            for (long v : row) {
                w = Math.max(w, Long.toString(v).length() + 1);
            }
        }
        int nameW = 4;
        for (int i = 0; i < k; i++) {
            nameW = Math.max(nameW, label(names, i).length());
        }
        StringBuilder head = new StringBuilder(" ".repeat(nameW + 2));
        for (int j = 0; j < k; j++) {
            head.append(String.format("%" + w + "d", j));
        }
        main.out.println(head.append("   recall"));
        for (int i = 0; i < k; i++) {
            StringBuilder line = new StringBuilder(String.format("%-" + nameW + "s  ", label(names, i)));
            long total = 0;
            for (int j = 0; j < k; j++) {
                line.append(String.format("%" + w + "d", c[i][j]));
                total += c[i][j];
            }
            line.append(total == 0 ? "        -" : String.format(Locale.ROOT, "  %6.2f%%", 100.0 * c[i][i] / total));
            main.out.println(line);
        }
    }

    private static String label(List<String> names, int i) {
        return names != null && i < names.size() ? i + " " + names.get(i) : Integer.toString(i);
    }

    /** A model loaded from a checkpoint for inference. */
    record Loaded(Model model, Standardizer standardizer, List<String> classNames) {
    }

    static Loaded load(Path file) throws java.io.IOException {
        Checkpoint c = Checkpoint.read(file);
        if (!c.has(Checkpoint.ARCHITECTURE) || !c.has(Checkpoint.PARAMETERS)) {
            throw new CheckpointException(file + ": the checkpoint has no model (architecture and parameters)");
        }
        Model m;
        try {
            ModelSpec spec = ModelSpec.parse(c.string(Checkpoint.ARCHITECTURE));
            m = Model.restore(spec, c.floats(Checkpoint.PARAMETERS),
                    c.has(ModelCheckpoint.MODEL_STATE) ? c.floats(ModelCheckpoint.MODEL_STATE) : new float[0]);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": cannot rebuild the model: " + e.getMessage());
        }
        return new Loaded(m, ModelCheckpoint.standardizer(file, c), ModelCheckpoint.classNames(c));
    }

    static void checkWidth(Path file, Loaded m, int features) {
        if (features != m.model().inputSize()) {
            throw new CliException("the data has " + features + " features per row but the model in " + file
                    + " takes " + m.model().inputSize());
        }
    }
}
