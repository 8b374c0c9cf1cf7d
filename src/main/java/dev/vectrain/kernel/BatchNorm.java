/*
 * BatchNorm: normalisation of each column over the rows of a batch, forward (train and inference)
 * beside backward. Shapes: x, y, dy, dx (rows x cols) contiguous (ld = cols); gamma, beta, dGamma, dBeta,
 * runMean, runVar (cols) at offsets; mean, invStd (cols) and work (workLength(cols) = 4 x cols) owned by
 * the caller (offset 0); mean and invStd are saved by forwardTrain for backward. No xhat is stored: backward
 * reads x, so forward writes one (rows x cols) array.
 *
 * Rows are cut into fixed blocks (blockRows(rows, cols), never a function of the thread count). Forward's
 * statistics are computed per block and merged in block order; backward's column sums are summed per block
 * and added in block order. A pool takes blocks (statistics, sums) and rows (normalise, dx, inference) in
 * contiguous ranges, every worker streaming whole rows; the merges run on the calling thread. Every column therefore
 * gets the same operations in the same order whatever the pool size: results are bitwise identical for any
 * number of threads and with a null pool.
 * Variance: a block's deviations from a shift (the first block's mean) and their squares are summed in one
 * pass, M2 = Q − n·d², and squared again around the block's own centre, the block still in L2, in the columns
 * where n·d² is over a quarter of Q (the first block: over Q/1024); blocks are merged with Chan et al.'s update;
 * never the unshifted E[x²] − μ². It is not a layer: it keeps no running state of its own.
 */
package dev.vectrain.kernel;

import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Batch normalisation over the rows of a (rows x cols) batch, statistics per column. */
public final class BatchNorm {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;
    /** Below this many elements the call runs on the caller's thread only. */
    static final int PARALLEL_THRESHOLD = 1 << 15;
    /** Rows per block in forwardInference. */
    private static final int INFERENCE_ROWS = 8;
    /** Bytes of x per statistics block at most: forward reads a block a second time, from L2. */
    private static final int BLOCK_BYTES = 256 * 1024;
    /**
     * About how many blocks a batch large enough for the pool is cut into while its blocks stay under
     * BLOCK_BYTES: work for several threads. More, smaller blocks cost one thread time (at 1024x1024, 64
     * blocks of 16 rows took 0.38-0.46 ns per element against 0.32-0.33 for 16 blocks of 64, probe).
     */
    private static final int TARGET_BLOCKS = 16;
    /** Fewest rows per block (a multiple of 8): a merge costs about ten operations per column. */
    private static final int MIN_BLOCK_ROWS = 16;
    /**
     * Widest rows for backward's four-row dx step: four rows of dy, x and dx, 24 KB, in a 32 KB L1. Wider,
     * the four-row step ran slower than one row at a time (probe at 1024x1024, one thread: 1.02 against
     * 0.58 ns per element for the dx pass), as layer norm's four-row groups do (LayerNorm.GROUP_COLS).
     */
    private static final int DX_GROUP_COLS = 512;

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

    /** Floats of forwardTrain's and backward's work array for {@code cols} columns: 4·cols. */
    public static int workLength(int cols) {
        return Check.workLength(cols, 4);
    }

    /**
     * Rows per block for a (rows x cols) batch: at most BLOCK_BYTES of x (at least 2 rows); from
     * PARALLEL_THRESHOLD elements about rows / TARGET_BLOCKS, rounded up to a multiple of MIN_BLOCK_ROWS, if
     * that is fewer. Depends on the shape only, never on the pool.
     */
    static int blockRows(int rows, int cols) {
        int cap = Math.max(2, BLOCK_BYTES / (Float.BYTES * Math.max(1, cols)));
        if ((long) rows * cols < PARALLEL_THRESHOLD) {
            return cap;
        }
        int spread = ((rows + TARGET_BLOCKS - 1) / TARGET_BLOCKS + MIN_BLOCK_ROWS - 1) / MIN_BLOCK_ROWS
                * MIN_BLOCK_ROWS;
        return Math.min(cap, spread);
    }

    private static boolean parallel(WorkerPool pool, int rows, int cols) {
        return pool != null && pool.threads() > 1 && (long) rows * cols >= PARALLEL_THRESHOLD;
    }

    /**
     * Training forward. Per column: mean, biased variance var, invStd = 1/sqrt(var + eps), y = gamma·xhat + beta
     * with xhat = (x − mean)·invStd, evaluated as (x − mean)·(gamma·invStd) + beta; runMean = (1−momentum)·runMean
     * + momentum·mean, runVar = (1−momentum)·runVar + momentum·var·rows/(rows−1) (var itself when rows == 1,
     * i.e. 0). work (workLength(cols) floats) is scratch; its contents afterwards are unspecified. pool may be
     * null (runs on the caller). y may alias x, but backward reads x: a caller that trains keeps it.
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
            statistics(null, rows, cols, x, xOff, mean, invStd, work);
            finishStatistics(cols, rows, eps, momentum, runMean, rmOff, runVar, rvOff, mean, invStd, work);
            scale(cols, gamma, gOff, invStd, work);
            normalizeRows(0, rows, cols, x, xOff, mean, work, beta, bOff, y, yOff);
            return;
        }
        pool.claim();
        try {
            statistics(pool, rows, cols, x, xOff, mean, invStd, work);
            finishStatistics(cols, rows, eps, momentum, runMean, rmOff, runVar, rvOff, mean, invStd, work);
            scale(cols, gamma, gOff, invStd, work);
            Task t = pool.resource(TASK);
            t.beta = beta;
            t.bOff = bOff;
            t.execute(pool, Task.NORMALIZE, rows, cols, 0, x, xOff, null, 0, mean, work, y, yOff);
        } finally {
            pool.release();
        }
    }

    /**
     * Column statistics of x: on return mean[c] holds the deviation of the column mean from the shift
     * work[c] (the first block's mean) and invStd[c] the column's centred sum of squares M2. The first block
     * runs on the caller; the others on pool (when not null, which the caller has claimed), each into its slot
     * of the task's block scratch, merged here in block order; without a pool each block is merged as soon as
     * it is done, by the same operations.
     */
    private static void statistics(WorkerPool pool, int rows, int cols, float[] x, int xOff, float[] mean,
            float[] invStd, float[] work) {
        int full = cols / L * L;
        int block = blockRows(rows, cols);
        int blocks = (rows + block - 1) / block;
        firstBlock(Math.min(rows, block), cols, full, x, xOff, mean, invStd, work);
        if (blocks < 2) {
            return;
        }
        if (pool == null) {
            for (int b = 1; b < blocks; b++) {
                int r0 = b * block;
                int r1 = Math.min(rows, r0 + block);
                blockStatistics(r0, r1, cols, full, x, xOff, work, work, cols);
                mergeBlock(cols, r0, r1 - r0, mean, invStd, work, cols);
            }
            return;
        }
        Task t = pool.resource(TASK);
        float[] s = t.scratch(2 * cols * (blocks - 1));
        t.execute(pool, Task.BLOCK_STATISTICS, rows, cols, block, x, xOff, null, 0, null, work, null, 0);
        for (int b = 1; b < blocks; b++) {
            int r0 = b * block;
            mergeBlock(cols, r0, Math.min(rows, r0 + block) - r0, mean, invStd, s, 2 * cols * (b - 1));
        }
    }

