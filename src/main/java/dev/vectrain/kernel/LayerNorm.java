/*
 * LayerNorm: normalisation of each row over its columns, forward beside backward.
 * Shapes: x, y, dy, dx (rows x cols) contiguous (ld = cols); gamma, beta, dGamma, dBeta (cols);
 * mean, invStd (rows), saved by forward for backward. Variance in one pass around a shift near the mean (the
 * mean of the row's first vector): Σ(x − s)² − cols·d², with two passes where cols·d² is over a quarter of the
 * sum (never the unshifted E[x²] − μ²); row sums in float lanes, lanes added by Reductions.laneSum. No xhat
 * is stored: backward recomputes xhat = (x − mean)·invStd from the forward input, the same two roundings
 * forward applied, so forward writes one array instead of two (12 bytes of traffic per element instead of 20
 * with write-allocate).
 * Backward's dGamma and dBeta are summed over row blocks fixed by the shape (blockRows, never the thread
 * count): the first block adds into dGamma and dBeta directly, every later block sums from zero and is added
 * in block order, so one pass reads dy and x once for the row sums, dx and the parameter gradients. The
 * WorkerPool overloads split rows (forward) and blocks (backward) between the pool's threads from
 * PARALLEL_THRESHOLD elements, every worker streaming whole rows; their results are bitwise those of a null
 * pool for any pool size. It is not a layer: buffers (and backward's work, workLength(cols)) belong to the
 * caller.
 */
package dev.vectrain.kernel;

import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Layer normalisation: per-row statistics, per-column affine gamma and beta. */
public final class LayerNorm {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;
    /**
     * Vector pairs of squared deviations that twoPassStatistics sums in float lanes before it adds their lane sum
     * in double. Summed in float lanes along the whole row, a few large deviations early in a long row left every
     * later square to be added to a large lane sum, an error that grows with the row over the lanes: invStd was off
     * by 4.4e-6 (8 lanes) and 1.9e-5 (4 lanes) for a row of 16384 floats whose first 16 sat 1000 away from the rest
     * (NormsTest). By blocks, a square is added to at most 7 others in its lane before the lane tree.
     */
    static final int SQUARES_BLOCK = 8;

    /** Widest rows for backward's four-row groups: 4 rows of dy, x and dx, 24 KB, in a 32 KB L1. */
    private static final int GROUP_COLS = 512;
    /** Below this many elements the pooled overloads run on the caller's thread only. */
    static final int PARALLEL_THRESHOLD = 1 << 15;
    /**
     * From this many elements (8 MB per array, x and y 16 MB: half of this machine's L3) forward takes each row's
     * statistics and then normalises it with normalizeRowFromMemory; below, one loop normalises a row while it sums
     * the next row's statistics (normalizeRowSummingNext), so that x is read from L3 or memory once. A stand-alone
     * probe of the one loop (one thread, best of 5 s, GB/s, two reads of each row against one loop): 256x1024 59.2 /
     * 71.6, 1024x1024 52.8 / 68.5, 2048x1024 52.9 / 64.4, 3072x1024 47.1 / 49.6, 4096x1024 45.5 / 36.6. The library's
     * form, JMH, one thread, two forks, two rounds: 256x1024 44.7, 48.9 → 54.5, 57.7; 1024x1024 48.2, 48.9 → 56.1,
     * 55.2; 64x256 39.8, 41.9 → 42.4, 39.4 (KERNEL-RESULTS, session 11). From memory the one loop was slower in
     * session 10 too (16384x1024 30.3 against 36.2), and normalizeRowFromMemory beat normalizeRow there (JMH:
     * 4096x1024 29.0 → 37.7 GB/s, 16384x1024 29.5 → 32.0).
     */
    static final int FROM_MEMORY_ELEMENTS = 1 << 21;
    /**
     * About how many row blocks backward cuts a batch of PARALLEL_THRESHOLD elements or more into: one per thread
     * of a 16-thread pool. A block costs zeroing and adding its 2 x cols partial sums, in L1 or L2: with 32 blocks
     * of at least 8 rows, one thread ran 128x512 at 51-53 GB/s against 55-58 for 16 blocks of 16 (JMH).
     */
    private static final int TARGET_BLOCKS = 16;
    /** Fewest rows per block, a multiple of backward's four-row groups. */
    private static final int MIN_BLOCK_ROWS = 16;

    private static final WorkerPool.Key<Task> TASK = new WorkerPool.Key<>(p -> new Task());

    private LayerNorm() {
    }

