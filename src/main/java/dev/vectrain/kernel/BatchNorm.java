/*
 * BatchNorm: normalisation of each column over the rows of a batch, forward (train and inference)
 * beside backward. Shapes: x, y, dy, dx (rows x cols) contiguous (ld = cols); gamma, beta,
 * dGamma, dBeta, runMean, runVar (cols) at offsets; mean, invStd (cols) and work (3 x cols) owned by the
 * caller (offset 0); mean and invStd are saved by forwardTrain for backward. No xhat is stored: backward
 * recomputes xhat = (x − mean)·invStd from the forward input with the two roundings forward applied, so
 * gradients are those of a stored xhat, and forward writes one (rows x cols) array instead of two.
 *
 * Work is split by columns into ranges aligned to LANES, one per worker. Each worker streams its
 * column range of every row in order 0..rows-1 (contiguous reads the prefetchers follow), keeping
 * per-column sums in the small mean/invStd outputs and work (forward) or a per-pool scratch (backward). Every
 * column's statistics are therefore computed by the same operations in the same row order whatever
 * the pool size: results are bitwise identical for any number of threads (and with a null pool).
 * Variance by two passes over each block of rows (merged with Chan et al.'s update), never E[x²] − μ².
 * It is not a layer: it keeps no running state of its own.
 */
package dev.vectrain.kernel;

import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Batch normalisation over the rows of a (rows x cols) batch, statistics per column. */
public final class BatchNorm {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;
    /** Below this many elements the call runs on the caller's thread only. */
    static final int PARALLEL_THRESHOLD = 1 << 15;
    /** Rows per block in forwardInference. */
    private static final int INFERENCE_ROWS = 8;

    private static final WorkerPool.Key<Task> TASK = new WorkerPool.Key<>(p -> new Task());

