/*
 * Updater: the running optimizer. It owns the optimizer's flat state arrays (sized once from the arena),
 * computes the global gradient norm in one deterministic reduction, checks it is finite before touching
 * anything, turns the clipping settings into one scalar, and runs the fused kernel over aligned ranges of
 * the arena on the worker pool. It is not thread-safe and does not own the pool or the parameters.
 */
package dev.vectrain.optim;

import dev.vectrain.kernel.Reductions;
import dev.vectrain.nn.Parameters;
import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;
import java.util.Arrays;
import java.util.Objects;

/**
 * Applies one optimizer step per {@link #step(double)} call to a {@link Parameters} arena using its
 * accumulated gradients. The step counter (which the schedule reads) counts every call, applied or
 * skipped; Adam's bias correction counts applied updates only.
 */
public final class Updater {
    /** Arenas smaller than this run on the calling thread only. */
    private static final int PARALLEL_MIN = 1 << 15;
    /** Range boundaries are multiples of this (a multiple of every vector width). */
    private static final int ALIGN = 64;

    private final Optimizer optimizer;
    private final Clipping clipping;
    private final NonFinitePolicy policy;
    private final Parameters params;
    private final WorkerPool pool;
    private final float[] first;    // (size) momentum velocity or Adam m; empty for SGD
    private final float[] second;   // (size) Adam v; empty otherwise
    private final UpdateTask task = new UpdateTask();
    private long steps;
    private long updates;
    private long skipped;
    private double lastNorm = Double.NaN;
    private boolean lastSkipped;

