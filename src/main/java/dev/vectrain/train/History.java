/*
 * History: the per-epoch record of a training run in primitive columns (train loss, validation loss and
 * accuracy, learning rate, mean gradient norm, seconds, samples per second, skipped steps), with CSV
 * output. It grows only at epoch ends. It is not a logger and not thread-safe.
 */
package dev.vectrain.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** One row per completed epoch; values are NaN where not measured (e.g. no validation set). */
public final class History {
    /** The recorded columns, in CSV order. */
    public enum Column {
        /** Mean training loss over the epoch's samples. */
        TRAIN_LOSS,
        /** Validation loss at the epoch's end. */
        VAL_LOSS,
        /** Validation accuracy at the epoch's end (NaN for MSE). */
        VAL_ACCURACY,
        /** Learning rate of the epoch's last step. */
        LEARNING_RATE,
        /** Mean pre-clip global gradient norm over the epoch's applied steps. */
        GRAD_NORM,
        /** Wall-clock seconds of the epoch's training steps (validation excluded). */
        SECONDS,
        /** Training samples per second. */
        SAMPLES_PER_SECOND,
        /** Steps skipped in the epoch because of a non-finite gradient. */
        SKIPPED_STEPS;

        /** CSV header name, e.g. {@code train_loss}. */
        public String header() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int COLUMNS = Column.values().length;
    private double[][] data;     // (COLUMNS, capacity)
    private int epochs;

    /** An empty history. */
    public History() {
        this.data = new double[COLUMNS][16];
    }

    /** A history holding {@code columns} (one array per {@link Column}, equal lengths), e.g. from a checkpoint. */
    public static History fromColumns(double[][] columns) {
        if (columns.length != COLUMNS) {
            throw new IllegalArgumentException("expected " + COLUMNS + " columns, found " + columns.length);
        }
        History h = new History();
        int n = columns[0].length;
        h.data = new double[COLUMNS][Math.max(16, n)];
        for (int c = 0; c < COLUMNS; c++) {
            if (columns[c].length != n) {
                throw new IllegalArgumentException("column " + Column.values()[c] + " has " + columns[c].length
                        + " rows, expected " + n);
            }
            System.arraycopy(columns[c], 0, h.data[c], 0, n);
        }
        h.epochs = n;
        return h;
    }

    /** Appends one epoch's row. */
    void add(double trainLoss, double valLoss, double valAccuracy, double lr, double gradNorm, double seconds,
             double samplesPerSecond, long skipped) {
        if (epochs == data[0].length) {
            for (int c = 0; c < COLUMNS; c++) {
                data[c] = Arrays.copyOf(data[c], epochs * 2);
            }
        }
        double[] row = {trainLoss, valLoss, valAccuracy, lr, gradNorm, seconds, samplesPerSecond, skipped};
        for (int c = 0; c < COLUMNS; c++) {
            data[c][epochs] = row[c];
        }
        epochs++;
    }

    /** Makes this history a copy of {@code other} (used when a trainer is restored). */
    void replaceWith(History other) {
        this.data = other.data;
        this.epochs = other.epochs;
    }

    /** Number of recorded epochs. */
    public int epochs() {
        return epochs;
    }

    /** Value of {@code column} at {@code epoch} (0-based). */
    public double get(Column column, int epoch) {
        if (epoch < 0 || epoch >= epochs) {
            throw new IndexOutOfBoundsException("epoch " + epoch + " not in [0, " + epochs + ")");
        }
        return data[column.ordinal()][epoch];
    }

    /** Mean training loss of {@code epoch}. */
    public double trainLoss(int epoch) {
        return get(Column.TRAIN_LOSS, epoch);
    }

    /** Validation loss of {@code epoch}. */
    public double valLoss(int epoch) {
        return get(Column.VAL_LOSS, epoch);
    }

    /** Validation accuracy of {@code epoch}. */
    public double valAccuracy(int epoch) {
        return get(Column.VAL_ACCURACY, epoch);
    }

    /** Learning rate at the end of {@code epoch}. */
    public double learningRate(int epoch) {
        return get(Column.LEARNING_RATE, epoch);
    }

    /** Mean gradient norm of {@code epoch}. */
    public double gradNorm(int epoch) {
        return get(Column.GRAD_NORM, epoch);
    }

    /** Seconds of {@code epoch}. */
    public double seconds(int epoch) {
        return get(Column.SECONDS, epoch);
    }

    /** Samples per second of {@code epoch}. */
    public double samplesPerSecond(int epoch) {
        return get(Column.SAMPLES_PER_SECOND, epoch);
    }

    /** A copy of one column, length {@link #epochs()}. */
    public double[] column(Column column) {
        return Arrays.copyOf(data[column.ordinal()], epochs);
    }

    /** Copies of all columns in {@link Column} order (for checkpoints). */
    public double[][] columns() {
        double[][] out = new double[COLUMNS][];
        for (Column c : Column.values()) {
            out[c.ordinal()] = column(c);
        }
        return out;
    }

    /** A deep copy. */
    public History copy() {
        return fromColumns(columns());
    }

    /** Writes {@code epoch,train_loss,...} with one row per epoch. */
    public void writeCsv(Appendable out) throws IOException {
        out.append("epoch");
        for (Column c : Column.values()) {
            out.append(',').append(c.header());
        }
        out.append('\n');
        for (int e = 0; e < epochs; e++) {
            out.append(Integer.toString(e + 1));
            for (Column c : Column.values()) {
                double v = data[c.ordinal()][e];
                out.append(',');
                if (c == Column.SKIPPED_STEPS) {
                    out.append(Long.toString((long) v));
                } else if (!Double.isNaN(v)) {
                    out.append(Double.toString(v));
                }
            }
            out.append('\n');
        }
    }

    /** Writes the CSV to {@code file} (UTF-8, replacing it). */
    public void writeCsv(Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writeCsv(w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history to " + file, e);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        try {
            writeCsv(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }
}