    /**
     * The first block's statistics; its corrected mean becomes the shift of every block. mean0 = the float mean
     * of rows [0, n); then, in one pass, d = Σ(x − mean0)/n and Q = Σ(x − mean0)², and M2 = Q − n·d². d is the
     * rounding error of mean0, so n·d² is a negligible part of Q; in the columns where it is not (n·d² > Q/1024: a
     * mean millions of times the spread, or a constant column), M2 is the squares summed again around mean0 + d
     * (twoPassBlockStatistics). On return work[c] = mean0 + d, mean[c] = 0 (the deviation from it), invStd[c] = M2.
     */
    private static void firstBlock(int n, int cols, int full, float[] x, int xOff, float[] mean, float[] invStd,
            float[] work) {
        blockSums(0, n, cols, full, x, xOff, work, 0);
        shiftedSums(0, n, cols, full, x, xOff, work, work, cols);
        boolean again = firstBlockDeviations(n, cols, work);
        // Q aside; then, if some column needs it, the two-pass M2 of every column (d is the same sum, bitwise),
        // kept only in the columns that need it: a column's statistics never depend on another column's data
        System.arraycopy(work, 2 * cols, work, 3 * cols, cols);
        if (again) {
            twoPassBlockStatistics(0, n, cols, full, x, xOff, work, work, cols);
        }
        firstBlockFinish(n, cols, again, mean, invStd, work);
    }

    // firstBlock's vector loops are methods of their own: in one method with its passes, C1 ran out of virtual
    // registers on it (COMPILE SKIPPED), which leaves it in code that allocates its vectors.