    /** An updater for {@code params}, running its kernels on {@code pool} (not owned). */
    public Updater(Optimizer optimizer, Clipping clipping, NonFinitePolicy policy, Parameters params, WorkerPool pool) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.clipping = Objects.requireNonNull(clipping, "clipping");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.params = Objects.requireNonNull(params, "params");
        this.pool = Objects.requireNonNull(pool, "pool");
        int n = params.size();
        this.first = new float[optimizer.stateArrays() >= 1 ? n : 0];
        this.second = new float[optimizer.stateArrays() >= 2 ? n : 0];
    }

    /**
     * One update with learning rate {@code lr}: global norm → finite check → gradScale → fused pass.
     *
     * @return the global L2 norm of the gradient before clipping
     * @throws NonFiniteGradientException under {@link NonFinitePolicy#FAIL} when the norm is NaN or ±∞
     *         (nothing was modified; the step counter still advances so the next call is step + 1)
     */
    public double step(double lr) {
        long current = steps++;
        float[] g = params.grads();
        double norm = Reductions.l2Norm(pool, g.length, g, 0);
        lastNorm = norm;
        if (!Double.isFinite(norm)) {
            lastSkipped = true;
            skipped++;
            if (policy == NonFinitePolicy.FAIL) {
                throw new NonFiniteGradientException(current, norm);
            }
            return norm;
        }
        lastSkipped = false;
        updates++;
        prepare((float) lr, (float) clipping.gradScale(norm));
        int n = g.length;
        if (n < PARALLEL_MIN || pool.threads() == 1) {
            task.range(0, n);
        } else {
            pool.execute(task);
        }
        task.w = null;
        task.g = null;
        return norm;
    }

    private void prepare(float lr, float gradScale) {
        UpdateTask t = task;
        t.w = params.values();
        t.g = params.grads();
        t.n = t.w.length;
        t.lr = lr;
        t.gradScale = gradScale;
        t.clip = (float) clipping.maxValue();
        switch (optimizer.kind()) {
            case SGD, MOMENTUM, NESTEROV -> t.l2 = (float) optimizer.weightDecay();
            case ADAM -> {
                t.l2 = (float) optimizer.weightDecay();
                t.decayMul = 1f;
            }
            case ADAMW -> {
                t.l2 = 0f;
                t.decayMul = (float) (1.0 - (double) lr * optimizer.weightDecay());
            }
        }
        if (optimizer.stateArrays() == 2) {
            double bc1 = 1.0 - Math.pow(optimizer.beta1(), updates);
            double bc2 = 1.0 - Math.pow(optimizer.beta2(), updates);
            t.stepSize = (float) (lr / bc1);
            t.invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        }
    }

    /** Update calls so far (applied and skipped); the schedule's step. */
    public long steps() {
        return steps;
    }

    /** Updates actually applied (Adam's t). */
    public long updates() {
        return updates;
    }

    /** Steps skipped because of a non-finite gradient. */
    public long skipped() {
        return skipped;
    }

    /** Pre-clip norm of the last call (NaN before the first). */
    public double lastNorm() {
        return lastNorm;
    }

    /** True when the last call changed nothing. */
    public boolean lastSkipped() {
        return lastSkipped;
    }

    /** The optimizer recipe. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The clipping settings. */
    public Clipping clipping() {
        return clipping;
    }

    /**
     * The state arrays themselves (not copies): {} for SGD, {velocity} for momentum, {m, v} for Adam(W); the next
     * step changes them.
     */
    public float[][] liveState() {
        return switch (optimizer.stateArrays()) {
            case 0 -> new float[0][];
            case 1 -> new float[][] {first};
            default -> new float[][] {first, second};
        };
    }

    /**
     * Copies of the state arrays: {} for SGD, {velocity} for momentum, {m, v} for Adam(W).
     */
    public float[][] exportState() {
        return switch (optimizer.stateArrays()) {
            case 0 -> new float[0][];
            case 1 -> new float[][] {first.clone()};
            default -> new float[][] {first.clone(), second.clone()};
        };
    }

    /** Restores counters and state arrays saved by {@link #exportState()} and the counters' getters. */
    public void restore(long steps, long updates, long skipped, float[][] state) {
        Objects.requireNonNull(state, "state");
        if (state.length != optimizer.stateArrays()) {
            throw new IllegalArgumentException(optimizer.kind() + " keeps " + optimizer.stateArrays()
                    + " state arrays, found " + state.length);
        }
        for (float[] s : state) {
            if (s == null || s.length != params.size()) {
                throw new IllegalArgumentException("optimizer state array must have length " + params.size());
            }
        }
        if (state.length >= 1) {
            System.arraycopy(state[0], 0, first, 0, first.length);
        }
        if (state.length >= 2) {
            System.arraycopy(state[1], 0, second, 0, second.length);
        }
        this.steps = steps;
        this.updates = updates;
        this.skipped = skipped;
    }

    /** Zeroes moments and counters. */
    public void reset() {
        Arrays.fill(first, 0f);
        Arrays.fill(second, 0f);
        steps = 0;
        updates = 0;
        skipped = 0;
    }

    /** Long-lived task whose fields carry the current call's arguments. */
    private final class UpdateTask implements ParallelTask {
        float[] w;
        float[] g;
        int n;
        float lr;
        float gradScale;
        float clip;
        float l2;
        float decayMul;
        float stepSize;
        float invSqrtBc2;

        @Override
        public void run(int worker, int workers) {
            range(Ranges.alignedStart(n, worker, workers, ALIGN), Ranges.alignedEnd(n, worker, workers, ALIGN));
        }

        void range(int from, int to) {
            if (from >= to) {
                return;
            }
            switch (optimizer.kind()) {
                case SGD -> FusedUpdate.sgd(from, to, lr, gradScale, clip, l2, w, g);
                case MOMENTUM -> FusedUpdate.momentum(from, to, lr, gradScale, clip, l2,
                        (float) optimizer.momentum(), false, w, g, first);
                case NESTEROV -> FusedUpdate.momentum(from, to, lr, gradScale, clip, l2,
                        (float) optimizer.momentum(), true, w, g, first);
                case ADAM, ADAMW -> FusedUpdate.adam(from, to, stepSize, gradScale, clip, l2, decayMul,
                        (float) optimizer.beta1(), (float) optimizer.beta2(), (float) optimizer.epsilon(),
                        invSqrtBc2, w, g, first, second);
            }
        }
    }
}