    private BatchNorm() {
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

    /** Floats of forwardTrain's work array for {@code cols} columns: 3·cols. */
    public static int workLength(int cols) {
        Check.nonNegative("cols", cols);
        if (cols > Integer.MAX_VALUE / 3) {
            throw new IllegalArgumentException("cols = " + cols + " is too large for a 3 x cols work array");
        }
        return 3 * cols;
    }

    private static boolean parallel(WorkerPool pool, int rows, int cols) {
        return pool != null && pool.threads() > 1 && (long) rows * cols >= PARALLEL_THRESHOLD && cols > L;
    }

    /**
     * Training forward. Per column: mean, biased variance var (two passes), invStd = 1/sqrt(var + eps),
     * y = gamma·xhat + beta with xhat = (x − mean)·invStd, evaluated as (x − mean)·(gamma·invStd) + beta; runMean = (1−momentum)·runMean + momentum·mean,
     * runVar = (1−momentum)·runVar + momentum·var·rows/(rows−1) (var itself when rows == 1, i.e. 0).
     * work (at least 3·cols floats) is scratch; its contents afterwards are unspecified. pool may be null
     * (runs on the caller). y may alias x, but backward reads x: a caller that trains keeps it.
     */
    public static void forwardTrain(WorkerPool pool, int rows, int cols, float[] x, int xOff, float[] gamma,
            int gOff, float[] beta, int bOff, float eps, float momentum, float[] runMean, int rmOff, float[] runVar,
            int rvOff, float[] mean, float[] invStd, float[] work, float[] y, int yOff) {
        int size = size(rows, cols);
        Check.range("x", x, xOff, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("beta", beta, bOff, cols);
        Check.range("runMean", runMean, rmOff, cols);
        Check.range("runVar", runVar, rvOff, cols);
        Check.range("mean", mean, 0, cols);
        Check.range("invStd", invStd, 0, cols);
        Check.range("work", work, 0, workLength(cols));
        Check.range("y", y, yOff, size);
        if (rows == 0 || cols == 0) {
            return;
        }
        if (!parallel(pool, rows, cols)) {
            forwardColumns(0, cols, rows, cols, x, xOff, gamma, gOff, beta, bOff, eps, momentum, runMean, rmOff,
                    runVar, rvOff, mean, invStd, work, y, yOff);
            return;
        }
        pool.claim();
        try {
            forwardParallel(pool.resource(TASK), pool, rows, cols, x, xOff, gamma, gOff, beta, bOff, eps, momentum,
                    runMean, rmOff, runVar, rvOff, mean, invStd, work, y, yOff);
        } finally {
            pool.release();
        }
    }

    private static void forwardParallel(Task t, WorkerPool pool, int rows, int cols, float[] x, int xOff,
            float[] gamma, int gOff, float[] beta, int bOff, float eps, float momentum, float[] runMean, int rmOff,
            float[] runVar, int rvOff, float[] mean, float[] invStd, float[] work, float[] y, int yOff) {
        t.kind = Task.FORWARD;
        t.rows = rows;
        t.cols = cols;
        t.a = x;
        t.aOff = xOff;
        t.gamma = gamma;
        t.gOff = gOff;
        t.beta = beta;
        t.bOff = bOff;
        t.eps = eps;
        t.momentum = momentum;
        t.runMean = runMean;
        t.rmOff = rmOff;
        t.runVar = runVar;
        t.rvOff = rvOff;
        t.mean = mean;
        t.invStd = invStd;
        t.work = work;
        t.out = y;
        t.outOff = yOff;
        t.execute(pool);
    }

    /**
     * Forward for columns [c0, c1) (c0 a multiple of LANES). Streams x row by row (contiguous reads) and
     * accumulates each column's sums in the caller's mean and invStd arrays, which stay in L1. When x has
     * more than blockRows(cols) rows, the statistics are computed per block of rows (sum, then squared
     * deviations while the block is still in L2) and merged block after block (Chan et al.), so x is read
     * from memory twice instead of three times.
     */
    static void forwardColumns(int c0, int c1, int rows, int cols, float[] x, int xOff, float[] gamma, int gOff,
            float[] beta, int bOff, float eps, float momentum, float[] runMean, int rmOff, float[] runVar, int rvOff,
            float[] mean, float[] invStd, float[] work, float[] y, int yOff) {
        int full = c0 + (c1 - c0) / L * L;
        int block = blockRows(cols);
        if (rows <= block) {
            // pass 1: column sums in mean[], rows in order
            blockSums(c0, c1, full, 0, rows, cols, x, xOff, mean);
            // pass 2: centred sums of squares in invStd[]
            blockSquaredDeviations(c0, c1, full, 0, rows, cols, x, xOff, mean, invStd, 0);
        } else {
            blockStatistics(c0, c1, full, rows, cols, block, x, xOff, mean, invStd, work);
        }
        finishStatistics(c0, c1, rows, eps, momentum, runMean, rmOff, runVar, rvOff, mean, invStd);
        // pass 3: y = (x − mean)·scale + beta with scale = gamma·invStd in work, four rows at a time
        scale(c0, c1, gamma, gOff, invStd, work);
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            normalizeRows4(c0, full, cols, x, xOff + r * cols, mean, work, beta, bOff, y, yOff + r * cols);
            for (int k = 0; k < 4 && full < c1; k++) {
                normalizeRow(full, c1, full, x, xOff + (r + k) * cols, mean, work, beta, bOff, y,
                        yOff + (r + k) * cols);
            }
        }
        for (; r < rows; r++) {
            normalizeRow(c0, c1, full, x, xOff + r * cols, mean, work, beta, bOff, y, yOff + r * cols);
        }
    }

    /**
     * Widest column range for backward's four-row dx step: four row segments of dy, x and dx, 24 KB, in a
     * 32 KB L1. Wider, the four-row step ran slower than one row at a time (probe at 1024x1024, one thread:
     * 1.02 against 0.58 ns per element for the dx pass), as layer norm's groups do (LayerNorm.GROUP_COLS).
     */
    private static final int DX_GROUP_COLS = 512;

    /** Bytes of x per block of rows in forwardTrain's statistics: a block is read twice, from L2 the second time. */
    private static final int BLOCK_BYTES = 256 * 1024;

    /** Rows per statistics block; depends on cols only (never on the thread count), at least 2. */
    static int blockRows(int cols) {
        return Math.max(2, BLOCK_BYTES / (Float.BYTES * Math.max(1, cols)));
    }

    /**
     * mean[c0 .. c1) = column means and invStd[c0 .. c1) = centred sums of squares of rows [0, rows), blocks
     * of `block` rows merged in order: n = na + nb, d = mean_b − mean_a, mean = mean_a + d·nb/n,
     * M2 = M2_a + M2_b + d²·na·nb/n. d is the block's mean deviation from mean_a (Σ(x − mean_a)/nb), never
     * the difference of two means of large values, which would cancel. work holds the block's centre
     * mean_a + d at [c0, c1), its M2 at cols + [c0, c1) and d at 2·cols + [c0, c1). The first block's
     * mean is corrected by its mean deviation from the float sum's mean, since every later d is measured
     * from it.
     */
    private static void blockStatistics(int c0, int c1, int full, int rows, int cols, int block, float[] x, int xOff,
            float[] mean, float[] invStd, float[] work) {
        blockSums(c0, c1, full, 0, block, cols, x, xOff, mean);
        blockDeviation(c0, c1, full, 0, block, cols, x, xOff, mean, work);
        System.arraycopy(work, c0, mean, c0, c1 - c0);
        blockSquaredDeviations(c0, c1, full, 0, block, cols, x, xOff, mean, invStd, 0);
        for (int r0 = block; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            blockDeviation(c0, c1, full, r0, r1, cols, x, xOff, mean, work);
            blockSquaredDeviations(c0, c1, full, r0, r1, cols, x, xOff, work, work, cols);
            mergeBlock(c0, c1, r0, r1 - r0, cols, mean, invStd, work);
        }
    }

    /** work[2·cols + c] = d = Σ over rows [r0, r1) of (x − mean) / (r1 − r0); work[c] = mean + d. */
    private static void blockDeviation(int c0, int c1, int full, int r0, int r1, int cols, float[] x, int xOff,
            float[] mean, float[] work) {
        int dOff = 2 * cols;
        java.util.Arrays.fill(work, dOff + c0, dOff + c1, 0f);
        int r = r0;
        for (; r + 8 <= r1; r += 8) {
            deviationRows8(c0, full, cols, x, xOff + r * cols, mean, work, dOff);
            for (int k = 0; k < 8 && full < c1; k++) {
                deviationRow(full, c1, full, x, xOff + (r + k) * cols, mean, work, dOff);
            }
        }
        for (; r < r1; r++) {
            deviationRow(c0, c1, full, x, xOff + r * cols, mean, work, dOff);
        }
        FloatVector n = FloatVector.broadcast(S, (float) (r1 - r0));
        for (int c = c0; c < c1; c += L) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector d = FloatVector.fromArray(S, work, dOff + c, m).div(n);
            d.intoArray(work, dOff + c, m);
            FloatVector.fromArray(S, mean, c, m).add(d).intoArray(work, c, m);
        }
    }

