/*
 * Dropout: inverted dropout. In training mode each activation is kept with probability 1−p and scaled by
 * 1/(1−p), using the layer's own seeded Rng (its state is exportable for checkpoints); in evaluation mode
 * it is the identity; backward scales the dOut it is handed in place. It is not parallel: the mask is drawn serially so results never depend on threads.
 */
package dev.vectrain.nn;

import dev.vectrain.init.Rng;
import dev.vectrain.parallel.WorkerPool;

/** Inverted dropout of width {@code n} with drop probability {@code rate}. */
public final class Dropout extends SameSizeLayer {
    private final float rate;
    private final float keepScale;
    private final Rng rng;
    private final float[] mask;   // (maxBatch, n) 0 or 1/(1−p)
    private final float[] y;      // (maxBatch, n)

    /** Dropout with probability {@code rate} in [0, 1), mask stream seeded with {@code seed}. */
    public Dropout(int n, float rate, long seed, int maxBatch) {
        super(n, maxBatch);
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), found " + rate);
        }
        this.rate = rate;
        this.keepScale = 1f / (1f - rate);
        this.rng = new Rng(seed);
        this.mask = new float[maxBatch * n];
        this.y = new float[maxBatch * n];
    }

    /** The mask generator (its state is part of a training checkpoint). */
    public Rng rng() {
        return rng;
    }

    @Override
    public float[] forward(WorkerPool pool, float[] x, int xOff, int rows) {
        checkRows(rows);
        int len = rows * n;
        if (!isTraining() || rate == 0f) {
            System.arraycopy(x, xOff, y, 0, len);
            return y;
        }
        for (int i = 0; i < len; i++) {
            float m = rng.nextFloat() >= rate ? keepScale : 0f;
            mask[i] = m;
            y[i] = x[xOff + i] * m;
        }
        return y;
    }

    /** Computes the input gradient in place in {@code dOut} and returns it. */
    @Override
    public float[] backward(WorkerPool pool, float[] dOut, int rows, boolean needInputGrad) {
        checkRows(rows);
        if (!needInputGrad) {
            return null;
        }
        if (!isTraining() || rate == 0f) {
            return dOut;
        }
        int len = rows * n;
        for (int i = 0; i < len; i++) {
            dOut[i] *= mask[i];
        }
        return dOut;
    }
}