    /**
     * d = work[cols + c] / n in place; whether some column needs the second pass: n·d² > Q/1024, where Q − n·d²
     * would lose more than a few bits. The comparison is written out here and in firstBlockFinish: as a helper
     * taking vectors it was sometimes left out of line by C2 ("low call site frequency" in firstBlockFinish), and
     * its four vector arguments were boxed on every call (384 B per call in some JMH forks of 256x10).
     */
    private static boolean firstBlockDeviations(int n, int cols, float[] work) {
        FloatVector vn = FloatVector.broadcast(S, (float) n);
        boolean again = false;
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector d = FloatVector.fromArray(S, work, cols + c, m).div(vn);
            FloatVector q = FloatVector.fromArray(S, work, 2 * cols + c, m);
            again |= d.mul(d).mul(vn).compare(VectorOperators.GT, q.mul(1f / 1024), m).anyTrue();
            d.intoArray(work, cols + c, m);
        }
        return again;
    }

    /**
     * M2 = Q − n·d² (Q at work[3·cols + c]), or the second pass's M2 (at work[2·cols + c]) in the columns that
     * need it; then work[c] = mean0 + d, mean[c] = 0, invStd[c] = M2.
     */
    private static void firstBlockFinish(int n, int cols, boolean again, float[] mean, float[] invStd,
            float[] work) {
        FloatVector vn = FloatVector.broadcast(S, (float) n);
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector d = FloatVector.fromArray(S, work, cols + c, m);
            FloatVector q = FloatVector.fromArray(S, work, 3 * cols + c, m);
            FloatVector m2 = q.sub(d.mul(d).mul(vn));
            if (again) {
                VectorMask<Float> redo = d.mul(d).mul(vn).compare(VectorOperators.GT, q.mul(1f / 1024), m);
                m2 = m2.blend(FloatVector.fromArray(S, work, 2 * cols + c, m), redo);
            }
            m2.intoArray(invStd, c, m);
            FloatVector.fromArray(S, work, c, m).add(d).intoArray(work, c, m);
            FloatVector.zero(S).intoArray(mean, c, m);
        }
    }

    /** dst[dOff + c] += x − shift, dst[dOff + cols + c] += (x − shift)² over four rows (full vectors [0, c1)). */
    private static void shiftedSumsRows4(int c1, int cols, float[] x, int p, float[] shift, float[] dst, int dOff) {
        int qOff = dOff + cols;
        for (int c = 0; c < c1; c += L) {
            int a = p + c;
            FloatVector s = FloatVector.fromArray(S, shift, c);
            FloatVector t0 = FloatVector.fromArray(S, x, a).sub(s);
            FloatVector t1 = FloatVector.fromArray(S, x, a + cols).sub(s);
            FloatVector t2 = FloatVector.fromArray(S, x, a + 2 * cols).sub(s);
            FloatVector t3 = FloatVector.fromArray(S, x, a + 3 * cols).sub(s);
            FloatVector.fromArray(S, dst, dOff + c).add(t0).add(t1).add(t2).add(t3).intoArray(dst, dOff + c);
            t3.fma(t3, t2.fma(t2, t1.fma(t1, t0.fma(t0, FloatVector.fromArray(S, dst, qOff + c)))))
                    .intoArray(dst, qOff + c);
        }
    }

    /** dst[dOff + c] += x − shift, dst[dOff + cols + c] += (x − shift)² for one row, full vectors [0, c1). */
    private static void shiftedSumsRow(int c1, int cols, float[] x, int p, float[] shift, float[] dst,
            int dOff) {
        int qOff = dOff + cols;
        for (int c = 0; c < c1; c += L) {
            FloatVector t = FloatVector.fromArray(S, x, p + c).sub(FloatVector.fromArray(S, shift, c));
            FloatVector.fromArray(S, dst, dOff + c).add(t).intoArray(dst, dOff + c);
            t.fma(t, FloatVector.fromArray(S, dst, qOff + c)).intoArray(dst, qOff + c);
        }
    }

    /** dst[dOff + c] = mean over rows [r0, r1) of x (all columns). */
    private static void blockSums(int r0, int r1, int cols, int full, float[] x, int xOff, float[] dst, int dOff) {
        java.util.Arrays.fill(dst, dOff, dOff + cols, 0f);
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            sumRows4(full, cols, x, xOff + r * cols, dst, dOff);
        }
        for (; r < r1; r++) {
            sumRow(full, x, xOff + r * cols, dst, dOff);
        }
        if (full < cols) {
            sumTail(r0, r1, full, cols, x, xOff, dst, dOff);
        }
        FloatVector n = FloatVector.broadcast(S, (float) (r1 - r0));
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector.fromArray(S, dst, dOff + c, m).div(n).intoArray(dst, dOff + c, m);
        }
    }

    /**
     * A later block's statistics around the shift work[0, cols) (the first block's mean), in one pass over x:
     * S = Σ over rows [r0, r1) of (x − shift) and Q = Σ (x − shift)² (firstBlock's loops), then per column
     * dst[dOff + c] = d = S/n, the block mean's deviation from the shift, and dst[dOff + cols + c] = M2 = Q − n·d²,
     * its centred sum of squares. The shift is another block's mean, so n·d² is a small part of Q in a shuffled
     * batch; in the columns where it is more than Q/4 (the block's mean has drifted from the first block's by
     * more than about half its spread, and Q − n·d² could lose more than half a bit) M2 is summed again around
     * shift + d, the block in L2 (finishBlock). One pass from memory instead of two over the block: the
     * statistics alone ran at 53 GB/s (8 bytes per element) at 16384x1024 and 98 at 4096x1024 with two.
     */
    static void blockStatistics(int r0, int r1, int cols, int full, float[] x, int xOff, float[] work, float[] dst,
            int dOff) {
        shiftedSums(r0, r1, cols, full, x, xOff, work, dst, dOff);
        for (int c = 0; c < cols; c += L) {
            finishBlock(r0, r1, c, cols, x, xOff, work, dst, dOff);
        }
    }

    /**
     * dst[dOff + c] = Σ over rows [r0, r1) of (x − shift) and dst[dOff + cols + c] = Σ (x − shift)², from zero,
     * in one pass (four rows at a time, then single rows, then the columns past the full vectors).
     */
    private static void shiftedSums(int r0, int r1, int cols, int full, float[] x, int xOff, float[] shift,
            float[] dst, int dOff) {
        java.util.Arrays.fill(dst, dOff, dOff + 2 * cols, 0f);
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            shiftedSumsRows4(full, cols, x, xOff + r * cols, shift, dst, dOff);
        }
        for (; r < r1; r++) {
            shiftedSumsRow(full, cols, x, xOff + r * cols, shift, dst, dOff);
        }
        if (full < cols) {
            shiftedSumsTail(r0, r1, full, cols, x, xOff, shift, dst, dOff);
        }
    }

    /**
     * blockStatistics for columns [c, c + L) ∩ [0, cols): S and Q at dst[dOff + c] and dst[dOff + cols + c]
     * become d = S/n and M2 = Q − n·d², or, in the lanes where n·d² > Q/4, M2 = Σ ((x − shift) − d)² over the
     * block's rows. A NaN stays in its column (the comparison is false, Q − n·d² is NaN).
     */
    private static void finishBlock(int r0, int r1, int c, int cols, float[] x, int xOff, float[] shift,
            float[] dst, int dOff) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector n = FloatVector.broadcast(S, (float) (r1 - r0));
        FloatVector d = FloatVector.fromArray(S, dst, dOff + c, m).div(n);
        FloatVector q = FloatVector.fromArray(S, dst, dOff + cols + c, m);
        FloatVector nd2 = d.mul(d).mul(n);
        FloatVector m2 = q.sub(nd2);
        VectorMask<Float> again = nd2.compare(VectorOperators.GT, q.mul(0.25f), m);
        if (again.anyTrue()) {
            FloatVector sh = FloatVector.fromArray(S, shift, c, m);
            FloatVector q2 = FloatVector.zero(S);
            for (int r = r0, p = xOff + r0 * cols + c; r < r1; r++, p += cols) {
                FloatVector t = FloatVector.fromArray(S, x, p, m).sub(sh).sub(d);
                q2 = t.fma(t, q2);
            }
            m2 = m2.blend(q2, again);
        }
        d.intoArray(dst, dOff + c, m);
        m2.intoArray(dst, dOff + cols + c, m);
    }

    /**
     * firstBlock's second pass, around the shift work[0, cols): dst[dOff + c] = d = Σ over rows [r0, r1) of
     * (x − shift) / (r1 − r0), the block mean's deviation from the shift, and dst[dOff + cols + c] = M2 =
     * Σ ((x − shift) − d)², its centred sum of squares (a second pass, the block in L2).
     */
    private static void twoPassBlockStatistics(int r0, int r1, int cols, int full, float[] x, int xOff, float[] work,
            float[] dst, int dOff) {
        java.util.Arrays.fill(dst, dOff, dOff + cols, 0f);
        int r = r0;
        for (; r + 8 <= r1; r += 8) {
            deviationRows8(full, cols, x, xOff + r * cols, work, dst, dOff);
        }
        for (; r < r1; r++) {
            deviationRow(full, x, xOff + r * cols, work, dst, dOff);
        }
        if (full < cols) {
            deviationTail(r0, r1, full, cols, x, xOff, work, dst, dOff);
        }
        FloatVector n = FloatVector.broadcast(S, (float) (r1 - r0));
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector.fromArray(S, dst, dOff + c, m).div(n).intoArray(dst, dOff + c, m);
        }
        int qOff = dOff + cols;
        java.util.Arrays.fill(dst, qOff, qOff + cols, 0f);
        r = r0;
        for (; r + 4 <= r1; r += 4) {
            squaredDeviationsRows4(full, cols, x, xOff + r * cols, work, dst, dOff);
        }
        for (; r < r1; r++) {
            squaredDeviationsRow(full, cols, x, xOff + r * cols, work, dst, dOff);
        }
        if (full < cols) {
            squaredDeviationsTail(r0, r1, full, cols, x, xOff, work, dst, dOff);
        }
    }

    /**
     * Merges a block of nb rows, its d at src[sOff + c] and M2 at src[sOff + cols + c], into the statistics
     * of the na rows before it (mean: deviation from the shift, m2): n = na + nb, delta = d − mean,
     * mean += delta·nb/n, m2 += M2 + delta²·na·nb/n. Both deviations are from the same shift, so delta is
     * never the difference of two large means.
     */
    private static void mergeBlock(int cols, int na, int nb, float[] mean, float[] m2, float[] src, int sOff) {
        float wb = (float) ((double) nb / (na + nb));
        float wd = (float) ((double) na * nb / (na + nb));
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector ma = FloatVector.fromArray(S, mean, c, m);
            FloatVector delta = FloatVector.fromArray(S, src, sOff + c, m).sub(ma);
            ma.add(delta.mul(wb)).intoArray(mean, c, m);
            FloatVector.fromArray(S, m2, c, m).add(FloatVector.fromArray(S, src, sOff + cols + c, m))
                    .add(delta.mul(delta).mul(wd)).intoArray(m2, c, m);
        }
    }

    // Tail helpers: the last, partial column vector [c, cols) of every row of a block, its sums kept in registers
    // from row to row. Per row, a masked store of a sum followed by the next row's masked load of it would not be
    // forwarded from the store buffer (a stall of tens of cycles per row and per sum); the additions are the same,
    // in the same row order, starting from the zeroed sum in dst, so the results are bitwise the same.

    /** dst[dOff + c ..] += Σ over rows [r0, r1) of x, columns [c, cols). */
    private static void sumTail(int r0, int r1, int c, int cols, float[] x, int xOff, float[] dst, int dOff) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector s = FloatVector.fromArray(S, dst, dOff + c, m);
        for (int r = r0, p = xOff + r0 * cols + c; r < r1; r++, p += cols) {
            s = s.add(FloatVector.fromArray(S, x, p, m));
        }
        s.intoArray(dst, dOff + c, m);
    }

    /** dst[dOff + c ..] += Σ over rows [r0, r1) of x − shift, columns [c, cols). */
    private static void deviationTail(int r0, int r1, int c, int cols, float[] x, int xOff, float[] shift,
            float[] dst, int dOff) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector sh = FloatVector.fromArray(S, shift, c, m);
        FloatVector s = FloatVector.fromArray(S, dst, dOff + c, m);
        for (int r = r0, p = xOff + r0 * cols + c; r < r1; r++, p += cols) {
            s = s.add(FloatVector.fromArray(S, x, p, m).sub(sh));
        }
        s.intoArray(dst, dOff + c, m);
    }

    /** dst[dOff + cols + c ..] += Σ ((x − shift) − d)², d = dst[dOff + c ..], columns [c, cols). */
    private static void squaredDeviationsTail(int r0, int r1, int c, int cols, float[] x, int xOff, float[] shift,
            float[] dst, int dOff) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector sh = FloatVector.fromArray(S, shift, c, m);
        FloatVector d = FloatVector.fromArray(S, dst, dOff + c, m);
        FloatVector q = FloatVector.fromArray(S, dst, dOff + cols + c, m);
        for (int r = r0, p = xOff + r0 * cols + c; r < r1; r++, p += cols) {
            FloatVector t = FloatVector.fromArray(S, x, p, m).sub(sh).sub(d);
            q = t.fma(t, q);
        }
        q.intoArray(dst, dOff + cols + c, m);
    }

    /** dst[dOff + c ..] += Σ x − shift and dst[dOff + cols + c ..] += Σ (x − shift)², columns [c, cols). */
    private static void shiftedSumsTail(int r0, int r1, int c, int cols, float[] x, int xOff, float[] shift,
            float[] dst, int dOff) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector sh = FloatVector.fromArray(S, shift, c, m);
        FloatVector s = FloatVector.fromArray(S, dst, dOff + c, m);
        FloatVector q = FloatVector.fromArray(S, dst, dOff + cols + c, m);
        for (int r = r0, p = xOff + r0 * cols + c; r < r1; r++, p += cols) {
            FloatVector t = FloatVector.fromArray(S, x, p, m).sub(sh);
            s = s.add(t);
            q = t.fma(t, q);
        }
        s.intoArray(dst, dOff + c, m);
        q.intoArray(dst, dOff + cols + c, m);
    }

    /** dst[dOff + c ..] += Σdy and dst[dOff + cols + c ..] += Σdy·(x − mean), columns [c, cols). */
    private static void gradientSumsTail(int r0, int r1, int c, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] mean, float[] dst, int dOff) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector mu = FloatVector.fromArray(S, mean, c, m);
        FloatVector sd = FloatVector.fromArray(S, dst, dOff + c, m);
        FloatVector st = FloatVector.fromArray(S, dst, dOff + cols + c, m);
        for (int r = r0, pd = dyOff + r0 * cols + c, px = xOff + r0 * cols + c; r < r1; r++, pd += cols,
                px += cols) {
            FloatVector d = FloatVector.fromArray(S, dy, pd, m);
            sd = sd.add(d);
            st = d.fma(FloatVector.fromArray(S, x, px, m).sub(mu), st);
        }
        sd.intoArray(dst, dOff + c, m);
        st.intoArray(dst, dOff + cols + c, m);
    }

    // Per-row helpers: one vector loop each, small enough for C2 to compile and inline whole; a single large
    // method either fails C1 (out of registers, so it never leaves tier 2, where vector operations box) or
    // exceeds C2's inlining budget, and boxes vectors per call. The *RowsN variants take N consecutive rows
    // over full vectors [0, c1): a column's sum is loaded and stored once per N rows instead of once per row,
    // and gets the same additions in the same row order as N calls of the one-row helper, so results are
    // bitwise the same.

    /** dst[dOff + c] += four rows of x starting at p (full vectors [0, c1) only). */
    private static void sumRows4(int c1, int cols, float[] x, int p, float[] dst, int dOff) {
        for (int c = 0; c < c1; c += L) {
            int q = p + c;
            FloatVector.fromArray(S, dst, dOff + c).add(FloatVector.fromArray(S, x, q))
                    .add(FloatVector.fromArray(S, x, q + cols)).add(FloatVector.fromArray(S, x, q + 2 * cols))
                    .add(FloatVector.fromArray(S, x, q + 3 * cols)).intoArray(dst, dOff + c);
        }
    }

    /** dst[dOff + c] += x for one row, full vectors [0, c1). */
    private static void sumRow(int c1, float[] x, int p, float[] dst, int dOff) {
        for (int c = 0; c < c1; c += L) {
            FloatVector.fromArray(S, dst, dOff + c).add(FloatVector.fromArray(S, x, p + c)).intoArray(dst, dOff + c);
        }
    }

    /**
     * dst[dOff + c] += x − shift over eight rows starting at p (full vectors [0, c1) only). This pass reads x
     * from memory; eight row streams keep one core's reads at the rate of a plain sequential read, where four
     * rows per step ran about 20 % slower (probe at 16384x1024).
     */
    private static void deviationRows8(int c1, int cols, float[] x, int p, float[] shift, float[] dst, int dOff) {
        for (int c = 0; c < c1; c += L) {
            int a = p + c;
            FloatVector s = FloatVector.fromArray(S, shift, c);
            FloatVector.fromArray(S, dst, dOff + c).add(FloatVector.fromArray(S, x, a).sub(s))
                    .add(FloatVector.fromArray(S, x, a + cols).sub(s))
                    .add(FloatVector.fromArray(S, x, a + 2 * cols).sub(s))
                    .add(FloatVector.fromArray(S, x, a + 3 * cols).sub(s))
                    .add(FloatVector.fromArray(S, x, a + 4 * cols).sub(s))
                    .add(FloatVector.fromArray(S, x, a + 5 * cols).sub(s))
                    .add(FloatVector.fromArray(S, x, a + 6 * cols).sub(s))
                    .add(FloatVector.fromArray(S, x, a + 7 * cols).sub(s)).intoArray(dst, dOff + c);
        }
    }

    /** dst[dOff + c] += x − shift for one row, full vectors [0, c1). */
    private static void deviationRow(int c1, float[] x, int p, float[] shift, float[] dst, int dOff) {
        for (int c = 0; c < c1; c += L) {
            FloatVector d = FloatVector.fromArray(S, x, p + c).sub(FloatVector.fromArray(S, shift, c));
            FloatVector.fromArray(S, dst, dOff + c).add(d).intoArray(dst, dOff + c);
        }
    }

    /**
     * dst[dOff + cols + c] += ((x − shift) − d)² over four rows starting at p, d = dst[dOff + c] (full vectors
     * [0, c1) only).
     */
    private static void squaredDeviationsRows4(int c1, int cols, float[] x, int p, float[] shift, float[] dst,
            int dOff) {
        int qOff = dOff + cols;
        for (int c = 0; c < c1; c += L) {
            int a = p + c;
            FloatVector s = FloatVector.fromArray(S, shift, c);
            FloatVector d = FloatVector.fromArray(S, dst, dOff + c);
            FloatVector t0 = FloatVector.fromArray(S, x, a).sub(s).sub(d);
            FloatVector t1 = FloatVector.fromArray(S, x, a + cols).sub(s).sub(d);
            FloatVector t2 = FloatVector.fromArray(S, x, a + 2 * cols).sub(s).sub(d);
            FloatVector t3 = FloatVector.fromArray(S, x, a + 3 * cols).sub(s).sub(d);
            t3.fma(t3, t2.fma(t2, t1.fma(t1, t0.fma(t0, FloatVector.fromArray(S, dst, qOff + c)))))
                    .intoArray(dst, qOff + c);
        }
    }

    /** dst[dOff + cols + c] += ((x − shift) − d)² for one row, full vectors [0, c1), d = dst[dOff + c]. */
    private static void squaredDeviationsRow(int c1, int cols, float[] x, int p, float[] shift, float[] dst,
            int dOff) {
        int qOff = dOff + cols;
        for (int c = 0; c < c1; c += L) {
            FloatVector t = FloatVector.fromArray(S, x, p + c).sub(FloatVector.fromArray(S, shift, c))
                    .sub(FloatVector.fromArray(S, dst, dOff + c));
            t.fma(t, FloatVector.fromArray(S, dst, qOff + c)).intoArray(dst, qOff + c);
        }
    }

    /**
     * mean = shift + deviation (work[c] + mean[c]); invStd from the centred sums of squares held in invStd;
     * running statistics updated.
     */
    private static void finishStatistics(int cols, int rows, float eps, float momentum, float[] runMean, int rmOff,
            float[] runVar, int rvOff, float[] mean, float[] invStd, float[] work) {
        FloatVector n = FloatVector.broadcast(S, (float) rows);
        FloatVector nUnbiased = FloatVector.broadcast(S, (float) Math.max(1, rows - 1));
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector keep = FloatVector.broadcast(S, 1f - momentum);
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector q = FloatVector.fromArray(S, invStd, c, m);
            FloatVector mu = FloatVector.fromArray(S, work, c, m).add(FloatVector.fromArray(S, mean, c, m));
            mu.intoArray(mean, c, m);
            one.div(q.div(n).add(eps).sqrt()).intoArray(invStd, c, m);
            FloatVector rm = FloatVector.fromArray(S, runMean, rmOff + c, m);
            rm.mul(keep).add(mu.mul(momentum)).intoArray(runMean, rmOff + c, m);
            FloatVector rv = FloatVector.fromArray(S, runVar, rvOff + c, m);
            rv.mul(keep).add(q.div(nUnbiased).mul(momentum)).intoArray(runVar, rvOff + c, m);
        }
    }

    /** work[cols + c] = gamma·invStd, the normalise pass's per-column scale. */
    private static void scale(int cols, float[] gamma, int gOff, float[] invStd, float[] work) {
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector.fromArray(S, gamma, gOff + c, m).mul(FloatVector.fromArray(S, invStd, c, m))
                    .intoArray(work, cols + c, m);
        }
    }

    /** y = (x − mean)·scale + beta for rows [r0, r1), scale = work[cols + c], four rows at a time. */
    static void normalizeRows(int r0, int r1, int cols, float[] x, int xOff, float[] mean, float[] work,
            float[] beta, int bOff, float[] y, int yOff) {
        int full = cols / L * L;
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            normalizeRows4(full, cols, x, xOff + r * cols, mean, work, beta, bOff, y, yOff + r * cols);
            if (full < cols) {
                for (int k = 0; k < 4; k++) {
                    normalizeRow(full, cols, full, cols, x, xOff + (r + k) * cols, mean, work, beta, bOff, y,
                            yOff + (r + k) * cols);
                }
            }
        }
        for (; r < r1; r++) {
            normalizeRow(0, cols, full, cols, x, xOff + r * cols, mean, work, beta, bOff, y, yOff + r * cols);
        }
    }

    /** y = (x − mean)·scale + beta for one row, columns c0 .. c1, scale = work[cols + c]. */
    private static void normalizeRow(int c0, int c1, int full, int cols, float[] x, int p, float[] mean,
            float[] work, float[] beta, int bOff, float[] y, int q) {
        int c = c0;
        for (; c < full; c += L) {
            FloatVector.fromArray(S, x, p + c).sub(FloatVector.fromArray(S, mean, c))
                    .fma(FloatVector.fromArray(S, work, cols + c), FloatVector.fromArray(S, beta, bOff + c))
                    .intoArray(y, q + c);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector.fromArray(S, x, p + c, m).sub(FloatVector.fromArray(S, mean, c, m))
                    .fma(FloatVector.fromArray(S, work, cols + c, m), FloatVector.fromArray(S, beta, bOff + c, m))
                    .intoArray(y, q + c, m);
        }
    }

    /**
     * normalizeRow for four rows starting at (p, q), full vectors [0, c1) only: a column's mean, scale and
     * beta are loaded once per four rows. All four rows are loaded before any is stored: rows lie 4·cols
     * bytes apart, and large arrays often share their addresses' low 12 bits, so a load of row r + 1 issued
     * after the store to row r could wait on it (4K aliasing); it also keeps y aliasing x correct.
     */
    private static void normalizeRows4(int c1, int cols, float[] x, int p, float[] mean, float[] work,
            float[] beta, int bOff, float[] y, int q) {
        for (int c = 0; c < c1; c += L) {
            FloatVector mu = FloatVector.fromArray(S, mean, c);
            FloatVector sc = FloatVector.fromArray(S, work, cols + c);
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
        forwardInference(null, rows, cols, x, xOff, gamma, gOff, beta, bOff, eps, runMean, rmOff, runVar, rvOff, y,
                yOff);
    }

    /**
     * As the inference forward above, rows split between pool's threads from PARALLEL_THRESHOLD elements (pool
     * may be null): every element gets the same operations, so the result is bitwise the same for any pool.
     */
    public static void forwardInference(WorkerPool pool, int rows, int cols, float[] x, int xOff, float[] gamma,
            int gOff, float[] beta, int bOff, float eps, float[] runMean, int rmOff, float[] runVar, int rvOff,
            float[] y, int yOff) {
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
        if (!parallel(pool, rows, cols)) {
            inferenceRows(0, rows, cols, x, xOff, gamma, gOff, beta, bOff, eps, runMean, rmOff, runVar, rvOff, y, yOff);
            return;
        }
        pool.claim();
        try {
            Task t = pool.resource(TASK);
            t.gamma = gamma;
            t.gOff = gOff;
            t.beta = beta;
            t.bOff = bOff;
            t.eps = eps;
            t.runMean = runMean;
            t.rmOff = rmOff;
            t.runVar = runVar;
            t.rvOff = rvOff;
            t.execute(pool, Task.INFERENCE, rows, cols, 0, x, xOff, null, 0, null, null, y, yOff);
        } finally {
            pool.release();
        }
    }

    /**
     * Inference rows [r0, r1) in blocks of INFERENCE_ROWS rows: the per-column scale (a sqrt and a division) is
     * computed once per block, and the block's rows are read as that many concurrent contiguous streams.
     */
    static void inferenceRows(int r0, int r1, int cols, float[] x, int xOff, float[] gamma, int gOff, float[] beta,
            int bOff, float eps, float[] runMean, int rmOff, float[] runVar, int rvOff, float[] y, int yOff) {
        int full = cols / L * L;
        for (int b0 = r0; b0 < r1; b0 += INFERENCE_ROWS) {
            int b1 = Math.min(r1, b0 + INFERENCE_ROWS);
            inferenceBlock(b0, b1, full, cols, x, xOff, gamma, gOff, beta, bOff, eps, runMean, rmOff, runVar, rvOff,
                    y, yOff);
            if (full < cols) {
                inferenceTail(b0, b1, full, cols, x, xOff, gamma, gOff, beta, bOff, eps, runMean, rmOff, runVar,
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
     * xhat = (x − mean)·invStd from forwardTrain's input x and its mean and invStd. Σ(dy·xhat) is summed as
     * invStd·Σ(dy·(x − mean)): one multiplication per column instead of one per element. dx is evaluated as
     * A·dy + (B·(x − mean) + C) with per-column A = gamma·invStd, B = −k·invStd·Σ(dy·xhat), C = −k·Σdy: two
     * fmas per element, and x − mean is still formed first, so large means do not cancel. work
     * (workLength(cols) floats) is scratch. pool may be null (runs on the caller).
     */
    public static void backward(WorkerPool pool, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] work, float[] dGamma, int dgOff,
            float[] dBeta, int dbOff, float[] dx, int dxOff) {
        int size = size(rows, cols);
        Check.range("dy", dy, dyOff, size);
        Check.range("x", x, xOff, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("mean", mean, 0, cols);
        Check.range("invStd", invStd, 0, cols);
        Check.range("work", work, 0, workLength(cols));
        Check.range("dGamma", dGamma, dgOff, cols);
        Check.range("dBeta", dBeta, dbOff, cols);
        Check.range("dx", dx, dxOff, size);
        if (rows == 0 || cols == 0) {
            return;
        }
        if (!parallel(pool, rows, cols)) {
            columnSums(null, rows, cols, dy, dyOff, x, xOff, mean, work);
            coefficients(cols, rows, gamma, gOff, invStd, dGamma, dgOff, dBeta, dbOff, work);
            dxRows(0, rows, cols, dy, dyOff, x, xOff, mean, work, dx, dxOff);
            return;
        }
        pool.claim();
        try {
            columnSums(pool, rows, cols, dy, dyOff, x, xOff, mean, work);
            coefficients(cols, rows, gamma, gOff, invStd, dGamma, dgOff, dBeta, dbOff, work);
            pool.resource(TASK).execute(pool, Task.DX, rows, cols, 0, x, xOff, dy, dyOff, mean, work, dx, dxOff);
        } finally {
            pool.release();
        }
    }

    /**
     * work[0, cols) = Σdy and work[cols, 2·cols) = Σdy·(x − mean) over all rows: per block (on pool when it is
     * not null, which the caller has claimed, each block into its slot of the task's scratch), the blocks
     * added in block order.
     */
    private static void columnSums(WorkerPool pool, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] mean, float[] work) {
        int full = cols / L * L;
        int block = blockRows(rows, cols);
        int blocks = (rows + block - 1) / block;
        if (pool == null) {
            blockGradientSums(0, Math.min(rows, block), cols, full, dy, dyOff, x, xOff, mean, work, 0);
            for (int b = 1; b < blocks; b++) {
                int r0 = b * block;
                blockGradientSums(r0, Math.min(rows, r0 + block), cols, full, dy, dyOff, x, xOff, mean, work,
                        2 * cols);
                addSums(cols, work, 2 * cols, work);
            }
            return;
        }
        Task t = pool.resource(TASK);
        float[] s = t.scratch(2 * cols * blocks);
        t.execute(pool, Task.BLOCK_SUMS, rows, cols, block, x, xOff, dy, dyOff, mean, null, null, 0);
        System.arraycopy(s, 0, work, 0, 2 * cols);
        for (int b = 1; b < blocks; b++) {
            addSums(cols, s, 2 * cols * b, work);
        }
    }

    /** work[c] += src[sOff + c] and work[cols + c] += src[sOff + cols + c]: one block's sums added to the totals. */
    private static void addSums(int cols, float[] src, int sOff, float[] work) {
        for (int c = 0; c < 2 * cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, 2 * cols);
            FloatVector.fromArray(S, work, c, m).add(FloatVector.fromArray(S, src, sOff + c, m)).intoArray(work, c, m);
        }
    }

    /** dst[dOff + c] = Σdy, dst[dOff + cols + c] = Σdy·(x − mean) over rows [r0, r1), four rows at a time. */
    static void blockGradientSums(int r0, int r1, int cols, int full, float[] dy, int dyOff, float[] x, int xOff,
            float[] mean, float[] dst, int dOff) {
        java.util.Arrays.fill(dst, dOff, dOff + 2 * cols, 0f);
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            gradientSumsRows4(full, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, dst, dOff);
        }
        for (; r < r1; r++) {
            gradientSumsRow(full, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, dst, dOff);
        }
        if (full < cols) {
            gradientSumsTail(r0, r1, full, cols, dy, dyOff, x, xOff, mean, dst, dOff);
        }
    }

    /** dst[dOff + c] += dy, dst[dOff + cols + c] += dy·(x − mean) for one row, full vectors [0, c1). */
    private static void gradientSumsRow(int c1, int cols, float[] dy, int pd, float[] x, int px, float[] mean,
            float[] dst, int dOff) {
        int st = dOff + cols;
        for (int c = 0; c < c1; c += L) {
            FloatVector d = FloatVector.fromArray(S, dy, pd + c);
            FloatVector t = FloatVector.fromArray(S, x, px + c).sub(FloatVector.fromArray(S, mean, c));
            FloatVector.fromArray(S, dst, dOff + c).add(d).intoArray(dst, dOff + c);
            d.fma(t, FloatVector.fromArray(S, dst, st + c)).intoArray(dst, st + c);
        }
    }

    /** gradientSumsRow for four rows starting at (pd, px), full vectors [0, c1) only. */
    private static void gradientSumsRows4(int c1, int cols, float[] dy, int pd, float[] x, int px, float[] mean,
            float[] dst, int dOff) {
        int st = dOff + cols;
        for (int c = 0; c < c1; c += L) {
            int a = pd + c;
            int b = px + c;
            FloatVector mu = FloatVector.fromArray(S, mean, c);
            FloatVector d0 = FloatVector.fromArray(S, dy, a);
            FloatVector d1 = FloatVector.fromArray(S, dy, a + cols);
            FloatVector d2 = FloatVector.fromArray(S, dy, a + 2 * cols);
            FloatVector d3 = FloatVector.fromArray(S, dy, a + 3 * cols);
            FloatVector.fromArray(S, dst, dOff + c).add(d0).add(d1).add(d2).add(d3).intoArray(dst, dOff + c);
            FloatVector t = d0.fma(FloatVector.fromArray(S, x, b).sub(mu), FloatVector.fromArray(S, dst, st + c));
            t = d1.fma(FloatVector.fromArray(S, x, b + cols).sub(mu), t);
            t = d2.fma(FloatVector.fromArray(S, x, b + 2 * cols).sub(mu), t);
            d3.fma(FloatVector.fromArray(S, x, b + 3 * cols).sub(mu), t).intoArray(dst, st + c);
        }
    }

    /**
     * dBeta += Σdy, dGamma += invStd·Σdy·(x − mean) from the totals in work; then work = dx's coefficients
     * C at [0, cols), B at [cols, 2·cols), A at [2·cols, 3·cols) (see backward).
     */
    private static void coefficients(int cols, int rows, float[] gamma, int gOff, float[] invStd, float[] dGamma,
            int dgOff, float[] dBeta, int dbOff, float[] work) {
        int sb = cols;
        int sa = 2 * cols;
        FloatVector n = FloatVector.broadcast(S, (float) rows);
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector is = FloatVector.fromArray(S, invStd, c, m);
            FloatVector sd = FloatVector.fromArray(S, work, c, m);
            FloatVector sdh = FloatVector.fromArray(S, work, sb + c, m).mul(is);
            FloatVector.fromArray(S, dBeta, dbOff + c, m).add(sd).intoArray(dBeta, dbOff + c, m);
            FloatVector.fromArray(S, dGamma, dgOff + c, m).add(sdh).intoArray(dGamma, dgOff + c, m);
            FloatVector a = FloatVector.fromArray(S, gamma, gOff + c, m).mul(is);
            FloatVector k = a.div(n);
            k.mul(sd).neg().intoArray(work, c, m);
            k.mul(is).mul(sdh).neg().intoArray(work, sb + c, m);
            a.intoArray(work, sa + c, m);
        }
    }

    /** dx for rows [r0, r1) from the coefficients in work: four rows at a time while rows fit DX_GROUP_COLS. */
    static void dxRows(int r0, int r1, int cols, float[] dy, int dyOff, float[] x, int xOff, float[] mean,
            float[] work, float[] dx, int dxOff) {
        int full = cols / L * L;
        int r = r0;
        if (cols <= DX_GROUP_COLS) {
            for (; r + 4 <= r1; r += 4) {
                dxRows4(full, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, dx, dxOff + r * cols, work);
                if (full < cols) {
                    for (int k = 0; k < 4; k++) {
                        dxRow(full, cols, full, cols, dy, dyOff + (r + k) * cols, x, xOff + (r + k) * cols, mean, dx,
                                dxOff + (r + k) * cols, work);
                    }
                }
            }
        }
        for (; r < r1; r++) {
            dxRow(0, cols, full, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, dx, dxOff + r * cols, work);
        }
    }

    /** dx = A·dy + (B·(x − mean) + C) for one row, columns c0 .. c1, coefficients in work. */
    private static void dxRow(int c0, int c1, int full, int cols, float[] dy, int pd, float[] x, int px,
            float[] mean, float[] dx, int pdx, float[] work) {
        int sb = cols;
        int sa = 2 * cols;
        int c = c0;
        for (; c < full; c += L) {
            FloatVector t = FloatVector.fromArray(S, x, px + c).sub(FloatVector.fromArray(S, mean, c))
                    .fma(FloatVector.fromArray(S, work, sb + c), FloatVector.fromArray(S, work, c));
            FloatVector.fromArray(S, dy, pd + c).fma(FloatVector.fromArray(S, work, sa + c), t)
                    .intoArray(dx, pdx + c);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector t = FloatVector.fromArray(S, x, px + c, m).sub(FloatVector.fromArray(S, mean, c, m))
                    .fma(FloatVector.fromArray(S, work, sb + c, m), FloatVector.fromArray(S, work, c, m));
            FloatVector.fromArray(S, dy, pd + c, m).fma(FloatVector.fromArray(S, work, sa + c, m), t)
                    .intoArray(dx, pdx + c, m);
        }
    }

    /**
     * dxRow for four rows starting at (pd, px, pdx), full vectors [0, c1) only: a column's four coefficients
     * are loaded once per four rows, and all loads come before the stores (see normalizeRows4).
     */
    private static void dxRows4(int c1, int cols, float[] dy, int pd, float[] x, int px, float[] mean, float[] dx,
            int pdx, float[] work) {
        int sb = cols;
        int sa = 2 * cols;
        for (int c = 0; c < c1; c += L) {
            FloatVector mu = FloatVector.fromArray(S, mean, c);
            FloatVector cc = FloatVector.fromArray(S, work, c);
            FloatVector b = FloatVector.fromArray(S, work, sb + c);
            FloatVector a = FloatVector.fromArray(S, work, sa + c);
            FloatVector d0 = FloatVector.fromArray(S, dy, pd + c)
                    .fma(a, FloatVector.fromArray(S, x, px + c).sub(mu).fma(b, cc));
            FloatVector d1 = FloatVector.fromArray(S, dy, pd + c + cols)
                    .fma(a, FloatVector.fromArray(S, x, px + c + cols).sub(mu).fma(b, cc));
            FloatVector d2 = FloatVector.fromArray(S, dy, pd + c + 2 * cols)
                    .fma(a, FloatVector.fromArray(S, x, px + c + 2 * cols).sub(mu).fma(b, cc));
            FloatVector d3 = FloatVector.fromArray(S, dy, pd + c + 3 * cols)
                    .fma(a, FloatVector.fromArray(S, x, px + c + 3 * cols).sub(mu).fma(b, cc));
            d0.intoArray(dx, pdx + c);
            d1.intoArray(dx, pdx + c + cols);
            d2.intoArray(dx, pdx + c + 2 * cols);
            d3.intoArray(dx, pdx + c + 3 * cols);
        }
    }

    /**
     * The per-pool task; fields hold the current call's arguments and are cleared after it. BLOCK_STATISTICS
     * and BLOCK_SUMS give each worker a contiguous range of row blocks, NORMALIZE and DX a contiguous range
     * of rows.
     */
    private static final class Task implements ParallelTask {
        static final int BLOCK_STATISTICS = 0;
        static final int NORMALIZE = 1;
        static final int BLOCK_SUMS = 2;
        static final int DX = 3;
        static final int INFERENCE = 4;
        /** Per-block results, 2 x cols per block, grown when too small, never shrunk. */
        private float[] scratch = new float[0];
        int kind;
        int rows;
        int cols;
        int block;
        float[] x;
        int xOff;
        float[] dy;
        int dyOff;
        float[] mean;
        float[] work;
        float[] beta;
        int bOff;
        /** inference only */
        float[] gamma;
        int gOff;
        float eps;
        float[] runMean;
        int rmOff;
        float[] runVar;
        int rvOff;
        float[] out;
        int outOff;

        float[] scratch(int length) {
            if (scratch.length < length) {
                scratch = new float[length];
            }
            return scratch;
        }

        /**
         * Runs one phase on pool with these arguments (beta and bOff set before, for NORMALIZE and INFERENCE, and
         * INFERENCE's other fields), then clears them.
         */
        void execute(WorkerPool pool, int kind, int rows, int cols, int block, float[] x, int xOff, float[] dy,
                int dyOff, float[] mean, float[] work, float[] out, int outOff) {
            this.kind = kind;
            this.rows = rows;
            this.cols = cols;
            this.block = block;
            this.x = x;
            this.xOff = xOff;
            this.dy = dy;
            this.dyOff = dyOff;
            this.mean = mean;
            this.work = work;
            this.out = out;
            this.outOff = outOff;
            try {
                pool.execute(this);
            } finally {
                clear();
            }
        }

        void clear() {
            x = null;
            dy = null;
            mean = null;
            work = null;
            beta = null;
            gamma = null;
            runMean = null;
            runVar = null;
            out = null;
        }

        /** Row blocks of the call, for the block phases only (the row phases run with block = 0). */
        private int blocks() {
            return (rows + block - 1) / block;
        }

        @Override
        public void run(int worker, int workers) {
            int full = cols / L * L;
            switch (kind) {
                case BLOCK_STATISTICS -> {
                    // block 0 was done by the caller: the others, b = 1 .. blocks - 1
                    int others = blocks() - 1;
                    int i1 = Ranges.end(others, worker, workers);
                    for (int i = Ranges.start(others, worker, workers); i < i1; i++) {
                        int r0 = (i + 1) * block;
                        blockStatistics(r0, Math.min(rows, r0 + block), cols, full, x, xOff, work, scratch,
                                2 * cols * i);
                    }
                }
                case BLOCK_SUMS -> {
                    int blocks = blocks();
                    int b1 = Ranges.end(blocks, worker, workers);
                    for (int b = Ranges.start(blocks, worker, workers); b < b1; b++) {
                        int r0 = b * block;
                        blockGradientSums(r0, Math.min(rows, r0 + block), cols, full, dy, dyOff, x, xOff, mean,
                                scratch, 2 * cols * b);
                    }
                }
                case INFERENCE -> inferenceRows(Ranges.start(rows, worker, workers), Ranges.end(rows, worker, workers),
                        cols, x, xOff, gamma, gOff, beta, bOff, eps, runMean, rmOff, runVar, rvOff, out, outOff);
                case NORMALIZE -> normalizeRows(Ranges.start(rows, worker, workers), Ranges.end(rows, worker, workers),
                        cols, x, xOff, mean, work, beta, bOff, out, outOff);
                default -> dxRows(Ranges.start(rows, worker, workers), Ranges.end(rows, worker, workers), cols, dy,
                        dyOff, x, xOff, mean, work, out, outOff);
            }
        }
    }
}