    /** s[sOff + c0 .. sOff + c1) += x − mean for one row. */
    private static void deviationRow(int c0, int c1, int full, float[] x, int p, float[] mean, float[] s, int sOff) {
        int c = c0;
        for (; c < full; c += L) {
            FloatVector d = FloatVector.fromArray(S, x, p + c).sub(FloatVector.fromArray(S, mean, c));
            FloatVector.fromArray(S, s, sOff + c).add(d).intoArray(s, sOff + c);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector d = FloatVector.fromArray(S, x, p + c, m).sub(FloatVector.fromArray(S, mean, c, m));
            FloatVector.fromArray(S, s, sOff + c, m).add(d).intoArray(s, sOff + c, m);
        }
    }

    /**
     * deviationRow for eight rows starting at p, full vectors [c0, c1) only (see sumRows4). This pass reads
     * x from memory; eight row streams keep one core's reads at the rate of a plain sequential read, where
     * four rows per step ran about 20 % slower.
     */
    private static void deviationRows8(int c0, int c1, int cols, float[] x, int p, float[] mean, float[] s,
            int sOff) {
        for (int c = c0; c < c1; c += L) {
            int a = p + c;
            FloatVector mu = FloatVector.fromArray(S, mean, c);
            FloatVector.fromArray(S, s, sOff + c).add(FloatVector.fromArray(S, x, a).sub(mu))
                    .add(FloatVector.fromArray(S, x, a + cols).sub(mu))
                    .add(FloatVector.fromArray(S, x, a + 2 * cols).sub(mu))
                    .add(FloatVector.fromArray(S, x, a + 3 * cols).sub(mu))
                    .add(FloatVector.fromArray(S, x, a + 4 * cols).sub(mu))
                    .add(FloatVector.fromArray(S, x, a + 5 * cols).sub(mu))
                    .add(FloatVector.fromArray(S, x, a + 6 * cols).sub(mu))
                    .add(FloatVector.fromArray(S, x, a + 7 * cols).sub(mu)).intoArray(s, sOff + c);
        }
    }

