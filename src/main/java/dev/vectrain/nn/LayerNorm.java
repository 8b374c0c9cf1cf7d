/*
 * LayerNorm: normalization of each row over its features, with learned γ and β (trainable slices).
 * Same computation in training and evaluation. Keeps a reference to its last input (not owned, as Activation
 * does) instead of a normalised copy: backward recomputes it from x, mean and invStd. It is not a kernel: the
 * arithmetic is in dev.vectrain.kernel.LayerNorm.
 */
package dev.vectrain.nn;

import dev.vectrain.parallel.WorkerPool;

/** Layer normalization of width {@code n}. */
public final class LayerNorm extends SameSizeLayer {
    private final Parameters params;
    private final float eps;
    private final int gammaOff;      // (n) in values/grads
    private final int betaOff;       // (n) in values/grads
    private final float[] mean;      // (maxBatch) per-row mean
    private final float[] invStd;    // (maxBatch) per-row 1/√(var+eps)
    private final float[] y;         // (maxBatch, n)
    private final float[] dx;        // (maxBatch, n)
    private final float[] work;      // (2n) backward's scratch
    private float[] x;               // (rows, n) input of the last forward, not owned
    private int xOff;

    /** Binds to γ/β at the given offsets. */
    public LayerNorm(Parameters params, int n, float eps, int gammaOff, int betaOff, int maxBatch) {
        super(n, maxBatch);
        this.params = params;
        this.eps = eps;
        this.gammaOff = gammaOff;
        this.betaOff = betaOff;
        this.mean = new float[maxBatch];
        this.invStd = new float[maxBatch];
        this.y = new float[maxBatch * n];
        this.dx = new float[maxBatch * n];
        this.work = new float[dev.vectrain.kernel.LayerNorm.workLength(n)];
    }

    @Override
    public float[] forward(WorkerPool pool, float[] x, int xOff, int rows) {
        checkRows(rows);
        float[] v = params.values();
        this.x = x;
        this.xOff = xOff;
        dev.vectrain.kernel.LayerNorm.forward(pool, rows, n, x, xOff, v, gammaOff, v, betaOff, eps, mean, invStd, y,
                0);
        return y;
    }

    @Override
    public float[] backward(WorkerPool pool, float[] dOut, int rows, boolean needInputGrad) {
        checkRows(rows);
        float[] g = params.grads();
        dev.vectrain.kernel.LayerNorm.backward(pool, rows, n, dOut, 0, x, xOff, params.values(), gammaOff, mean,
                invStd, work, g, gammaOff, g, betaOff, dx, 0);
        return needInputGrad ? dx : null;
    }
}
