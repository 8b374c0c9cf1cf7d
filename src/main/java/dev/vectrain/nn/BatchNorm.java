/*
 * BatchNorm: batch normalization over the batch dimension, per feature, with learned scale γ and shift β
 * (trainable slices) and running mean/variance (state slices, PyTorch momentum convention). Training mode
 * normalizes with batch statistics and updates the running ones; evaluation mode uses the running ones.
 * Keeps a reference to its last training input (not owned, as LayerNorm does) instead of a normalised copy:
 * backward recomputes it from x, mean and invStd. It is not a kernel: the arithmetic is in
 * dev.vectrain.kernel.BatchNorm.
 */
package dev.vectrain.nn;

import dev.vectrain.parallel.WorkerPool;

/** Batch normalization layer of width {@code n}. */
public final class BatchNorm extends SameSizeLayer {
    private final Parameters params;
    private final float momentum;
    private final float eps;
    private final int gammaOff;      // (n) in values/grads
    private final int betaOff;       // (n) in values/grads
    private final int runMeanOff;    // (n) in state
    private final int runVarOff;     // (n) in state
    private final float[] mean;      // (n) batch mean of the last training forward
    private final float[] invStd;    // (n) 1/√(var+eps) of the last training forward
    private final float[] work;      // (4, n) scratch of the training forward and backward
    private final float[] y;         // (maxBatch, n)
    private final float[] dx;        // (maxBatch, n)
    private float[] x;               // (rows, n) input of the last training forward, not owned; null before one
    private int xOff;

    /** Binds to γ/β at {@code gammaOff}/{@code betaOff} and running stats at the given state offsets. */
    public BatchNorm(Parameters params, int n, float momentum, float eps, int gammaOff, int betaOff,
                     int runMeanOff, int runVarOff, int maxBatch) {
        super(n, maxBatch);
        this.params = params;
        this.momentum = momentum;
        this.eps = eps;
        this.gammaOff = gammaOff;
        this.betaOff = betaOff;
        this.runMeanOff = runMeanOff;
        this.runVarOff = runVarOff;
        this.mean = new float[n];
        this.invStd = new float[n];
        this.work = new float[dev.vectrain.kernel.BatchNorm.workLength(n)];
        this.y = new float[maxBatch * n];
        this.dx = new float[maxBatch * n];
    }

    @Override
    public float[] forward(WorkerPool pool, float[] x, int xOff, int rows) {
        checkRows(rows);
        float[] v = params.values();
        float[] s = params.state();
        if (isTraining()) {
            this.x = x;
            this.xOff = xOff;
            dev.vectrain.kernel.BatchNorm.forwardTrain(pool, rows, n, x, xOff, v, gammaOff, v, betaOff, eps,
                    momentum, s, runMeanOff, s, runVarOff, mean, invStd, work, y, 0);
        } else {
            dev.vectrain.kernel.BatchNorm.forwardInference(pool, rows, n, x, xOff, v, gammaOff, v, betaOff, eps,
                    s, runMeanOff, s, runVarOff, y, 0);
        }
        return y;
    }

    @Override
    public float[] backward(WorkerPool pool, float[] dOut, int rows, boolean needInputGrad) {
        checkRows(rows);
        if (!isTraining() || x == null) {
            throw new IllegalStateException("BatchNorm.backward needs a training-mode forward");
        }
        float[] g = params.grads();
        dev.vectrain.kernel.BatchNorm.backward(pool, rows, n, dOut, 0, x, xOff, params.values(), gammaOff, mean,
                invStd, work, g, gammaOff, g, betaOff, dx, 0);
        return needInputGrad ? dx : null;
    }
}