    /** mean[c0 .. c1) = mean over rows [r0, r1) of x (columns c0 .. c1). */
    private static void blockSums(int c0, int c1, int full, int r0, int r1, int cols, float[] x, int xOff,
            float[] mean) {
        java.util.Arrays.fill(mean, c0, c1, 0f);
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            sumRows4(c0, full, cols, x, xOff + r * cols, mean);
            for (int k = 0; k < 4 && full < c1; k++) {
                sumRow(full, c1, full, x, xOff + (r + k) * cols, mean);
            }
        }
        for (; r < r1; r++) {
            sumRow(c0, c1, full, x, xOff + r * cols, mean);
        }
        finishMean(c0, c1, r1 - r0, mean);
    }

    /** q[qOff + c0 .. qOff + c1) = Σ over rows [r0, r1) of (x − mean)². */
    private static void blockSquaredDeviations(int c0, int c1, int full, int r0, int r1, int cols, float[] x,
            int xOff, float[] mean, float[] q, int qOff) {
        java.util.Arrays.fill(q, qOff + c0, qOff + c1, 0f);
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            squaredDeviationsRows4(c0, full, cols, x, xOff + r * cols, mean, q, qOff);
            for (int k = 0; k < 4 && full < c1; k++) {
                squaredDeviationsRow(full, c1, full, x, xOff + (r + k) * cols, mean, q, qOff);
            }
        }
        for (; r < r1; r++) {
            squaredDeviationsRow(c0, c1, full, x, xOff + r * cols, mean, q, qOff);
        }
    }

    /** Merges the block statistics of nb rows in work (M2 at cols + c, d at 2·cols + c) into the first na rows'. */
    private static void mergeBlock(int c0, int c1, int na, int nb, int cols, float[] mean, float[] m2,
            float[] work) {
        float wb = (float) ((double) nb / (na + nb));
        float wd = (float) ((double) na * nb / (na + nb));
        for (int c = c0; c < c1; c += L) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector ma = FloatVector.fromArray(S, mean, c, m);
            FloatVector d = FloatVector.fromArray(S, work, 2 * cols + c, m);
            ma.add(d.mul(wb)).intoArray(mean, c, m);
            FloatVector.fromArray(S, m2, c, m).add(FloatVector.fromArray(S, work, cols + c, m)).add(d.mul(d).mul(wd))
                    .intoArray(m2, c, m);
        }
    }

    // Per-row helpers (here and in backward): one vector loop each, small enough for C2 to compile and
    // inline them whole; a single large method either fails C1 (out of registers, so it never leaves
    // tier 2, where vector operations box) or exceeds C2's inlining budget, and boxes vectors per call.
    // The *Rows4 variants take four consecutive rows over full vectors [c0, c1): a column's sum is loaded
    // and stored once per four rows instead of once per row, and gets the same additions in the same row
    // order as four calls of the one-row helper, so results are bitwise the same.

    /** mean[c0 .. c1) += four rows of x starting at p (full vectors only). */
    private static void sumRows4(int c0, int c1, int cols, float[] x, int p, float[] mean) {
        for (int c = c0; c < c1; c += L) {
            int q = p + c;
            FloatVector.fromArray(S, mean, c).add(FloatVector.fromArray(S, x, q))
                    .add(FloatVector.fromArray(S, x, q + cols)).add(FloatVector.fromArray(S, x, q + 2 * cols))
                    .add(FloatVector.fromArray(S, x, q + 3 * cols)).intoArray(mean, c);
        }
    }

    /** q[qOff + c0 .. qOff + c1) += (x − mean)² over four rows starting at p (full vectors only). */
    private static void squaredDeviationsRows4(int c0, int c1, int cols, float[] x, int p, float[] mean, float[] q,
            int qOff) {
        for (int c = c0; c < c1; c += L) {
            int a = p + c;
            FloatVector mu = FloatVector.fromArray(S, mean, c);
            FloatVector d0 = FloatVector.fromArray(S, x, a).sub(mu);
            FloatVector d1 = FloatVector.fromArray(S, x, a + cols).sub(mu);
            FloatVector d2 = FloatVector.fromArray(S, x, a + 2 * cols).sub(mu);
            FloatVector d3 = FloatVector.fromArray(S, x, a + 3 * cols).sub(mu);
            d3.fma(d3, d2.fma(d2, d1.fma(d1, d0.fma(d0, FloatVector.fromArray(S, q, qOff + c)))))
                    .intoArray(q, qOff + c);
        }
    }

    /** mean[c0 .. c1) += x row (columns c0 .. c1). */
    private static void sumRow(int c0, int c1, int full, float[] x, int p, float[] mean) {
        int c = c0;
        for (; c < full; c += L) {
            FloatVector.fromArray(S, mean, c).add(FloatVector.fromArray(S, x, p + c)).intoArray(mean, c);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector.fromArray(S, mean, c, m).add(FloatVector.fromArray(S, x, p + c, m)).intoArray(mean, c, m);
        }
    }

    /** mean[c0 .. c1) /= rows. */
    private static void finishMean(int c0, int c1, int rows, float[] mean) {
        FloatVector n = FloatVector.broadcast(S, (float) rows);
        for (int c = c0; c < c1; c += L) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector.fromArray(S, mean, c, m).div(n).intoArray(mean, c, m);
        }
    }

    /** q[qOff + c0 .. qOff + c1) += (x − mean)² for one row. */
    private static void squaredDeviationsRow(int c0, int c1, int full, float[] x, int p, float[] mean, float[] q,
            int qOff) {
        int c = c0;
        for (; c < full; c += L) {
            FloatVector d = FloatVector.fromArray(S, x, p + c).sub(FloatVector.fromArray(S, mean, c));
            d.fma(d, FloatVector.fromArray(S, q, qOff + c)).intoArray(q, qOff + c);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector d = FloatVector.fromArray(S, x, p + c, m).sub(FloatVector.fromArray(S, mean, c, m));
            d.fma(d, FloatVector.fromArray(S, q, qOff + c, m)).intoArray(q, qOff + c, m);
        }
    }

    /** invStd from the centred sums of squares held in invStd; running statistics updated. */
    private static void finishStatistics(int c0, int c1, int rows, float eps, float momentum, float[] runMean,
            int rmOff, float[] runVar, int rvOff, float[] mean, float[] invStd) {
        FloatVector n = FloatVector.broadcast(S, (float) rows);
        FloatVector nUnbiased = FloatVector.broadcast(S, (float) Math.max(1, rows - 1));
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector keep = FloatVector.broadcast(S, 1f - momentum);
        for (int c = c0; c < c1; c += L) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector q = FloatVector.fromArray(S, invStd, c, m);
            FloatVector mu = FloatVector.fromArray(S, mean, c, m);
            one.div(q.div(n).add(eps).sqrt()).intoArray(invStd, c, m);
            FloatVector rm = FloatVector.fromArray(S, runMean, rmOff + c, m);
            rm.mul(keep).add(mu.mul(momentum)).intoArray(runMean, rmOff + c, m);
            FloatVector rv = FloatVector.fromArray(S, runVar, rvOff + c, m);
            rv.mul(keep).add(q.div(nUnbiased).mul(momentum)).intoArray(runVar, rvOff + c, m);
        }
    }

    /** scale[c0 .. c1) = gamma·invStd. */
    private static void scale(int c0, int c1, float[] gamma, int gOff, float[] invStd, float[] scale) {
        for (int c = c0; c < c1; c += L) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector.fromArray(S, gamma, gOff + c, m).mul(FloatVector.fromArray(S, invStd, c, m))
                    .intoArray(scale, c, m);
        }
    }

    /** y = (x − mean)·scale + beta for one row, columns c0 .. c1. */
    private static void normalizeRow(int c0, int c1, int full, float[] x, int p, float[] mean, float[] scale,
            float[] beta, int bOff, float[] y, int q) {
        int c = c0;
        for (; c < full; c += L) {
            FloatVector.fromArray(S, x, p + c).sub(FloatVector.fromArray(S, mean, c))
                    .fma(FloatVector.fromArray(S, scale, c), FloatVector.fromArray(S, beta, bOff + c))
                    .intoArray(y, q + c);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector.fromArray(S, x, p + c, m).sub(FloatVector.fromArray(S, mean, c, m))
                    .fma(FloatVector.fromArray(S, scale, c, m), FloatVector.fromArray(S, beta, bOff + c, m))
                    .intoArray(y, q + c, m);
        }
    }

    /**
     * normalizeRow for four rows starting at (p, q), full vectors [c0, c1) only: a column's mean, scale and
     * beta are loaded once per four rows. All four rows are loaded before any is stored (see backwardDxRows4),
     * which also keeps y aliasing x correct.
     */
    private static void normalizeRows4(int c0, int c1, int cols, float[] x, int p, float[] mean, float[] scale,
            float[] beta, int bOff, float[] y, int q) {
        for (int c = c0; c < c1; c += L) {
            FloatVector mu = FloatVector.fromArray(S, mean, c);
            FloatVector sc = FloatVector.fromArray(S, scale, c);
            FloatVector b = FloatVector.fromArray(S, beta, bOff + c);
            int a = p + c;
            FloatVector y0 = FloatVector.fromArray(S, x, a).sub(mu).fma(sc, b);
            FloatVector y1 = FloatVector.fromArray(S, x, a + cols).sub(mu).fma(sc, b);
            FloatVector y2 = FloatVector.fromArray(S, x, a + 2 * cols).sub(mu).fma(sc, b);
            FloatVector y3 = FloatVector.fromArray(S, x, a + 3 * cols).sub(mu).fma(sc, b);
            int o = q + c;
            y0.intoArray(y, o);
            y1.intoArray(y, o + cols);
            y2.intoArray(y, o + 2 * cols);
            y3.intoArray(y, o + 3 * cols);
        }
    }

    /**
     * Inference forward with the running statistics: y = gamma·(x − runMean)/sqrt(runVar + eps) + beta.
     * y may alias x.
     */
    public static void forwardInference(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff,
            float[] beta, int bOff, float eps, float[] runMean, int rmOff, float[] runVar, int rvOff, float[] y,
            int yOff) {
        int size = size(rows, cols);
        Check.range("x", x, xOff, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("beta", beta, bOff, cols);
        Check.range("runMean", runMean, rmOff, cols);
        Check.range("runVar", runVar, rvOff, cols);
        Check.range("y", y, yOff, size);
        if (rows == 0 || cols == 0) {
            return;
        }
        // blocks of INFERENCE_ROWS rows: the per-column scale (a sqrt and a division) is computed once per
        // block, and the block's rows are read as that many concurrent contiguous streams
        int full = cols / L * L;
        for (int r0 = 0; r0 < rows; r0 += INFERENCE_ROWS) {
            int r1 = Math.min(rows, r0 + INFERENCE_ROWS);
            inferenceBlock(r0, r1, full, cols, x, xOff, gamma, gOff, beta, bOff, eps, runMean, rmOff, runVar, rvOff,
                    y, yOff);
            if (full < cols) {
                inferenceTail(r0, r1, full, cols, x, xOff, gamma, gOff, beta, bOff, eps, runMean, rmOff, runVar,
                        rvOff, y, yOff);
            }
        }
    }

    /** Rows r0 .. r1, full column vectors [0, full). */
    private static void inferenceBlock(int r0, int r1, int full, int cols, float[] x, int xOff, float[] gamma,
            int gOff, float[] beta, int bOff, float eps, float[] runMean, int rmOff, float[] runVar, int rvOff,
            float[] y, int yOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int c = 0; c < full; c += L) {
            FloatVector is = one.div(FloatVector.fromArray(S, runVar, rvOff + c).add(eps).sqrt());
            FloatVector scale = FloatVector.fromArray(S, gamma, gOff + c).mul(is);
            FloatVector rm = FloatVector.fromArray(S, runMean, rmOff + c);
            FloatVector b = FloatVector.fromArray(S, beta, bOff + c);
            for (int r = r0, px = xOff + r0 * cols + c, py = yOff + r0 * cols + c; r < r1;
                    r++, px += cols, py += cols) {
                FloatVector.fromArray(S, x, px).sub(rm).fma(scale, b).intoArray(y, py);
            }
        }
    }

    /** Rows r0 .. r1, the masked last column vector starting at c. */
    private static void inferenceTail(int r0, int r1, int c, int cols, float[] x, int xOff, float[] gamma, int gOff,
            float[] beta, int bOff, float eps, float[] runMean, int rmOff, float[] runVar, int rvOff, float[] y,
            int yOff) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector is = one.div(FloatVector.fromArray(S, runVar, rvOff + c, m).add(eps).sqrt());
        FloatVector scale = FloatVector.fromArray(S, gamma, gOff + c, m).mul(is);
        FloatVector rm = FloatVector.fromArray(S, runMean, rmOff + c, m);
        FloatVector b = FloatVector.fromArray(S, beta, bOff + c, m);
        for (int r = r0, px = xOff + r0 * cols + c, py = yOff + r0 * cols + c; r < r1; r++, px += cols, py += cols) {
            FloatVector.fromArray(S, x, px, m).sub(rm).fma(scale, b).intoArray(y, py, m);
        }
    }

    /**
     * Backward. Per column: dBeta += Σ dy, dGamma += Σ dy·xhat (accumulate);
     * dx = k·(rows·dy − Σdy − xhat·Σ(dy·xhat)) with k = gamma·invStd/rows (overwrites dx; may alias dy), where
     * xhat = (x − mean)·invStd from forwardTrain's input x and its mean and invStd. dx is evaluated as
     * A·dy + (B·(x − mean) + C) with per-column A = gamma·invStd, B = −k·invStd·Σ(dy·xhat), C = −k·Σdy: two
     * fmas per element, and x − mean is still formed first, so large means do not cancel. Σ(dy·xhat) is
     * summed as invStd·Σ(dy·(x − mean)): one multiplication per column instead of one per element.
     * pool may be null (runs on the caller).
     */
    public static void backward(WorkerPool pool, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta,
            int dbOff, float[] dx, int dxOff) {
        int size = size(rows, cols);
        Check.range("dy", dy, dyOff, size);
        Check.range("x", x, xOff, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("mean", mean, 0, cols);
        Check.range("invStd", invStd, 0, cols);
        Check.range("dGamma", dGamma, dgOff, cols);
        Check.range("dBeta", dBeta, dbOff, cols);
        Check.range("dx", dx, dxOff, size);
        if (rows == 0 || cols == 0) {
            return;
        }
        if (pool == null) {
            backwardBlocks(0, cols, rows, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, dGamma, dgOff, dBeta,
                    dbOff, dx, dxOff);
            return;
        }
        pool.claim();
        try {
            backwardPooled(pool.resource(TASK), pool, rows, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd,
                    dGamma, dgOff, dBeta, dbOff, dx, dxOff);
        } finally {
            pool.release();
        }
    }

    private static void backwardPooled(Task t, WorkerPool pool, int rows, int cols, float[] dy, int dyOff,
            float[] x, int xOff, float[] gamma, int gOff, float[] mean, float[] invStd, float[] dGamma, int dgOff,
            float[] dBeta, int dbOff, float[] dx, int dxOff) {
        t.kind = Task.BACKWARD;
        t.rows = rows;
        t.cols = cols;
        t.a = dy;
        t.aOff = dyOff;
        t.x = x;
        t.xOff = xOff;
        t.gamma = gamma;
        t.gOff = gOff;
        t.mean = mean;
        t.invStd = invStd;
        t.dGamma = dGamma;
        t.dgOff = dgOff;
        t.dBeta = dBeta;
        t.dbOff = dbOff;
        t.out = dx;
        t.outOff = dxOff;
        if (t.scratch.length < 3 * cols) {
            t.scratch = new float[3 * cols];
        }
        if (parallel(pool, rows, cols)) {
            t.execute(pool);
        } else {
            t.run(0, 1);
            t.clear();
        }
    }

    /**
     * Backward for columns [c0, c1) streaming dy and x row by row; per-column sums in scratch, [0, cols)
     * Σdy and [cols, 2·cols) Σdy·(x − mean), then replaced by dx's coefficients C and B, with A at
     * [2·cols, 3·cols) (see backward). Same arithmetic, in the same row order, as backwardBlocks.
     */
    static void backwardRows(int c0, int c1, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta,
            int dbOff, float[] dx, int dxOff, float[] scratch) {
        int full = c0 + (c1 - c0) / L * L;
        java.util.Arrays.fill(scratch, c0, c1, 0f);
        java.util.Arrays.fill(scratch, cols + c0, cols + c1, 0f);
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            backwardSumsRows4(c0, full, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, scratch);
            for (int k = 0; k < 4 && full < c1; k++) {
                backwardSumsRow(full, c1, full, cols, dy, dyOff + (r + k) * cols, x, xOff + (r + k) * cols, mean,
                        scratch);
            }
        }
        for (; r < rows; r++) {
            backwardSumsRow(c0, c1, full, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, scratch);
        }
        backwardFinishSums(c0, c1, rows, cols, gamma, gOff, invStd, dGamma, dgOff, dBeta, dbOff, scratch);
        // four rows per step only while their dy, x and dx segments fit in L1 (see DX_GROUP_COLS)
        int groupEnd = c1 - c0 <= DX_GROUP_COLS ? rows : 0;
        for (r = 0; r + 4 <= groupEnd; r += 4) {
            backwardDxRows4(c0, full, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, dx, dxOff + r * cols,
                    scratch);
            for (int k = 0; k < 4 && full < c1; k++) {
                backwardDxRow(full, c1, full, cols, dy, dyOff + (r + k) * cols, x, xOff + (r + k) * cols, mean, dx,
                        dxOff + (r + k) * cols, scratch);
            }
        }
        for (; r < rows; r++) {
            backwardDxRow(c0, c1, full, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, dx, dxOff + r * cols,
                    scratch);
        }
    }

    /** scratch[c] += dy, scratch[cols + c] += dy·(x − mean) for one row, columns c0 .. c1. */
    private static void backwardSumsRow(int c0, int c1, int full, int cols, float[] dy, int pd, float[] x, int px,
            float[] mean, float[] scratch) {
        int sdh = cols;
        int c = c0;
        for (; c < full; c += L) {
            FloatVector d = FloatVector.fromArray(S, dy, pd + c);
            FloatVector h = FloatVector.fromArray(S, x, px + c).sub(FloatVector.fromArray(S, mean, c));
            FloatVector.fromArray(S, scratch, c).add(d).intoArray(scratch, c);
            d.fma(h, FloatVector.fromArray(S, scratch, sdh + c)).intoArray(scratch, sdh + c);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector d = FloatVector.fromArray(S, dy, pd + c, m);
            FloatVector h = FloatVector.fromArray(S, x, px + c, m).sub(FloatVector.fromArray(S, mean, c, m));
            FloatVector.fromArray(S, scratch, c, m).add(d).intoArray(scratch, c, m);
            d.fma(h, FloatVector.fromArray(S, scratch, sdh + c, m)).intoArray(scratch, sdh + c, m);
        }
    }

    /** backwardSumsRow for four rows starting at (pd, px), full vectors [c0, c1) only (see sumRows4). */
    private static void backwardSumsRows4(int c0, int c1, int cols, float[] dy, int pd, float[] x, int px,
            float[] mean, float[] scratch) {
        int sdh = cols;
        for (int c = c0; c < c1; c += L) {
            int a = pd + c;
            int b = px + c;
            FloatVector mu = FloatVector.fromArray(S, mean, c);
            FloatVector d0 = FloatVector.fromArray(S, dy, a);
            FloatVector d1 = FloatVector.fromArray(S, dy, a + cols);
            FloatVector d2 = FloatVector.fromArray(S, dy, a + 2 * cols);
            FloatVector d3 = FloatVector.fromArray(S, dy, a + 3 * cols);
            FloatVector.fromArray(S, scratch, c).add(d0).add(d1).add(d2).add(d3).intoArray(scratch, c);
            FloatVector t = d0.fma(FloatVector.fromArray(S, x, b).sub(mu), FloatVector.fromArray(S, scratch, sdh + c));
            t = d1.fma(FloatVector.fromArray(S, x, b + cols).sub(mu), t);
            t = d2.fma(FloatVector.fromArray(S, x, b + 2 * cols).sub(mu), t);
            d3.fma(FloatVector.fromArray(S, x, b + 3 * cols).sub(mu), t).intoArray(scratch, sdh + c);
        }
    }

    /** dBeta, dGamma += the column sums; scratch = dx's coefficients C, B, A (see backward) in place of the sums. */
    private static void backwardFinishSums(int c0, int c1, int rows, int cols, float[] gamma, int gOff,
            float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff, float[] scratch) {
        int sb = cols;
        int sa = 2 * cols;
        FloatVector n = FloatVector.broadcast(S, (float) rows);
        for (int c = c0; c < c1; c += L) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector is = FloatVector.fromArray(S, invStd, c, m);
            FloatVector sd = FloatVector.fromArray(S, scratch, c, m);
            FloatVector sdh = FloatVector.fromArray(S, scratch, sb + c, m).mul(is);
            FloatVector.fromArray(S, dBeta, dbOff + c, m).add(sd).intoArray(dBeta, dbOff + c, m);
            FloatVector.fromArray(S, dGamma, dgOff + c, m).add(sdh).intoArray(dGamma, dgOff + c, m);
            FloatVector a = FloatVector.fromArray(S, gamma, gOff + c, m).mul(is);
            FloatVector k = a.div(n);
            k.mul(sd).neg().intoArray(scratch, c, m);
            k.mul(is).mul(sdh).neg().intoArray(scratch, sb + c, m);
            a.intoArray(scratch, sa + c, m);
        }
    }

    /** dx = A·dy + (B·(x − mean) + C) for one row, columns c0 .. c1, coefficients in scratch. */
    private static void backwardDxRow(int c0, int c1, int full, int cols, float[] dy, int pd, float[] x, int px,
            float[] mean, float[] dx, int pdx, float[] scratch) {
        int sb = cols;
        int sa = 2 * cols;
        int c = c0;
        for (; c < full; c += L) {
            FloatVector t = FloatVector.fromArray(S, x, px + c).sub(FloatVector.fromArray(S, mean, c))
                    .fma(FloatVector.fromArray(S, scratch, sb + c), FloatVector.fromArray(S, scratch, c));
            FloatVector.fromArray(S, dy, pd + c).fma(FloatVector.fromArray(S, scratch, sa + c), t)
                    .intoArray(dx, pdx + c);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector t = FloatVector.fromArray(S, x, px + c, m).sub(FloatVector.fromArray(S, mean, c, m))
                    .fma(FloatVector.fromArray(S, scratch, sb + c, m), FloatVector.fromArray(S, scratch, c, m));
            FloatVector.fromArray(S, dy, pd + c, m).fma(FloatVector.fromArray(S, scratch, sa + c, m), t)
                    .intoArray(dx, pdx + c, m);
        }
    }

    /**
     * backwardDxRow for four rows starting at (pd, px, pdx), full vectors [c0, c1) only: a column's four
     * coefficients are loaded once per four rows (the row pass is otherwise bound by loads). All loads come
     * before the stores: rows lie 4·cols bytes apart, and large arrays often share their address's low 12
     * bits, so a load of row r + 1 issued after the store to row r would wait on it (4K aliasing).
     */
    private static void backwardDxRows4(int c0, int c1, int cols, float[] dy, int pd, float[] x, int px,
            float[] mean, float[] dx, int pdx, float[] scratch) {
        int sb = cols;
        int sa = 2 * cols;
        for (int c = c0; c < c1; c += L) {
            FloatVector mu = FloatVector.fromArray(S, mean, c);
            FloatVector cc = FloatVector.fromArray(S, scratch, c);
            FloatVector b = FloatVector.fromArray(S, scratch, sb + c);
            FloatVector a = FloatVector.fromArray(S, scratch, sa + c);
            int o = c;
            FloatVector d0 = FloatVector.fromArray(S, dy, pd + o)
                    .fma(a, FloatVector.fromArray(S, x, px + o).sub(mu).fma(b, cc));
            FloatVector d1 = FloatVector.fromArray(S, dy, pd + o + cols)
                    .fma(a, FloatVector.fromArray(S, x, px + o + cols).sub(mu).fma(b, cc));
            FloatVector d2 = FloatVector.fromArray(S, dy, pd + o + 2 * cols)
                    .fma(a, FloatVector.fromArray(S, x, px + o + 2 * cols).sub(mu).fma(b, cc));
            FloatVector d3 = FloatVector.fromArray(S, dy, pd + o + 3 * cols)
                    .fma(a, FloatVector.fromArray(S, x, px + o + 3 * cols).sub(mu).fma(b, cc));
            d0.intoArray(dx, pdx + o);
            d1.intoArray(dx, pdx + o + cols);
            d2.intoArray(dx, pdx + o + 2 * cols);
            d3.intoArray(dx, pdx + o + 3 * cols);
        }
    }

    /**
     * Backward without a pool (no scratch): a vector of LANES columns walks all rows with its sums in
     * registers. Strided reads, so slower on large batches than backwardRows, but bitwise the same.
     */
    static void backwardBlocks(int c0, int c1, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta,
            int dbOff, float[] dx, int dxOff) {
        for (int c = c0; c < c1; c += L) {
            columnVectorGradients(c, c1, rows, cols, dy, dyOff, x, xOff, mean, invStd, dGamma, dgOff, dBeta, dbOff);
            columnVectorDx(c, c1, rows, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, dx, dxOff);
        }
    }

    // backwardBlocks in two small helpers (the sums are recomputed, by the same operations in the same
    // order, in the second): as one method, C1 runs out of registers on it, so it never leaves tier 2, where
    // every vector operation allocates.

    /** dBeta += Σ_r dy, dGamma += invStd·Σ_r dy·(x − mean) for the (masked) column vector starting at c. */
    private static void columnVectorGradients(int c, int c1, int rows, int cols, float[] dy, int dyOff, float[] x,
            int xOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff) {
        VectorMask<Float> m = S.indexInRange(c, c1);
        FloatVector mu = FloatVector.fromArray(S, mean, c, m);
        FloatVector is = FloatVector.fromArray(S, invStd, c, m);
        FloatVector sd = FloatVector.zero(S);
        FloatVector sdh = FloatVector.zero(S);
        for (int r = 0, p = xOff + c, pd = dyOff + c; r < rows; r++, p += cols, pd += cols) {
            FloatVector d = FloatVector.fromArray(S, dy, pd, m);
            sd = sd.add(d);
            sdh = d.fma(FloatVector.fromArray(S, x, p, m).sub(mu), sdh);
        }
        FloatVector.fromArray(S, dBeta, dbOff + c, m).add(sd).intoArray(dBeta, dbOff + c, m);
        FloatVector.fromArray(S, dGamma, dgOff + c, m).add(sdh.mul(is)).intoArray(dGamma, dgOff + c, m);
    }

    /** dx for the (masked) column vector starting at c; recomputes the column sums of columnVectorGradients. */
    private static void columnVectorDx(int c, int c1, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] dx, int dxOff) {
        FloatVector n = FloatVector.broadcast(S, (float) rows);
        VectorMask<Float> m = S.indexInRange(c, c1);
        FloatVector mu = FloatVector.fromArray(S, mean, c, m);
        FloatVector is = FloatVector.fromArray(S, invStd, c, m);
        FloatVector sd = FloatVector.zero(S);
        FloatVector sdh = FloatVector.zero(S);
        for (int r = 0, p = xOff + c, pd = dyOff + c; r < rows; r++, p += cols, pd += cols) {
            FloatVector d = FloatVector.fromArray(S, dy, pd, m);
            sd = sd.add(d);
            sdh = d.fma(FloatVector.fromArray(S, x, p, m).sub(mu), sdh);
        }
        // dx's coefficients, by the operations of backwardFinishSums
        FloatVector a = FloatVector.fromArray(S, gamma, gOff + c, m).mul(is);
        FloatVector k = a.div(n);
        FloatVector cc = k.mul(sd).neg();
        FloatVector b = k.mul(is).mul(sdh.mul(is)).neg();
        for (int r = 0, p = xOff + c, pd = dyOff + c, px = dxOff + c; r < rows;
                r++, p += cols, pd += cols, px += cols) {
            FloatVector t = FloatVector.fromArray(S, x, p, m).sub(mu).fma(b, cc);
            FloatVector.fromArray(S, dy, pd, m).fma(a, t).intoArray(dx, px, m);
        }
    }

    /** The per-pool task; fields hold the current call's arguments and are cleared after it. */
    private static final class Task implements ParallelTask {
        static final int FORWARD = 0;
        static final int BACKWARD = 1;
        /** Backward's per-column sums (3 x cols), grown when too small, never shrunk. */
        float[] scratch = new float[0];
        int kind;
        int rows;
        int cols;
        float[] a;
        int aOff;
        float[] gamma;
        int gOff;
        float[] beta;
        int bOff;
        float eps;
        float momentum;
        float[] runMean;
        int rmOff;
        float[] runVar;
        int rvOff;
        float[] mean;
        float[] invStd;
        /** forward's block statistics, 3 x cols (the caller's work array) */
        float[] work;
        /** backward's forward input */
        float[] x;
        int xOff;
        float[] dGamma;
        int dgOff;
        float[] dBeta;
        int dbOff;
        float[] out;
        int outOff;

        void execute(WorkerPool pool) {
            try {
                pool.execute(this);
            } finally {
                clear();
            }
        }

        void clear() {
            a = null;
            gamma = null;
            beta = null;
            runMean = null;
            runVar = null;
            mean = null;
            invStd = null;
            work = null;
            x = null;
            dGamma = null;
            dBeta = null;
            out = null;
        }

        @Override
        public void run(int worker, int workers) {
            int c0 = Ranges.alignedStart(cols, worker, workers, L);
            int c1 = Ranges.alignedEnd(cols, worker, workers, L);
            if (c0 >= c1) {
                return;
            }
            if (kind == FORWARD) {
                forwardColumns(c0, c1, rows, cols, a, aOff, gamma, gOff, beta, bOff, eps, momentum, runMean, rmOff,
                        runVar, rvOff, mean, invStd, work, out, outOff);
            } else {
                backwardRows(c0, c1, rows, cols, a, aOff, x, xOff, gamma, gOff, mean, invStd, dGamma, dgOff, dBeta,
                        dbOff, out, outOff, scratch);
            }
        }
    }
}
