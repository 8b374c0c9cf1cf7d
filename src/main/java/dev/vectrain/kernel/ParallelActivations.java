/*
 * ParallelActivations: the Activations kernels run over a WorkerPool. [0, n) is split into one contiguous
 * range per thread, boundaries at multiples of 64 floats so that each thread writes whole cache lines of its
 * own. The kernels put every element through the same arithmetic wherever it lies (masked tails, no scalar
 * loop), so results are bitwise those of Activations for any pool size. Below a size threshold (lower for the
 * transcendental functions than for ReLU), on a one-thread pool or with no pool, the caller runs the kernel
 * alone. It is not a layer: no buffers; its
 * one per-pool task carries the current call's arguments and is cleared after it.
 */
package dev.vectrain.kernel;

import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;

/** Activation forward and backward on all of a pool's threads. */
public final class ParallelActivations {
    /** The functions of {@link Activations}. */
    public enum Function {
        /** max(0, x); backward reads x. */
        RELU,
        /** x for x &gt; 0, alpha·x otherwise; backward reads x. */
        LEAKY_RELU,
        /** 1/(1+e^−x); backward reads y. */
        SIGMOID,
        /** tanh x; backward reads y. */
        TANH,
        /** GELU, tanh approximation; backward reads x. */
        GELU;

        /** True for the functions whose cost is memory traffic, not arithmetic (ReLU and leaky ReLU). */
        boolean cheap() {
            return this == RELU || this == LEAKY_RELU;
        }

        /** True when the backward pass reads the forward output y rather than the input x. */
        public boolean backwardReadsOutput() {
            return this == SIGMOID || this == TANH;
        }
    }

    /**
     * Below this many elements a transcendental function (sigmoid, tanh, GELU) runs on the caller's thread
     * only: at 32K floats it takes about 10 µs on one thread, several times a dispatch to spinning workers.
     */
    static final int PARALLEL_THRESHOLD = 1 << 15;
    /**
     * The same for ReLU and leaky ReLU, which run at cache bandwidth: split only beyond L2 (256K floats, 1 MB
     * per array), so a training step's activations (128 x 512 floats) stay on the caller as before.
     */
    static final int PARALLEL_THRESHOLD_CHEAP = 1 << 18;
    /** Range boundaries are multiples of this many floats (256 bytes: whole cache lines, whole vectors). */
    private static final int ALIGN = 64;

    private static final WorkerPool.Key<Task> TASK = new WorkerPool.Key<>(p -> new Task());

    private ParallelActivations() {
    }

    private static boolean parallel(WorkerPool pool, Function f, int n) {
        return pool != null && pool.threads() > 1 && n >= (f.cheap() ? PARALLEL_THRESHOLD_CHEAP : PARALLEL_THRESHOLD);
    }

    /**
     * {@code y = f(x)} over n elements; alpha is the leaky ReLU slope (ignored otherwise). pool may be null.
     * x and y may be the same slice.
     */
    public static void forward(WorkerPool pool, Function f, float alpha, int n, float[] x, int xOff, float[] y,
            int yOff) {
        if (!parallel(pool, f, n)) {
            forwardRange(f, alpha, n, x, xOff, y, yOff);
            return;
        }
        Check.range("x", x, xOff, n);
        Check.range("y", y, yOff, n);
        pool.resource(TASK).run(pool, f, false, alpha, n, x, xOff, y, yOff, null, 0, null, 0);
    }

    /**
     * {@code dx = f'(·)·dy} over n elements, reading x or y as {@link Function#backwardReadsOutput} says (the
     * other may be null). dy and dx may be the same slice. pool may be null.
     */
    public static void backward(WorkerPool pool, Function f, float alpha, int n, float[] x, int xOff, float[] y,
            int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        if (!parallel(pool, f, n)) {
            backwardRange(f, alpha, n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
            return;
        }
        if (f.backwardReadsOutput()) {
            Check.range("y", y, yOff, n);
        } else {
            Check.range("x", x, xOff, n);
        }
        Check.range("dy", dy, dyOff, n);
        Check.range("dx", dx, dxOff, n);
        pool.resource(TASK).run(pool, f, true, alpha, n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
    }

    private static void forwardRange(Function f, float alpha, int n, float[] x, int xOff, float[] y, int yOff) {
        switch (f) {
            case RELU -> Activations.reluForward(n, x, xOff, y, yOff);
            case LEAKY_RELU -> Activations.leakyReluForward(n, alpha, x, xOff, y, yOff);
            case SIGMOID -> Activations.sigmoidForward(n, x, xOff, y, yOff);
            case TANH -> Activations.tanhForward(n, x, xOff, y, yOff);
            case GELU -> Activations.geluForward(n, x, xOff, y, yOff);
        }
    }

    private static void backwardRange(Function f, float alpha, int n, float[] x, int xOff, float[] y, int yOff,
            float[] dy, int dyOff, float[] dx, int dxOff) {
        switch (f) {
            case RELU -> Activations.reluBackward(n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
            case LEAKY_RELU -> Activations.leakyReluBackward(n, alpha, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
            case SIGMOID -> Activations.sigmoidBackward(n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
            case TANH -> Activations.tanhBackward(n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
            case GELU -> Activations.geluBackward(n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
        }
    }

    /** The per-pool task: the call's arguments in fields, one aligned range per thread. */
    private static final class Task implements ParallelTask {
        private Function f;
        private boolean backward;
        private float alpha;
        private int n;
        private float[] x;
        private int xOff;
        private float[] y;
        private int yOff;
        private float[] dy;
        private int dyOff;
        private float[] dx;
        private int dxOff;

        void run(WorkerPool pool, Function f, boolean backward, float alpha, int n, float[] x, int xOff, float[] y,
                int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
            pool.claim();
            try {
                this.f = f;
                this.backward = backward;
                this.alpha = alpha;
                this.n = n;
                this.x = x;
                this.xOff = xOff;
                this.y = y;
                this.yOff = yOff;
                this.dy = dy;
                this.dyOff = dyOff;
                this.dx = dx;
                this.dxOff = dxOff;
                pool.execute(this);
            } finally {
                this.x = null;
                this.y = null;
                this.dy = null;
                this.dx = null;
                pool.release();
            }
        }

        @Override
        public void run(int worker, int workers) {
            int from = Ranges.alignedStart(n, worker, workers, ALIGN);
            int to = Ranges.alignedEnd(n, worker, workers, ALIGN);
            if (from >= to) {
                return;
            }
            if (backward) {
                backwardRange(f, alpha, to - from, x, xOff + from, y, yOff + from, dy, dyOff + from, dx,
                        dxOff + from);
            } else {
                forwardRange(f, alpha, to - from, x, xOff + from, y, yOff + from);
            }
        }
    }
}
