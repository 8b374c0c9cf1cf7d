/*
 * Reductions: sums, dot products, sums of squares, L2 norms and row-wise argmax over float[] slices.
 *
 * Determinism: every reduction cuts its input into fixed chunks of CHUNK floats (independent of the
 * thread count). A chunk is summed in float vector lanes (four independent accumulators), its lanes
 * are added by a fixed pairwise tree (laneSum), and the chunk partials are added in chunk order in
 * double.
 * The pool variants compute the chunk partials in parallel into a per-pool buffer and the caller
 * combines them in the same order, so the result is bitwise identical for any pool size and equal to
 * the sequential result. Horizontal sums never use reduceLanes(ADD), whose order is unspecified (and
 * may differ between the interpreter and compiled code).
 *
 * NaN and ±Inf in the input propagate to the result (no max-based or scaling tricks). The float-lane
 * squares overflow to +Inf for |x| above ~1.8e19 (the result is then +Inf, never a wrong finite value).
 * It is not a loss (see Mse, BceWithLogits, SoftmaxCrossEntropy), though those reuse the chunking.
 */
package dev.vectrain.kernel;

import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** Deterministic reductions; sizes of 0 give 0 (argmaxRows with cols == 0 is refused). */
public final class Reductions {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;
    /** Floats per chunk; a multiple of every species length (4 * 512 bits / 32). */
    static final int CHUNK = 8192;
    /** The lane swaps of laneSum's tree (package-private for kernels that must write the tree inline). */
    static final VectorShuffle<Float> SWAP8 = swap(8);
    static final VectorShuffle<Float> SWAP4 = swap(4);
    static final VectorShuffle<Float> SWAP2 = swap(2);
    static final VectorShuffle<Float> SWAP1 = swap(1);

    private static final WorkerPool.Key<SumSqTask> SUMSQ_TASK = new WorkerPool.Key<>(p -> new SumSqTask());

    private Reductions() {
    }

    // ---------------------------------------------------------------- sequential

    /** Sum of x[off .. off+n), chunked, returned as the float nearest to the double total. */
    public static float sum(int n, float[] x, int off) {
        Check.nonNegative("n", n);
        Check.range("x", x, off, n);
        double total = 0;
        for (int c = 0; c < n; c += CHUNK) {
            total += chunkSum(x, off + c, Math.min(CHUNK, n - c));
        }
        return (float) total;
    }