    private static int size(int rows, int cols) {
        Check.nonNegative("rows", rows);
        Check.nonNegative("cols", cols);
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rows x cols = " + size + " is too large");
        }
        return (int) size;
    }

    /**
     * mean[r], invStd[r] = 1/sqrt(biased var + eps) of row r; y = gamma·xhat + beta with
     * xhat = (x − mean)·invStd. y may alias x, but backward reads x: a caller that trains keeps it.
     */
    public static void forward(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff, float[] beta,
            int bOff, float eps, float[] mean, float[] invStd, float[] y, int yOff) {
        forward(null, rows, cols, x, xOff, gamma, gOff, beta, bOff, eps, mean, invStd, y, yOff);
    }

    /** As {@link #forward(int, int, float[], int, float[], int, float[], int, float, float[], float[], float[], int)},
     * rows split between pool's threads (pool may be null); bitwise the same for any pool size. */
    public static void forward(WorkerPool pool, int rows, int cols, float[] x, int xOff, float[] gamma, int gOff,
            float[] beta, int bOff, float eps, float[] mean, float[] invStd, float[] y, int yOff) {
        int size = size(rows, cols);
        Check.range("x", x, xOff, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("beta", beta, bOff, cols);
        Check.range("mean", mean, 0, rows);
        Check.range("invStd", invStd, 0, rows);
        Check.range("y", y, yOff, size);
        if (cols == 0) {
            return;
        }
        if (!parallel(pool, rows, cols)) {
            forwardRows(0, rows, cols, x, xOff, gamma, gOff, beta, bOff, eps, mean, invStd, y, yOff,
                    fromMemory(rows, cols));
            return;
        }
        pool.claim();
        try {
            Task t = pool.resource(TASK);
            t.set(Task.FORWARD, rows, cols, x, xOff, gamma, gOff, mean, invStd, y, yOff);
            t.beta = beta;
            t.bOff = bOff;
            t.eps = eps;
            pool.execute(t);
        } finally {
            pool.resource(TASK).clear();
            pool.release();
        }
    }

    /** Floats of backward's work array for {@code cols} columns: 2·cols. */
    public static int workLength(int cols) {
        return Check.workLength(cols, 2);
    }

    /**
     * Rows per backward block of a (rows x cols) batch: all rows below PARALLEL_THRESHOLD elements, else about
     * rows / TARGET_BLOCKS rounded up to a multiple of MIN_BLOCK_ROWS. Depends on the shape only, never on the pool.
     */
    static int blockRows(int rows, int cols) {
        if ((long) rows * cols < PARALLEL_THRESHOLD) {
            return Math.max(1, rows);
        }
        return ((rows + TARGET_BLOCKS - 1) / TARGET_BLOCKS + MIN_BLOCK_ROWS - 1) / MIN_BLOCK_ROWS * MIN_BLOCK_ROWS;
    }

    private static boolean parallel(WorkerPool pool, int rows, int cols) {
        return pool != null && pool.threads() > 1 && rows > 1 && (long) rows * cols >= PARALLEL_THRESHOLD;
    }

    /** Whether forward normalises a (rows x cols) batch with normalizeRowFromMemory: FROM_MEMORY_ELEMENTS or more. */
    private static boolean fromMemory(int rows, int cols) {
        return (long) rows * cols >= FROM_MEMORY_ELEMENTS;
    }

    /**
     * Forward of rows [r0, r1). fromMemory (see FROM_MEMORY_ELEMENTS), decided by the size of the whole batch so that
     * every block of it runs the same code: each row's statistics, then normalizeRowFromMemory; else, for rows of
     * whole four-vector steps, the first row's statistics, then each row normalised by normalizeRowSummingNext while
     * it sums the next row's, the last by normalizeRow; other rows take their statistics and normalizeRow row by
     * row. All forms give the same bits.
     */
    static void forwardRows(int r0, int r1, int cols, float[] x, int xOff, float[] gamma, int gOff, float[] beta,
            int bOff, float eps, float[] mean, float[] invStd, float[] y, int yOff, boolean fromMemory) {
        if (fromMemory || cols % (4 * L) != 0) {
            // one loop for rows of whole four-vector steps only: with its masked tails it ran 1024x1000 at 38-41 GB/s
            // against 54 for this loop, and 256x10 23-28 % slower (probe, run-suite)
            for (int r = r0; r < r1; r++) {
                int xb = xOff + r * cols;
                long meanAndInvStd = rowStatistics(cols, x, xb, eps);
                float mu = FloatPair.high(meanAndInvStd);
                float is = FloatPair.low(meanAndInvStd);
                mean[r] = mu;
                invStd[r] = is;
                if (fromMemory) {
                    normalizeRowFromMemory(cols, x, xb, mu, is, gamma, gOff, beta, bOff, y, yOff + r * cols);
                } else {
                    normalizeRow(cols, x, xb, mu, is, gamma, gOff, beta, bOff, y, yOff + r * cols);
                }
            }
            return;
        }
        if (r0 >= r1) {
            return;
        }
        // the first row's statistics by the same method, normalising nothing: rowStatistics, called once per call
        // here, stayed in C1's code, which allocates, for thousands of training steps (AllocationTest)
        int first = xOff + r0 * cols;
        long meanAndInvStd = normalizeRowSummingNext(cols, x, first, first, false, 0f, 0f, gamma, gOff, beta, bOff,
                y, yOff + r0 * cols, eps);
        for (int r = r0; r < r1; r++) {
            int xb = xOff + r * cols;
            int yb = yOff + r * cols;
            float mu = FloatPair.high(meanAndInvStd);
            float is = FloatPair.low(meanAndInvStd);
            mean[r] = mu;
            invStd[r] = is;
            if (r + 1 < r1) {
                meanAndInvStd = normalizeRowSummingNext(cols, x, xb, xb + cols, true, mu, is, gamma, gOff, beta, bOff,
                        y, yb, eps);
            } else {
                normalizeRow(cols, x, xb, mu, is, gamma, gOff, beta, bOff, y, yb);
            }
        }
    }

    /**
     * Mean and invStd = 1/sqrt(biased variance + eps) of one row, in one pass over x: around a shift (the mean of
     * the row's first vector, a float lane sum), d = Σ(x − shift)/cols and Q = Σ(x − shift)² in two float-lane
     * accumulators each (pairs of vectors, then single masked vectors into the first), then mean =
     * shift + d and M2 = Q − cols·d² (in double). The shift is within about std/√16 of the mean, so cols·d² is a
     * small part of Q; where it is more than Q/4 (a row whose first values sit far from the rest, so the
     * subtraction could lose more than half a bit), or is NaN, the row goes through twoPassStatistics instead.
     * Returns mean (high half) and invStd (low half), see FloatPair.
     * <p>
     * One pass instead of two: a stand-alone probe of forward, one thread, best of 5 s, read 30.5 → 39.1 GB/s at
     * 4096x1024 and 46.8 → 62.3 at 1024x1024 (System.arraycopy: 89 and 109). Larger than C2 inlines into a hot
     * caller, so it is compiled on its own with its vectors in registers: with the statistics loops inlined into
     * the row loop forward ran at 17-18 GB/s at 4096x1024, against 24-25 (probe, one thread; see
     * SoftmaxCrossEntropy.softmaxRow). The normalise loop is a separate small method: with it in here too the
     * method ran past C1's register allocator ("out of virtual registers in linear scan" at tier 3), which left
     * it in C1 code, allocating, for good.
     */
    private static long rowStatistics(int cols, float[] x, int xb, float eps) {
        int head = Math.min(cols, L);
        float shift = Reductions.laneSum(FloatVector.fromArray(S, x, xb, S.indexInRange(0, head))) / head;
        FloatVector vs = FloatVector.broadcast(S, shift);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector q0 = FloatVector.zero(S);
        FloatVector q1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, xb + c).sub(vs);
            FloatVector d1 = FloatVector.fromArray(S, x, xb + c + L).sub(vs);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        for (; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector d0 = FloatVector.fromArray(S, x, xb + c, m).sub(vs, m);
            s0 = s0.add(d0);
            q0 = d0.fma(d0, q0);
        }
        // finishStatistics written out, so that this method stays past FreqInlineSize (above): 299 bytes with the call
        float d = Reductions.laneSum(s0.add(s1)) / cols;
        float q = Reductions.laneSum(q0.add(q1));
        float mu = shift + d;
        double cd2 = (double) cols * d * d;
        double m2 = q - cd2;
        if (!(cd2 <= q * 0.25)) {
            return twoPassStatistics(cols, x, xb, eps);
        }
        return FloatPair.of(mu, (float) (1.0 / Math.sqrt(m2 / cols + eps)));
    }

    /**
     * Mean and invStd of the row at xb from rowStatistics' sums around shift (Σ(x − shift) and Σ(x − shift)²), or
     * from twoPassStatistics where they could lose bits: rowStatistics' last lines, for normalizeRowSummingNext.
     */
    private static long finishStatistics(int cols, float[] x, int xb, float eps, float shift, float sum, float q) {
        float d = sum / cols;
        float mu = shift + d;
        double cd2 = (double) cols * d * d;
        double m2 = q - cd2;
        if (!(cd2 <= q * 0.25)) {
            return twoPassStatistics(cols, x, xb, eps);
        }
        return FloatPair.of(mu, (float) (1.0 / Math.sqrt(m2 / cols + eps)));
    }

    /**
     * rowStatistics by two passes: the float mean (sums in two float-lane accumulators, masked tail into the
     * first, lanes added by Reductions.laneSum), then the squared deviations from it, in float lanes by blocks of
     * SQUARES_BLOCK vector pairs whose lane sums are added in double. For the rows where the one-pass form could
     * lose bits, and for most rows with a NaN or an infinity.
     */
    private static long twoPassStatistics(int cols, float[] x, int xb, float eps) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, xb + c));
            s1 = s1.add(FloatVector.fromArray(S, x, xb + c + L));
        }
        for (; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            s0 = s0.add(FloatVector.fromArray(S, x, xb + c, m));
        }
        float mu = Reductions.laneSum(s0.add(s1)) / cols;

        FloatVector vmu = FloatVector.broadcast(S, mu);
        int pairs = cols / (2 * L);
        double q = 0;
        for (int p0 = 0; p0 < pairs; p0 += SQUARES_BLOCK) {
            int end = xb + 2 * L * Math.min(pairs, p0 + SQUARES_BLOCK);
            FloatVector q0 = FloatVector.zero(S);
            FloatVector q1 = FloatVector.zero(S);
            for (int i = xb + 2 * L * p0; i < end; i += 2 * L) {
                FloatVector d0 = FloatVector.fromArray(S, x, i).sub(vmu);
                FloatVector d1 = FloatVector.fromArray(S, x, i + L).sub(vmu);
                q0 = d0.fma(d0, q0);
                q1 = d1.fma(d1, q1);
            }
            q += Reductions.laneSum(q0.add(q1));
        }
        FloatVector qt = FloatVector.zero(S);
        for (c = 2 * L * pairs; c < cols; c += L) {
            // lanes past cols stay 0 through the masked subtraction: no masked operation on the accumulator, which
            // C2 alone compiled with the accumulator boxed (as BceWithLogits' masked add, KERNEL-RESULTS session 7)
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector d0 = FloatVector.fromArray(S, x, xb + c, m).sub(vmu, m);
            qt = d0.fma(d0, qt);
        }
        double var = (q + Reductions.laneSum(qt)) / cols;
        return FloatPair.of(mu, (float) (1.0 / Math.sqrt(var + eps)));
    }

    /**
     * normalizeRow of the row at xb into y at yb, if normalize, while summing the statistics of the row at nb (the next
     * one) in the same loop; cols is a multiple of four vectors. Returns that row's mean and invStd, bitwise
     * rowStatistics' (the same shift, and the same two accumulators each in the same order, pairs of vectors). Four
     * vectors per step, so that C2 neither unrolls nor peels the loop (see normalizeRowFromMemory). The next row comes
     * from L3 or memory while this one, read by the previous call, comes from L1: x is read once from beyond L2 where
     * rowStatistics and a normalise loop read it twice (see FROM_MEMORY_ELEMENTS). y may be x: the next row is not
     * written here, and each vector is loaded before it is stored.
     * <p>
     * With masked tails in here for other widths the method (943 bytes of bytecode) ran C1 out of virtual registers
     * ("out of virtual registers in linear scan" at tier 3) and stayed in tier-2 code, which allocates; with the tails
     * outside it ran rows of 1000 floats slower than rowStatistics and normalizeRow (KERNEL-RESULTS, session 11). The
     * lane sums at the end are Reductions.laneSum's tree written out: a call there is past C2's inlining node budget,
     * and its vector argument was boxed (KernelAllocationMain, layerNorm 57 600 B).
     */
    private static long normalizeRowSummingNext(int cols, float[] x, int xb, int nb, boolean normalize, float mu,
            float is, float[] gamma, int gOff, float[] beta, int bOff, float[] y, int yb, float eps) {
        int head = Math.min(cols, L);
        float shift = Reductions.laneSum(FloatVector.fromArray(S, x, nb, S.indexInRange(0, head))) / head;
        FloatVector vs = FloatVector.broadcast(S, shift);
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector vis = FloatVector.broadcast(S, is);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector q0 = FloatVector.zero(S);
        FloatVector q1 = FloatVector.zero(S);
        for (int c = 0; c < cols; c += 4 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, nb + c).sub(vs);
            FloatVector d1 = FloatVector.fromArray(S, x, nb + c + L).sub(vs);
            FloatVector d2 = FloatVector.fromArray(S, x, nb + c + 2 * L).sub(vs);
            FloatVector d3 = FloatVector.fromArray(S, x, nb + c + 3 * L).sub(vs);
            s0 = s0.add(d0).add(d2);
            s1 = s1.add(d1).add(d3);
            q0 = d2.fma(d2, d0.fma(d0, q0));
            q1 = d3.fma(d3, d1.fma(d1, q1));
            if (!normalize) {
                continue;
            }
            FloatVector h0 = FloatVector.fromArray(S, x, xb + c).sub(vmu).mul(vis);
            FloatVector h1 = FloatVector.fromArray(S, x, xb + c + L).sub(vmu).mul(vis);
            FloatVector h2 = FloatVector.fromArray(S, x, xb + c + 2 * L).sub(vmu).mul(vis);
            FloatVector h3 = FloatVector.fromArray(S, x, xb + c + 3 * L).sub(vmu).mul(vis);
            h0.fma(FloatVector.fromArray(S, gamma, gOff + c), FloatVector.fromArray(S, beta, bOff + c))
                    .intoArray(y, yb + c);
            h1.fma(FloatVector.fromArray(S, gamma, gOff + c + L), FloatVector.fromArray(S, beta, bOff + c + L))
                    .intoArray(y, yb + c + L);
            h2.fma(FloatVector.fromArray(S, gamma, gOff + c + 2 * L),
                    FloatVector.fromArray(S, beta, bOff + c + 2 * L)).intoArray(y, yb + c + 2 * L);
            h3.fma(FloatVector.fromArray(S, gamma, gOff + c + 3 * L),
                    FloatVector.fromArray(S, beta, bOff + c + 3 * L)).intoArray(y, yb + c + 3 * L);
        }
        FloatVector sv = s0.add(s1);
        FloatVector qv = q0.add(q1);
        if (L >= 16) {
            sv = sv.add(sv.rearrange(Reductions.SWAP8));
            qv = qv.add(qv.rearrange(Reductions.SWAP8));
        }
        if (L >= 8) {
            sv = sv.add(sv.rearrange(Reductions.SWAP4));
            qv = qv.add(qv.rearrange(Reductions.SWAP4));
        }
        if (L >= 4) {
            sv = sv.add(sv.rearrange(Reductions.SWAP2));
            qv = qv.add(qv.rearrange(Reductions.SWAP2));
        }
        sv = sv.add(sv.rearrange(Reductions.SWAP1));
        qv = qv.add(qv.rearrange(Reductions.SWAP1));
        return finishStatistics(cols, x, nb, eps, shift, sv.lane(0), qv.lane(0));
    }

    /** y = gamma·xhat + beta, xhat = (x − mu)·is, for one row. */
    private static void normalizeRow(int cols, float[] x, int xb, float mu, float is, float[] gamma, int gOff,
            float[] beta, int bOff, float[] y, int yb) {
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector vis = FloatVector.broadcast(S, is);
        int bound = S.loopBound(cols);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector h = FloatVector.fromArray(S, x, xb + c).sub(vmu).mul(vis);
            h.fma(FloatVector.fromArray(S, gamma, gOff + c), FloatVector.fromArray(S, beta, bOff + c))
                    .intoArray(y, yb + c);
        }
        if (c < cols) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector h = FloatVector.fromArray(S, x, xb + c, m).sub(vmu).mul(vis);
            h.fma(FloatVector.fromArray(S, gamma, gOff + c, m), FloatVector.fromArray(S, beta, bOff + c, m))
                    .intoArray(y, yb + c, m);
        }
    }

    /**
     * normalizeRow for rows streamed from memory: four vectors per step while four fit, then one (masked) vector
     * at a time; bitwise the same results.
     * <p>
     * C2 unrolls normalizeRow's loop (one vector per step) by four and peels its first step into a pre-loop: a row
     * whose first vector runs in other code than the rest streams from memory about 20 % slower, in C on this core
     * too (a hand-unrolled loop with the first vector peeled: 47.7 → 41.0 GB/s at 16384x1024). This loop's body is
     * large enough that C2 neither unrolls nor peels it. In L2 it runs slower than normalizeRow (see
     * FROM_MEMORY_ELEMENTS).
     */
    private static void normalizeRowFromMemory(int cols, float[] x, int xb, float mu, float is, float[] gamma,
            int gOff, float[] beta, int bOff, float[] y, int yb) {
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector vis = FloatVector.broadcast(S, is);
        int bound = cols & -(4 * L);
        int c = 0;
        for (; c < bound; c += 4 * L) {
            FloatVector h0 = FloatVector.fromArray(S, x, xb + c).sub(vmu).mul(vis);
            FloatVector h1 = FloatVector.fromArray(S, x, xb + c + L).sub(vmu).mul(vis);
            FloatVector h2 = FloatVector.fromArray(S, x, xb + c + 2 * L).sub(vmu).mul(vis);
            FloatVector h3 = FloatVector.fromArray(S, x, xb + c + 3 * L).sub(vmu).mul(vis);
            h0.fma(FloatVector.fromArray(S, gamma, gOff + c), FloatVector.fromArray(S, beta, bOff + c))
                    .intoArray(y, yb + c);
            h1.fma(FloatVector.fromArray(S, gamma, gOff + c + L), FloatVector.fromArray(S, beta, bOff + c + L))
                    .intoArray(y, yb + c + L);
            h2.fma(FloatVector.fromArray(S, gamma, gOff + c + 2 * L),
                    FloatVector.fromArray(S, beta, bOff + c + 2 * L)).intoArray(y, yb + c + 2 * L);
            h3.fma(FloatVector.fromArray(S, gamma, gOff + c + 3 * L),
                    FloatVector.fromArray(S, beta, bOff + c + 3 * L)).intoArray(y, yb + c + 3 * L);
        }
        for (; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector h = FloatVector.fromArray(S, x, xb + c, m).sub(vmu).mul(vis);
            h.fma(FloatVector.fromArray(S, gamma, gOff + c, m), FloatVector.fromArray(S, beta, bOff + c, m))
                    .intoArray(y, yb + c, m);
        }
    }

    /**
     * dGamma += Σ_r dy·xhat, dBeta += Σ_r dy (accumulate, over the row blocks of blockRows: the first block's
     * rows added in order to dGamma and dBeta, each later block's rows summed in order from zero, the blocks then
     * added in order); dx = invStd/cols · (cols·g − Σg − xhat·Σ(g·xhat)) with g = gamma·dy (overwrites dx; may
     * alias dy), where xhat = (x − mean)·invStd from forward's input x and its mean and invStd. work
     * (workLength(cols) floats) is scratch; its contents afterwards are unspecified.
     */
    public static void backward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff, float[] gamma,
            int gOff, float[] mean, float[] invStd, float[] work, float[] dGamma, int dgOff, float[] dBeta, int dbOff,
            float[] dx, int dxOff) {
        backward(null, rows, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, work, dGamma, dgOff, dBeta, dbOff,
                dx, dxOff);
    }

    /**
     * As the sequential backward, on pool's threads (pool may be null), bitwise the same for any pool size: the
     * workers take contiguous ranges of row blocks, each block in one pass over its rows (row sums, dx, and the
     * block's dGamma and dBeta, the first block's into dGamma and dBeta, the others' into the task's scratch);
     * the caller adds the blocks' sums in block order. dx may alias dy: every row reads its dy before it writes it.
     */
    public static void backward(WorkerPool pool, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] work, float[] dGamma, int dgOff,
            float[] dBeta, int dbOff, float[] dx, int dxOff) {
        int size = size(rows, cols);
        Check.range("dy", dy, dyOff, size);
        Check.range("x", x, xOff, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("mean", mean, 0, rows);
        Check.range("invStd", invStd, 0, rows);
        Check.range("work", work, 0, workLength(cols));
        Check.range("dGamma", dGamma, dgOff, cols);
        Check.range("dBeta", dBeta, dbOff, cols);
        Check.range("dx", dx, dxOff, size);
        if (rows == 0 || cols == 0) {
            return;
        }
        int block = blockRows(rows, cols);
        int blocks = (rows + block - 1) / block;
        if (!parallel(pool, rows, cols)) {
            backwardRows(0, Math.min(rows, block), cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, dGamma, dgOff,
                    dBeta, dbOff, dx, dxOff);
            for (int b = 1; b < blocks; b++) {
                int r0 = b * block;
                laterBlock(r0, Math.min(rows, r0 + block), cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, work,
                        0, dx, dxOff);
                addBlockSums(cols, work, 0, dGamma, dgOff, dBeta, dbOff);
            }
            return;
        }
        pool.claim();
        try {
            Task t = pool.resource(TASK);
            float[] s = t.scratch(2 * cols * (blocks - 1));
            t.set(Task.BACKWARD, rows, cols, x, xOff, gamma, gOff, mean, invStd, dx, dxOff);
            t.block = block;
            t.dy = dy;
            t.dyOff = dyOff;
            t.dGamma = dGamma;
            t.dgOff = dgOff;
            t.dBeta = dBeta;
            t.dbOff = dbOff;
            pool.execute(t);
            for (int b = 1; b < blocks; b++) {
                addBlockSums(cols, s, 2 * cols * (b - 1), dGamma, dgOff, dBeta, dbOff);
            }
        } finally {
            pool.resource(TASK).clear();
            pool.release();
        }
    }

    /** dGamma[dgOff + c] += src[sOff + c], dBeta[dbOff + c] += src[sOff + cols + c]: one block's sums added. */
    private static void addBlockSums(int cols, float[] src, int sOff, float[] dGamma, int dgOff, float[] dBeta,
            int dbOff) {
        int bound = S.loopBound(cols);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector.fromArray(S, dGamma, dgOff + c).add(FloatVector.fromArray(S, src, sOff + c))
                    .intoArray(dGamma, dgOff + c);
            FloatVector.fromArray(S, dBeta, dbOff + c).add(FloatVector.fromArray(S, src, sOff + cols + c))
                    .intoArray(dBeta, dbOff + c);
        }
        for (; c < cols; c++) {
            dGamma[dgOff + c] += src[sOff + c];
            dBeta[dbOff + c] += src[sOff + cols + c];
        }
    }

    /**
     * A block after the first: its dGamma and dBeta summed from zero into sums[sOff, sOff + cols) and
     * sums[sOff + cols, sOff + 2·cols), its dx written as backwardRows does.
     */
    private static void laterBlock(int r0, int r1, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] sums, int sOff, float[] dx, int dxOff) {
        java.util.Arrays.fill(sums, sOff, sOff + 2 * cols, 0f);
        backwardRows(r0, r1, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, sums, sOff, sums, sOff + cols, dx,
                dxOff);
    }

    /**
     * Backward of rows [r0, r1) in one pass: each row's sums, its dx, and dGamma += dy·xhat, dBeta += dy in row
     * order (into the arrays given: dGamma and dBeta for the first block, a block's partial sums otherwise).
     */
    static void backwardRows(int r0, int r1, int cols, float[] dy, int dyOff, float[] x, int xOff, float[] gamma,
            int gOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff, float[] dx,
            int dxOff) {
        int r = r0;
        // groups of four rows: their sums first (dy and x from memory), then dx and dGamma/dBeta in one
        // loop over the four rows, still in L1, loading and storing dGamma and dBeta once per four rows.
        // Only while the four rows of dy, x and dx fit in L1: at cols = 1024 the group loop reads from
        // L2 and runs slower than one row at a time (measured 26.6 -> 16.6 GB/s at 1024x1024)
        int groupEnd = cols <= GROUP_COLS ? r1 : r0;
        for (; r + 4 <= groupEnd; r += 4) {
            int db = dyOff + r * cols;
            int xb = xOff + r * cols;
            long s0 = rowSums(cols, dy, db, x, xb, mean[r], invStd[r], gamma, gOff);
            long s1 = rowSums(cols, dy, db + cols, x, xb + cols, mean[r + 1], invStd[r + 1], gamma, gOff);
            long s2 = rowSums(cols, dy, db + 2 * cols, x, xb + 2 * cols, mean[r + 2], invStd[r + 2], gamma, gOff);
            long s3 = rowSums(cols, dy, db + 3 * cols, x, xb + 3 * cols, mean[r + 3], invStd[r + 3], gamma, gOff);
            dxRows4(cols, dy, db, x, xb, mean, invStd, r, gamma, gOff, s0, s1, s2, s3,
                    dx, dxOff + r * cols, dGamma, dgOff, dBeta, dbOff);
        }
        for (; r < r1; r++) {
            int db = dyOff + r * cols;
            int xb = xOff + r * cols;
            long sums = gradientSums(cols, dy, db, x, xb, mean[r], invStd[r], gamma, gOff, dGamma, dgOff, dBeta,
                    dbOff);
            dxRow(cols, dy, db, x, xb, mean[r], invStd[r], gamma, gOff, FloatPair.high(sums), FloatPair.low(sums), dx,
                    dxOff + r * cols);
        }
    }

    /** Σg (high 32 bits) and Σg·xhat (low 32 bits) of one row, g = gamma·dy; gradientSums without dGamma/dBeta. */
    private static long rowSums(int cols, float[] dy, int db, float[] x, int xb, float mu, float is, float[] gamma,
            int gOff) {
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector vis = FloatVector.broadcast(S, is);
        FloatVector sg = FloatVector.zero(S);
        FloatVector sgx = FloatVector.zero(S);
        int bound = S.loopBound(cols);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector g = FloatVector.fromArray(S, dy, db + c).mul(FloatVector.fromArray(S, gamma, gOff + c));
            sg = sg.add(g);
            sgx = g.fma(FloatVector.fromArray(S, x, xb + c).sub(vmu).mul(vis), sgx);
        }
        if (L >= 16) {
            sg = sg.add(sg.rearrange(Reductions.SWAP8));
            sgx = sgx.add(sgx.rearrange(Reductions.SWAP8));
        }
        if (L >= 8) {
            sg = sg.add(sg.rearrange(Reductions.SWAP4));
            sgx = sgx.add(sgx.rearrange(Reductions.SWAP4));
        }
        if (L >= 4) {
            sg = sg.add(sg.rearrange(Reductions.SWAP2));
            sgx = sgx.add(sgx.rearrange(Reductions.SWAP2));
        }
        sg = sg.add(sg.rearrange(Reductions.SWAP1));
        sgx = sgx.add(sgx.rearrange(Reductions.SWAP1));
        float sumG = sg.lane(0);
        float sumGx = sgx.lane(0);
        for (; c < cols; c++) {
            float g = dy[db + c] * gamma[gOff + c];
            sumG += g;
            sumGx = Math.fma(g, (x[xb + c] - mu) * is, sumGx);
        }
        return FloatPair.of(sumG, sumGx);
    }

    /**
     * Four rows from (db, xb, dxb) on, rows r..r+3 of mean and invStd, their sums s0..s3 (FloatPair: Σg, Σg·xhat):
     * dx per row as in dxRow, and dGamma += dy·xhat, dBeta += dy over the four rows in row order.
     */
    private static void dxRows4(int cols, float[] dy, int db, float[] x, int xb, float[] mean, float[] invStd, int r,
            float[] gamma, int gOff, long s0, long s1, long s2, long s3, float[] dx, int dxb, float[] dGamma,
            int dgOff, float[] dBeta, int dbOff) {
        float sg0 = FloatPair.high(s0);
        float sg1 = FloatPair.high(s1);
        float sg2 = FloatPair.high(s2);
        float sg3 = FloatPair.high(s3);
        float sgx0 = FloatPair.low(s0);
        float sgx1 = FloatPair.low(s1);
        float sgx2 = FloatPair.low(s2);
        float sgx3 = FloatPair.low(s3);
        float k0 = invStd[r] / cols;
        float k1 = invStd[r + 1] / cols;
        float k2 = invStd[r + 2] / cols;
        float k3 = invStd[r + 3] / cols;
        float b0 = -(k0 * sgx0) * invStd[r];
        float b1 = -(k1 * sgx1) * invStd[r + 1];
        float b2 = -(k2 * sgx2) * invStd[r + 2];
        float b3 = -(k3 * sgx3) * invStd[r + 3];
        float c0 = -(k0 * sg0);
        float c1 = -(k1 * sg1);
        float c2 = -(k2 * sg2);
        float c3 = -(k3 * sg3);
        FloatVector mu0 = FloatVector.broadcast(S, mean[r]);
        FloatVector mu1 = FloatVector.broadcast(S, mean[r + 1]);
        FloatVector mu2 = FloatVector.broadcast(S, mean[r + 2]);
        FloatVector mu3 = FloatVector.broadcast(S, mean[r + 3]);
        FloatVector is0 = FloatVector.broadcast(S, invStd[r]);
        FloatVector is1 = FloatVector.broadcast(S, invStd[r + 1]);
        FloatVector is2 = FloatVector.broadcast(S, invStd[r + 2]);
        FloatVector is3 = FloatVector.broadcast(S, invStd[r + 3]);
        int bound = S.loopBound(cols);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector gm = FloatVector.fromArray(S, gamma, gOff + c);
            FloatVector dg = FloatVector.fromArray(S, dGamma, dgOff + c);
            FloatVector dbeta = FloatVector.fromArray(S, dBeta, dbOff + c);
            FloatVector d = FloatVector.fromArray(S, dy, db + c);
            FloatVector t = FloatVector.fromArray(S, x, xb + c).sub(mu0);
            d.mul(gm).fma(is0, t.fma(b0, c0)).intoArray(dx, dxb + c);
            dg = d.fma(t.mul(is0), dg);
            dbeta = dbeta.add(d);
            d = FloatVector.fromArray(S, dy, db + cols + c);
            t = FloatVector.fromArray(S, x, xb + cols + c).sub(mu1);
            d.mul(gm).fma(is1, t.fma(b1, c1)).intoArray(dx, dxb + cols + c);
            dg = d.fma(t.mul(is1), dg);
            dbeta = dbeta.add(d);
            d = FloatVector.fromArray(S, dy, db + 2 * cols + c);
            t = FloatVector.fromArray(S, x, xb + 2 * cols + c).sub(mu2);
            d.mul(gm).fma(is2, t.fma(b2, c2)).intoArray(dx, dxb + 2 * cols + c);
            dg = d.fma(t.mul(is2), dg);
            dbeta = dbeta.add(d);
            d = FloatVector.fromArray(S, dy, db + 3 * cols + c);
            t = FloatVector.fromArray(S, x, xb + 3 * cols + c).sub(mu3);
            d.mul(gm).fma(is3, t.fma(b3, c3)).intoArray(dx, dxb + 3 * cols + c);
            d.fma(t.mul(is3), dg).intoArray(dGamma, dgOff + c);
            dbeta.add(d).intoArray(dBeta, dbOff + c);
        }
        for (; c < cols; c++) {
            float gm = gamma[gOff + c];
            float dg = dGamma[dgOff + c];
            float dbeta = dBeta[dbOff + c];
            for (int k = 0; k < 4; k++) {
                float d = dy[db + k * cols + c];
                float is = invStd[r + k];
                float t = x[xb + k * cols + c] - mean[r + k];
                float bk = k == 0 ? b0 : k == 1 ? b1 : k == 2 ? b2 : b3;
                float ck = k == 0 ? c0 : k == 1 ? c1 : k == 2 ? c2 : c3;
                dx[dxb + k * cols + c] = Math.fma(d * gm, is, Math.fma(t, bk, ck));
                dg = Math.fma(d, t * is, dg);
                dbeta += d;
            }
            dGamma[dgOff + c] = dg;
            dBeta[dbOff + c] = dbeta;
        }
    }

    /**
     * One row of backward pass 1: dGamma += dy·xhat, dBeta += dy; returns Σg (high 32 bits) and Σg·xhat
     * (low 32 bits) with g = gamma·dy, as raw float bits packed in a long (two scalars, no allocation).
     */
    private static long gradientSums(int cols, float[] dy, int db, float[] x, int xb, float mu, float is,
            float[] gamma, int gOff, float[] dGamma, int dgOff, float[] dBeta, int dbOff) {
        // unmasked vector loop and a scalar tail: a masked load or store (and indexInRange) on every vector
        // costs about three times the loop below at cols = 1024; a masked vector tail, a second copy of the
        // body, would push the method past C2's inlining budget and box the vectors of the lane sums
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector vis = FloatVector.broadcast(S, is);
        FloatVector sg = FloatVector.zero(S);
        FloatVector sgx = FloatVector.zero(S);
        int bound = S.loopBound(cols);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector d = FloatVector.fromArray(S, dy, db + c);
            FloatVector h = FloatVector.fromArray(S, x, xb + c).sub(vmu).mul(vis);
            FloatVector g = d.mul(FloatVector.fromArray(S, gamma, gOff + c));
            sg = sg.add(g);
            sgx = g.fma(h, sgx);
            d.fma(h, FloatVector.fromArray(S, dGamma, dgOff + c)).intoArray(dGamma, dgOff + c);
            d.add(FloatVector.fromArray(S, dBeta, dbOff + c)).intoArray(dBeta, dbOff + c);
        }
        // both lane sums are Reductions.laneSum written inline: after the loop, C2 may decline to inline a
        // call to it (NodeCountInliningCutoff, depending on the profile) and would box its argument per row
        if (L >= 16) {
            sg = sg.add(sg.rearrange(Reductions.SWAP8));
            sgx = sgx.add(sgx.rearrange(Reductions.SWAP8));
        }
        if (L >= 8) {
            sg = sg.add(sg.rearrange(Reductions.SWAP4));
            sgx = sgx.add(sgx.rearrange(Reductions.SWAP4));
        }
        if (L >= 4) {
            sg = sg.add(sg.rearrange(Reductions.SWAP2));
            sgx = sgx.add(sgx.rearrange(Reductions.SWAP2));
        }
        sg = sg.add(sg.rearrange(Reductions.SWAP1));
        sgx = sgx.add(sgx.rearrange(Reductions.SWAP1));
        float sumG = sg.lane(0);
        float sumGx = sgx.lane(0);
        for (; c < cols; c++) {
            float d = dy[db + c];
            float h = (x[xb + c] - mu) * is;
            float g = d * gamma[gOff + c];
            sumG += g;
            sumGx = Math.fma(g, h, sumGx);
            dGamma[dgOff + c] = Math.fma(d, h, dGamma[dgOff + c]);
            dBeta[dbOff + c] += d;
        }
        return FloatPair.of(sumG, sumGx);
    }

    /**
     * One row of backward pass 2: dx = invStd/cols·(cols·g − Σg − xhat·Σ(g·xhat)), g = gamma·dy, evaluated as
     * g·invStd + ((x − mu)·B + C) with the row's coefficients B and C: two fmas per element, and x − mu is
     * formed first, so a large mean does not cancel.
     */
    private static void dxRow(int cols, float[] dy, int db, float[] x, int xb, float mu, float is, float[] gamma,
            int gOff, float sg, float sgx, float[] dx, int dxb) {
        // the row's coefficients B = −(invStd/cols)·Σ(g·xhat)·invStd and C = −(invStd/cols)·Σg, as dxRows4's
        float k = is / cols;
        float bb = -(k * sgx) * is;
        float cc = -(k * sg);
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector vis = FloatVector.broadcast(S, is);
        FloatVector vb = FloatVector.broadcast(S, bb);
        FloatVector vc = FloatVector.broadcast(S, cc);
        int bound = S.loopBound(cols);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector g = FloatVector.fromArray(S, dy, db + c).mul(FloatVector.fromArray(S, gamma, gOff + c));
            g.fma(vis, FloatVector.fromArray(S, x, xb + c).sub(vmu).fma(vb, vc)).intoArray(dx, dxb + c);
        }
        if (c < cols) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector g = FloatVector.fromArray(S, dy, db + c, m)
                    .mul(FloatVector.fromArray(S, gamma, gOff + c, m));
            g.fma(vis, FloatVector.fromArray(S, x, xb + c, m).sub(vmu).fma(vb, vc)).intoArray(dx, dxb + c, m);
        }
    }

    /**
     * The per-pool task; fields hold the current call's arguments and are cleared after it. FORWARD takes a
     * contiguous range of rows per worker, BACKWARD a contiguous range of row blocks.
     */
    private static final class Task implements ParallelTask {
        static final int FORWARD = 0;
        static final int BACKWARD = 1;
        /** Partial dGamma and dBeta of blocks 1, 2, ...: 2 x cols per block, grown when too small, never shrunk. */
        private float[] scratch = new float[0];
        int kind;
        int rows;
        int cols;
        int block;
        float[] x;
        int xOff;
        float[] gamma;
        int gOff;
        float[] beta;
        int bOff;
        float eps;
        float[] mean;
        float[] invStd;
        float[] dy;
        int dyOff;
        float[] dGamma;
        int dgOff;
        float[] dBeta;
        int dbOff;
        /** y (forward) or dx (backward) */
        float[] out;
        int outOff;

        float[] scratch(int length) {
            if (scratch.length < length) {
                scratch = new float[length];
            }
            return scratch;
        }

        void set(int kind, int rows, int cols, float[] x, int xOff, float[] gamma, int gOff, float[] mean,
                float[] invStd, float[] out, int outOff) {
            this.kind = kind;
            this.rows = rows;
            this.cols = cols;
            this.x = x;
            this.xOff = xOff;
            this.gamma = gamma;
            this.gOff = gOff;
            this.mean = mean;
            this.invStd = invStd;
            this.out = out;
            this.outOff = outOff;
        }

        void clear() {
            x = null;
            gamma = null;
            beta = null;
            mean = null;
            invStd = null;
            dy = null;
            dGamma = null;
            dBeta = null;
            out = null;
        }

        @Override
        public void run(int worker, int workers) {
            if (kind == FORWARD) {
                forwardRows(Ranges.start(rows, worker, workers), Ranges.end(rows, worker, workers), cols, x, xOff,
                        gamma, gOff, beta, bOff, eps, mean, invStd, out, outOff, fromMemory(rows, cols));
                return;
            }
            int blocks = (rows + block - 1) / block;
            int b1 = Ranges.end(blocks, worker, workers);
            for (int b = Ranges.start(blocks, worker, workers); b < b1; b++) {
                int r0 = b * block;
                int r1 = Math.min(rows, r0 + block);
                if (b == 0) {
                    backwardRows(r0, r1, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, dGamma, dgOff, dBeta,
                            dbOff, out, outOff);
                } else {
                    laterBlock(r0, r1, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, scratch,
                            2 * cols * (b - 1), out, outOff);
                }
            }
        }
    }
}
