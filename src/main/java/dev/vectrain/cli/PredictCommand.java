/*
 * PredictCommand: `vectrain predict --model CKPT --input FILE [--output FILE]` — one predicted label and the
 * class probabilities per input row (CSV, or IDX images), as CSV to stdout or to a file written atomically.
 */
package dev.vectrain.cli;

import dev.vectrain.data.CsvReader;
import dev.vectrain.data.DataSources;
import dev.vectrain.io.AtomicFiles;
import dev.vectrain.loss.Loss;
import dev.vectrain.train.Predictor;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vectrain predict}. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = "Predict with a saved model: one line per input row with the label and the class probabilities.")
final class PredictCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--model", paramLabel = "CKPT", required = true, description = "The model checkpoint (model.ckpt).")
    Path model;

    @Option(names = "--input", paramLabel = "FILE", required = true, description = "Rows to predict: a CSV file of "
            + "features (a column named 'label' is ignored) or an IDX image file (.gz or plain).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the CSV here instead of stdout.")
    Path output;

    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "A CSV column to ignore as the label.")
    String labelColumn;

    @Option(names = "--debug", description = "Print stack traces on errors.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        EvalCommand.Loaded m = EvalCommand.load(model);
        CsvReader.Table t = DataSources.loadFeatures(input, CsvReader.Options.defaults().withLabelColumn(labelColumn));
        EvalCommand.checkWidth(model, m, t.featureCount());
        m.standardizer().apply(t.features(), t.rows(), t.featureCount());
        int k = m.model().outputSize();
        StringBuilder b = new StringBuilder("row,label");
        if (m.classNames() != null) {
            b.append(",name");
        }
        for (int j = 0; j < k; j++) {
            b.append(",p").append(j);
        }
        b.append('\n');
        float[] logits = new float[t.rows() * k];
        try (Predictor p = Predictor.of(m.model(), Loss.softmaxCrossEntropy(), 512)) {
            p.predict(t.features(), 0, t.rows(), logits, 0);
        }
        double[] prob = new double[k];
        for (int i = 0; i < t.rows(); i++) {
            int best = softmax(logits, i * k, k, prob);
            b.append(i).append(',').append(best);
            if (m.classNames() != null) {
                b.append(',').append(best < m.classNames().size() ? m.classNames().get(best).replace(",", " ") : "");
            }
            for (int j = 0; j < k; j++) {
                b.append(',').append(String.format(Locale.ROOT, "%.6f", prob[j]));
            }
            b.append('\n');
        }
        if (output != null) {
            AtomicFiles.writeString(output, b.toString());
            main.err.printf(Locale.ROOT, "wrote %,d predictions to %s%n", t.rows(), output);
        } else {
            main.out.print(b);
            main.out.flush();
        }
        return Main.EXIT_OK;
    }

    /** Softmax of one row into {@code prob}; returns the argmax (first max wins). */
    private static int softmax(float[] z, int off, int k, double[] prob) {
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            if (z[off + j] > max) {
                max = z[off + j];
                best = j;
            }
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            prob[j] = Math.exp(z[off + j] - max);
            sum += prob[j];
        }
        for (int j = 0; j < k; j++) {
            prob[j] /= sum;
        }
        return best;
    }
}
