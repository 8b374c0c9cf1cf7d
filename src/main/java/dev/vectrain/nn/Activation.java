/*
 * Activation: an elementwise nonlinearity layer (ReLU, LeakyReLU, Sigmoid, Tanh, GELU) over the
 * Activations kernels, run on all of the pool's threads for large batches (ParallelActivations). It has no
 * parameters; it owns its output buffer and computes the input gradient in place in the dOut it is handed
 * (one buffer fewer to stream through the cache). It is not fused into Dense
 * (kept separate so each piece is tested on its own).
 */
package dev.vectrain.nn;

import dev.vectrain.kernel.ParallelActivations;
import dev.vectrain.kernel.ParallelActivations.Function;
import dev.vectrain.parallel.WorkerPool;

/** Elementwise activation layer. */
public final class Activation extends SameSizeLayer {
    /** The supported functions. */
    public enum Kind {
        /** max(0, x). */
        RELU,
        /** x for x &gt; 0, αx otherwise. */
        LEAKY_RELU,
        /** 1/(1+e^−x). */
        SIGMOID,
        /** tanh x. */
        TANH,
        /** GELU, tanh approximation. */
        GELU;

        /** True for the ReLU family (He initialization fits the layer before). */
        public boolean reluFamily() {
            return this == RELU || this == LEAKY_RELU || this == GELU;
        }
    }

    private final Kind kind;
    private final Function function;
    private final float alpha;
    private final float[] y;     // (maxBatch, n)
    private float[] x;           // (rows, n) input of the last forward, not owned
    private int xOff;

    /** An activation of width {@code n}; {@code alpha} is the LeakyReLU slope (ignored otherwise). */
    public Activation(Kind kind, float alpha, int n, int maxBatch) {
        super(n, maxBatch);
        this.kind = kind;
        this.function = switch (kind) {
            case RELU -> Function.RELU;
            case LEAKY_RELU -> Function.LEAKY_RELU;
            case SIGMOID -> Function.SIGMOID;
            case TANH -> Function.TANH;
            case GELU -> Function.GELU;
        };
        this.alpha = alpha;
        this.y = new float[maxBatch * n];
    }

    /** The function. */
    public Kind kind() {
        return kind;
    }

    @Override
    public float[] forward(WorkerPool pool, float[] x, int xOff, int rows) {
        checkRows(rows);
        this.x = x;
        this.xOff = xOff;
        ParallelActivations.forward(pool, function, alpha, rows * n, x, xOff, y, 0);
        return y;
    }

    /** Computes the input gradient in place in {@code dOut} and returns it. */
    @Override
    public float[] backward(WorkerPool pool, float[] dOut, int rows, boolean needInputGrad) {
        checkRows(rows);
        if (!needInputGrad) {
            return null;
        }
        ParallelActivations.backward(pool, function, alpha, rows * n, x, xOff, y, 0, dOut, 0, dOut, 0);
        return dOut;
    }
}
