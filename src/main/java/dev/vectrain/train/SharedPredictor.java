/*
 * SharedPredictor: a thread-safe inference facade for concurrent callers. Each calling thread gets its own
 * serial Predictor (its own layers, buffers and single-thread pool) on first use; later calls from that
 * thread allocate nothing. It is not a thread pool and shares no mutable buffers between threads.
 */
package dev.vectrain.train;

import dev.vectrain.data.Dataset;
import dev.vectrain.loss.Loss;
import dev.vectrain.nn.Model;

/** Thread-safe predict / evaluate; one private {@link Predictor} per calling thread. */
public final class SharedPredictor {
    private final ThreadLocal<Predictor> perThread;

    /** Predictors for {@code model} with batches of at most {@code maxBatch} rows. */
    public SharedPredictor(Model model, Loss loss, int maxBatch) {
        this.perThread = ThreadLocal.withInitial(() -> Predictor.of(model, loss, maxBatch));
    }

    /** The calling thread's own predictor. */
    public Predictor local() {
        return perThread.get();
    }

    /** See {@link Predictor#predict(float[], int, int, float[], int)}. */
    public void predict(float[] features, int off, int rows, float[] out, int outOff) {
        local().predict(features, off, rows, out, outOff);
    }

    /** See {@link Predictor#predictClasses}. */
    public void predictClasses(float[] features, int off, int rows, int[] out, int outOff) {
        local().predictClasses(features, off, rows, out, outOff);
    }

    /** See {@link Predictor#evaluate(Dataset, Evaluation)}. */
    public Evaluation evaluate(Dataset data, Evaluation into) {
        return local().evaluate(data, into);
    }
}
