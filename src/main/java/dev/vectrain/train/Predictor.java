/*
 * Predictor: an inference handle — its own chain of layers in evaluation mode bound to a model's
 * parameters, its own input/output/scratch buffers and its own pool (serial unless the trainer lends its pool).
 * One thread uses one Predictor; concurrent callers each make their own (or use SharedPredictor).
 * Prediction and evaluation allocate nothing. It does not train and never writes the parameters.
 */
package dev.vectrain.train;

import dev.vectrain.data.Dataset;
import dev.vectrain.kernel.Reductions;
import dev.vectrain.kernel.Vec;
import dev.vectrain.loss.Loss;
import dev.vectrain.nn.Model;
import dev.vectrain.nn.Sequential;
import dev.vectrain.parallel.WorkerPool;
import java.util.Objects;

/**
 * Per-thread inference: predict, classify, evaluate in batches of at most {@link #maxBatch()} rows.
 * It reads the model's live parameters: results taken while a trainer updates the same model mix weights
 * of different steps, so predict after training (or on a {@code Model.restore} copy) for stable answers.
 */
public final class Predictor implements AutoCloseable {
    private final Model model;
    private final Loss loss;
    private final WorkerPool pool;
    private final boolean ownsPool;
    private final Sequential net;
    private final int width;
    private final float[] input;     // (maxBatch, inputSize) rows of a Dataset, as read for evaluation
    private final float[] scratch;   // (maxBatch, width) loss scratch
    private final int[] classes;     // (maxBatch) argmax per row

    Predictor(Model model, Loss loss, int maxBatch, WorkerPool pool, boolean ownsPool) {
        this.model = Objects.requireNonNull(model, "model");
        this.loss = Objects.requireNonNull(loss, "loss");
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.net = model.newNetwork(maxBatch, 0L);
        this.net.setTraining(false);
        this.width = model.outputSize();
        this.input = new float[maxBatch * model.inputSize()];
        this.scratch = new float[maxBatch * width + Vec.LANES];   // (maxBatch, width) + one vector: see Dense.y
        this.classes = new int[maxBatch];
    }

    /** A serial (single-thread, no worker threads) predictor for {@code model} with batches up to {@code maxBatch}. */
    public static Predictor of(Model model, Loss loss, int maxBatch) {
        return new Predictor(model, loss, maxBatch, new WorkerPool(1), true);
    }

    /** Largest batch per call. */
    public int maxBatch() {
        return net.maxBatch();
    }

    /**
     * Model outputs (logits for classification) of {@code rows ≤ maxBatch()} rows at {@code features[off...]}.
     *
     * @return this predictor's own buffer, rows × outputSize at offset 0, valid until the next call
     */
    public float[] predict(float[] features, int off, int rows) {
        return net.forward(pool, features, off, rows);
    }

    /** Copies the outputs of {@code rows} rows (any number, processed in batches) into {@code out[outOff...]}. */
    public void predict(float[] features, int off, int rows, float[] out, int outOff) {
        int in = model.inputSize();
        for (int r = 0; r < rows; r += maxBatch()) {
            int b = Math.min(maxBatch(), rows - r);
            float[] y = net.forward(pool, features, off + r * in, b);
            System.arraycopy(y, 0, out, outOff + r * width, b * width);
        }
    }

    /** Argmax class of each of {@code rows} rows (any number) into {@code out[outOff...]}. */
    public void predictClasses(float[] features, int off, int rows, int[] out, int outOff) {
        int in = model.inputSize();
        for (int r = 0; r < rows; r += maxBatch()) {
            int b = Math.min(maxBatch(), rows - r);
            float[] y = net.forward(pool, features, off + r * in, b);
            Reductions.argmaxRows(b, width, y, 0, out, outOff + r);
        }
    }

    /**
     * Argmax class of every row of {@code data} into {@code out[outOff...]} (features read, and standardized when
     * the dataset is, batch by batch into this predictor's own buffer).
     */
    public void predictClasses(Dataset data, int[] out, int outOff) {
        if (data.featureCount() != model.inputSize()) {
            throw new IllegalArgumentException("data has " + data.featureCount() + " features, the model takes "
                    + model.inputSize());
        }
        int n = data.rows();
        for (int r = 0; r < n; r += maxBatch()) {
            int b = Math.min(maxBatch(), n - r);
            data.copyRows(r, b, input, 0);
            float[] y = net.forward(pool, input, 0, b);
            Reductions.argmaxRows(b, width, y, 0, out, outOff + r);
        }
    }

    /** Mean loss and accuracy over {@code data}, written into {@code into} (returned). Allocates nothing. */
    public Evaluation evaluate(Dataset data, Evaluation into) {
        Trainer.checkData(model, loss, data, "data");
        int n = data.rows();
        int tw = data.targetCount();
        double lossSum = 0;
        long correct = 0;
        for (int r = 0; r < n; r += maxBatch()) {
            int b = Math.min(maxBatch(), n - r);
            data.copyRows(r, b, input, 0);
            float[] y = net.forward(pool, input, 0, b);
            lossSum += b * loss.forward(b, width, y, 0, data.labels(), r, data.targets(), r * tw, scratch);
            correct += countCorrect(y, b, data, r);
        }
        double acc = loss == Loss.mse() ? Double.NaN
                : (double) correct / ((long) n * (loss.usesLabels() ? 1 : width));
        into.set(n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : acc, n);
        return into;
    }

    /** Like {@link #evaluate(Dataset, Evaluation)} into a new result. */
    public Evaluation evaluate(Dataset data) {
        return evaluate(data, new Evaluation());
    }

    private long countCorrect(float[] y, int b, Dataset data, int r0) {
        long c = 0;
        if (loss.usesLabels()) {
            Reductions.argmaxRows(b, width, y, 0, classes, 0);
            int[] labels = data.labels();
            for (int i = 0; i < b; i++) {
                if (classes[i] == labels[r0 + i]) {
                    c++;
                }
            }
        } else if (loss != Loss.mse()) {
            float[] t = data.targets();
            int base = r0 * width;
            for (int i = 0; i < b * width; i++) {
                if ((y[i] > 0f) == (t[base + i] >= 0.5f)) {
                    c++;
                }
            }
        }
        return c;
    }

    /** Closes the pool when this predictor owns it. */
    @Override
    public void close() {
        if (ownsPool) {
            pool.close();
        }
    }
}
