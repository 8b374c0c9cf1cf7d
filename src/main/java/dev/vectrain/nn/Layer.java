/*
 * Layer: the contract every network layer follows. A layer owns its output and input-gradient buffers,
 * allocated once for a maximum batch when it is bound; forward returns its own output buffer (offset 0,
 * row stride outputSize()), backward accumulates parameter gradients into the arena and returns the input
 * gradient: its own buffer, or the dOut it was handed when the gradient is element-wise in it (activations,
 * dropout compute it in place). It is not a description (LayerSpec is) and never allocates after construction.
 */
package dev.vectrain.nn;

import dev.vectrain.parallel.WorkerPool;

/**
 * A layer bound to a {@link Parameters} arena and to buffers for at most {@link #maxBatch()} rows.
 * Not thread-safe: one thread drives one layer instance. A smaller batch reuses the buffers with fewer rows.
 */
public abstract class Layer {
    private boolean training = true;

    /** Features per input row. */
    public abstract int inputSize();

    /** Features per output row. */
    public abstract int outputSize();

    /** Largest batch the buffers hold. */
    public abstract int maxBatch();

    /**
     * Computes the output for {@code rows} input rows stored row-major at {@code x[xOff...]} with stride
     * {@link #inputSize()}. The layer remembers {@code x} and {@code xOff} for {@link #backward}.
     *
     * @return the layer's own output buffer, rows at offset 0 with stride {@link #outputSize()}
     */
    public abstract float[] forward(WorkerPool pool, float[] x, int xOff, int rows);

    /**
     * Back-propagates {@code dOut} (rows at offset 0, stride {@link #outputSize()}) through the last
     * {@link #forward} call: parameter gradients are ADDED to the arena's gradients. The caller hands
     * {@code dOut} over: a layer may overwrite it, so its contents are unspecified after the call.
     *
     * @param needInputGrad false lets the first layer skip computing the input gradient
     * @return the input gradient (rows at offset 0, stride {@link #inputSize()}) in the layer's own buffer
     *         or in {@code dOut} itself, or null
     *         when {@code needInputGrad} is false and the layer skipped it
     */
    public abstract float[] backward(WorkerPool pool, float[] dOut, int rows, boolean needInputGrad);

    /** Switches between training (batch statistics, dropout on) and evaluation behaviour. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** True in training mode (the default). */
    public boolean isTraining() {
        return training;
    }

    /** Checks a batch size against the buffers. */
    protected final void checkRows(int rows) {
        if (rows < 0 || rows > maxBatch()) {
            throw new IllegalArgumentException("rows must be in [0, " + maxBatch() + "], found " + rows);
        }
    }
}
