/*
 * Dense: a fully connected layer Y = X·Wᵀ + b with W stored (out, in) row-major in the parameter arena.
 * Forward is Gemm.nt, the weight gradient Gemm.tn (dW += dYᵀ·X), the input gradient Gemm.nn (dX = dY·W),
 * the bias gradient a column sum. It is not an activation and does not choose its initializer (LayerSpec does).
 */
package dev.vectrain.nn;

import dev.vectrain.kernel.Bias;
import dev.vectrain.kernel.Gemm;
import dev.vectrain.kernel.Vec;
import dev.vectrain.parallel.WorkerPool;

/** Fully connected layer bound to an arena: weight slice (out, in), optional bias slice (out). */
public final class Dense extends Layer {
    private final Parameters params;
    private final int in;
    private final int out;
    private final int maxBatch;
    private final int wOff;          // weight (out, in) in params.values()/grads()
    private final int bOff;          // bias (out), or -1 without bias
    private final float[] y;         // (maxBatch, out)
    private final float[] dx;        // (maxBatch, in)
    private float[] x;               // (rows, in) input of the last forward, not owned
    private int xOff;

    /** Binds to the given slices; {@code bOff < 0} means no bias. */
    public Dense(Parameters params, int in, int out, int wOff, int bOff, int maxBatch) {
        this.params = params;
        this.in = in;
        this.out = out;
        this.wOff = wOff;
        this.bOff = bOff;
        this.maxBatch = maxBatch;
        // (maxBatch, out) plus one vector of padding: a masked vector access to the last row's tail then stays
        // inside the array, where the JDK's intrinsic path allocates nothing (past the end it builds a boolean[])
        this.y = new float[maxBatch * out + Vec.LANES];
        this.dx = new float[maxBatch * in];
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    /** Offset of the weight slice in the arena. */
    public int weightOffset() {
        return wOff;
    }

    /** Offset of the bias slice in the arena, or -1. */
    public int biasOffset() {
        return bOff;
    }

    @Override
    public float[] forward(WorkerPool pool, float[] x, int xOff, int rows) {
        checkRows(rows);
        this.x = x;
        this.xOff = xOff;
        float[] w = params.values();
        Gemm.nt(pool, rows, out, in, x, xOff, in, w, wOff, in, y, 0, out, false);
        if (bOff >= 0) {
            Bias.addRows(rows, out, w, bOff, y, 0, out);
        }
        return y;
    }

    @Override
    public float[] backward(WorkerPool pool, float[] dOut, int rows, boolean needInputGrad) {
        checkRows(rows);
        float[] g = params.grads();
        Gemm.tn(pool, out, in, rows, dOut, 0, out, x, xOff, in, g, wOff, in, true);
        if (bOff >= 0) {
            Bias.columnSums(rows, out, dOut, 0, out, g, bOff, true);
        }
        if (!needInputGrad) {
            return null;
        }
        Gemm.nn(pool, rows, in, out, dOut, 0, out, params.values(), wOff, in, dx, 0, in, false);
        return dx;
    }
}