    /** Dot product of x[xOff ..) and y[yOff ..) over n elements (FMA in float lanes, chunked). */
    public static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        Check.nonNegative("n", n);
        Check.range("x", x, xOff, n);
        Check.range("y", y, yOff, n);
        double total = 0;
        for (int c = 0; c < n; c += CHUNK) {
            total += chunkDot(x, xOff + c, y, yOff + c, Math.min(CHUNK, n - c));
        }
        return (float) total;
    }

    /** Sum of squares of x[off .. off+n). */
    public static float sumOfSquares(int n, float[] x, int off) {
        Check.nonNegative("n", n);
        Check.range("x", x, off, n);
        return (float) sumOfSquaresSeq(x, off, n);
    }

    private static double sumOfSquaresSeq(float[] x, int off, int n) {
        double total = 0;
        for (int c = 0; c < n; c += CHUNK) {
            total += chunkSumSq(x, off + c, Math.min(CHUNK, n - c));
        }
        return total;
    }

    // ---------------------------------------------------------------- parallel

    /** Sum of squares in double, chunks computed in parallel; bitwise identical for any pool size. */
    public static double sumOfSquares(WorkerPool pool, int n, float[] x, int off) {
        checkPool(pool);
        Check.nonNegative("n", n);
        Check.range("x", x, off, n);
        if (n <= 2 * CHUNK || pool.threads() == 1) {
            return sumOfSquaresSeq(x, off, n);
        }
        SumSqTask t = pool.resource(SUMSQ_TASK);
        return t.run(pool, x, null, null, 1, off, n);
    }

    /** Euclidean norm of x[off .. off+n): sqrt of {@link #sumOfSquares(WorkerPool, int, float[], int)}. */
    public static double l2Norm(WorkerPool pool, int n, float[] x, int off) {
        return Math.sqrt(sumOfSquares(pool, n, x, off));
    }

    /**
     * Global Euclidean norm over {@code slices} slices {@code x[offsets[i] .. offsets[i] + lengths[i])}
     * (e.g. all gradient tensors of a model). Every slice is chunked from its own start; chunk partials
     * are combined in slice order, then chunk order. Bitwise identical for any pool size.
     */
    public static double l2Norm(WorkerPool pool, float[] x, int[] offsets, int[] lengths, int slices) {
        checkPool(pool);
        if (x == null) {
            throw new IllegalArgumentException("x must not be null");
        }
        Check.nonNegative("slices", slices);
        Check.range("offsets", offsets, 0, slices);
        Check.range("lengths", lengths, 0, slices);
        long total = 0;
        for (int i = 0; i < slices; i++) {
            int o = offsets[i];
            int len = lengths[i];
            if (o < 0 || len < 0 || (long) o + len > x.length) {
                throw new IllegalArgumentException("slice " + i + ": offsets[" + i + "] = " + o + ", lengths[" + i
                        + "] = " + len + " is outside x (length " + x.length + ")");
            }
            total += len;
        }
        double sum;
        if (total <= 2 * CHUNK || pool.threads() == 1) {
            sum = 0;
            for (int i = 0; i < slices; i++) {
                int o = offsets[i];
                int len = lengths[i];
                for (int c = 0; c < len; c += CHUNK) {
                    sum += chunkSumSq(x, o + c, Math.min(CHUNK, len - c));
                }
            }
        } else {
            sum = pool.resource(SUMSQ_TASK).run(pool, x, offsets, lengths, slices, 0, 0);
        }
        return Math.sqrt(sum);
    }

    private static void checkPool(WorkerPool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
    }

    /**
     * The per-pool task: argument fields set per call, chunk partials written by the workers into
     * {@code partials[globalChunk]}, combined by the caller in chunk order. Grows, never shrinks.
     */
    private static final class SumSqTask implements ParallelTask {
        private double[] partials = new double[64];
        private float[] x;
        private int[] offsets;
        private int[] lengths;
        private int slices;
        private int chunks;
        private int singleOff;
        private int singleLen;

        /** Slice form when offsets != null; otherwise one slice (off, n). */
        double run(WorkerPool pool, float[] x, int[] offsets, int[] lengths, int slices, int off, int n) {
            pool.claim();
            try {
                return runClaimed(pool, x, offsets, lengths, slices, off, n);
            } finally {
                pool.release();
            }
        }

        private double runClaimed(WorkerPool pool, float[] x, int[] offsets, int[] lengths, int slices, int off,
                int n) {
            int total = 0;
            if (offsets == null) {
                total = (n + CHUNK - 1) / CHUNK;
                this.slices = -1;
                this.lengths = null;
                this.offsets = null;
                this.singleOff = off;
                this.singleLen = n;
            } else {
                for (int i = 0; i < slices; i++) {
                    total += (lengths[i] + CHUNK - 1) / CHUNK;
                }
                this.slices = slices;
                this.offsets = offsets;
                this.lengths = lengths;
            }
            if (partials.length < total) {
                partials = new double[Math.max(total, 2 * partials.length)];
            }
            this.x = x;
            this.chunks = total;
            try {
                pool.execute(this);
            } finally {
                this.x = null;
                this.offsets = null;
                this.lengths = null;
            }
            double sum = 0;
            for (int c = 0; c < total; c++) {
                sum += partials[c];
            }
            return sum;
        }

        @Override
        public void run(int worker, int workers) {
            int c0 = Ranges.start(chunks, worker, workers);
            int c1 = Ranges.end(chunks, worker, workers);
            if (c0 >= c1) {
                return;
            }
            if (slices < 0) {
                for (int c = c0; c < c1; c++) {
                    int start = c * CHUNK;
                    partials[c] = chunkSumSq(x, singleOff + start, Math.min(CHUNK, singleLen - start));
                }
                return;
            }
            int global = 0;
            for (int i = 0; i < slices && global < c1; i++) {
                int len = lengths[i];
                int k = (len + CHUNK - 1) / CHUNK;
                for (int j = Math.max(0, c0 - global); j < k && global + j < c1; j++) {
                    int start = j * CHUNK;
                    partials[global + j] = chunkSumSq(x, offsets[i] + start, Math.min(CHUNK, len - start));
                }
                global += k;
            }
        }
    }

    // ---------------------------------------------------------------- chunk kernels

    /**
     * Horizontal sum of a vector's lanes by a fixed pairwise tree (lane i + lane i^h for h = L/2 .. 1):
     * exact lane additions in a fixed order, so the result is the same in every JIT tier, unlike
     * reduceLanes(ADD) whose order is unspecified. Kernels that inline a large VMath body write this
     * tree out instead of calling it: the JIT's inlining node budget is spent by then, and a vector
     * passed to a call that is not inlined is boxed (allocated).
     * (Force-inlined Vector API calls are still late-inlined past that budget; a call to this method is not.)
     */
    static float laneSum(FloatVector v) {
        if (L >= 16) {
            v = v.add(v.rearrange(SWAP8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(SWAP4));
        }
        if (L >= 4) {
            v = v.add(v.rearrange(SWAP2));
        }
        v = v.add(v.rearrange(SWAP1));
        return v.lane(0);
    }

    private static VectorShuffle<Float> swap(int h) {
        return VectorShuffle.fromOp(S, i -> h < L ? i ^ h : i);
    }

    static double chunkSum(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int bound = n - n % (4 * L);
        int i = 0;
        for (; i < bound; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + L));
            a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * L));
        }
        for (; i + L <= n; i += L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
        }
        float tail = 0f;
        for (; i < n; i++) {
            tail += x[off + i];
        }
        return (double) laneSum(a0.add(a1).add(a2.add(a3))) + tail;
    }

    static double chunkSumSq(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int bound = n - n % (4 * L);
        int i = 0;
        for (; i < bound; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, x, off + i);
            FloatVector v1 = FloatVector.fromArray(S, x, off + i + L);
            FloatVector v2 = FloatVector.fromArray(S, x, off + i + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, x, off + i + 3 * L);
            a0 = v0.fma(v0, a0);
            a1 = v1.fma(v1, a1);
            a2 = v2.fma(v2, a2);
            a3 = v3.fma(v3, a3);
        }
        for (; i + L <= n; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, x, off + i);
            a0 = v0.fma(v0, a0);
        }
        float tail = 0f;
        for (; i < n; i++) {
            float v = x[off + i];
            tail = Math.fma(v, v, tail);
        }
        return (double) laneSum(a0.add(a1).add(a2.add(a3))) + tail;
    }

    static double chunkDot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int bound = n - n % (4 * L);
        int i = 0;
        for (; i < bound; i += 4 * L) {
            a0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), a0);
            a1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), a1);
            a2 = FloatVector.fromArray(S, x, xOff + i + 2 * L).fma(FloatVector.fromArray(S, y, yOff + i + 2 * L), a2);
            a3 = FloatVector.fromArray(S, x, xOff + i + 3 * L).fma(FloatVector.fromArray(S, y, yOff + i + 3 * L), a3);
        }
        for (; i + L <= n; i += L) {
            a0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), a0);
        }
        float tail = 0f;
        for (; i < n; i++) {
            tail = Math.fma(x[xOff + i], y[yOff + i], tail);
        }
        return (double) laneSum(a0.add(a1).add(a2.add(a3))) + tail;
    }

    // ---------------------------------------------------------------- argmax

    /**
     * {@code out[r] = index of the largest x[r, c]}; x is (rows x cols), contiguous (ld = cols). The
     * first maximum wins; a row containing NaN gives the index of its first NaN. cols must be > 0 when
     * rows > 0.
     */
    public static void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        Check.nonNegative("rows", rows);
        Check.nonNegative("cols", cols);
        if (rows > 0) {
            Check.positive("cols", cols);
        }
        Check.matrix("x", x, xOff, rows, cols, Math.max(1, cols));
        Check.range("out", out, outOff, rows);
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int base = xOff + r * cols;
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c < bound; c += L) {
                vmax = vmax.max(FloatVector.fromArray(S, x, base + c));
            }
            float m = Float.NEGATIVE_INFINITY;
            if (bound > 0) {
                m = vmax.reduceLanes(VectorOperators.MAX);
            }
            for (; c < cols; c++) {
                m = Math.max(m, x[base + c]);
            }
            int idx = 0;
            if (m != m) {
                while (!Float.isNaN(x[base + idx])) {
                    idx++;
                }
            } else {
                while (x[base + idx] != m) {
                    idx++;
                }
            }
            out[outOff + r] = idx;
        }
    }
}
