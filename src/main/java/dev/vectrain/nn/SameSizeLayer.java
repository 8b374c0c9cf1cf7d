/*
 * SameSizeLayer: the bookkeeping of layers whose output row has as many features as the input row
 * (activations, batch/layer norm, dropout). It is not a layer by itself and holds no buffers.
 */
package dev.vectrain.nn;

/** A layer with {@code inputSize() == outputSize() == n}, bound to at most {@code maxBatch} rows. */
abstract class SameSizeLayer extends Layer {
    /** Features per row, in and out. */
    protected final int n;
    /** Largest batch the subclass's buffers hold. */
    protected final int maxBatch;

    SameSizeLayer(int n, int maxBatch) {
        this.n = n;
        this.maxBatch = maxBatch;
    }

    @Override
    public final int inputSize() {
        return n;
    }

    @Override
    public final int outputSize() {
        return n;
    }

    @Override
    public final int maxBatch() {
        return maxBatch;
    }
}
