/*
 * LayerNorm: normalisation of each row over its columns, forward beside backward.
 * Shapes: x, y, dy, dx (rows x cols) contiguous (ld = cols); gamma, beta, dGamma, dBeta (cols);
 * mean, invStd (rows), saved by forward for backward. Variance by two passes (never E[x²] − μ²); row
 * sums in float lanes, lanes added in order in double. No xhat is stored: backward recomputes
 * xhat = (x − mean)·invStd from the forward input, the same two roundings forward applied, so forward
 * writes one array instead of two (12 bytes of traffic per element instead of 20 with write-allocate).
 * The WorkerPool overloads split rows between the pool's threads from PARALLEL_THRESHOLD elements (and
 * backward's dGamma/dBeta sums by column ranges, each column's rows in order), so their results are bitwise
 * those of the sequential methods for any pool size. It is not a layer: buffers belong to the caller.
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

    /** Widest rows for backward's four-row groups: 4 rows of dy, x and dx, 24 KB, in a 32 KB L1. */
    private static final int GROUP_COLS = 512;
    /** Below this many elements the pooled overloads run on the caller's thread only. */
    static final int PARALLEL_THRESHOLD = 1 << 15;

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
            forwardRows(0, rows, cols, x, xOff, gamma, gOff, beta, bOff, eps, mean, invStd, y, yOff);
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

    private static boolean parallel(WorkerPool pool, int rows, int cols) {
        return pool != null && pool.threads() > 1 && rows > 1 && (long) rows * cols >= PARALLEL_THRESHOLD;
    }

    /** Forward of rows [r0, r1). */
    static void forwardRows(int r0, int r1, int cols, float[] x, int xOff, float[] gamma, int gOff, float[] beta,
            int bOff, float eps, float[] mean, float[] invStd, float[] y, int yOff) {
        for (int r = r0; r < r1; r++) {
            int xb = xOff + r * cols;
            long meanAndInvStd = rowStatistics(cols, x, xb, eps);
            float mu = FloatPair.high(meanAndInvStd);
            float is = FloatPair.low(meanAndInvStd);
            mean[r] = mu;
            invStd[r] = is;
            normalizeRow(cols, x, xb, mu, is, gamma, gOff, beta, bOff, y, yOff + r * cols);
        }
    }

    /**
     * Mean and invStd = 1/sqrt(biased variance + eps) of one row by two passes (sums in two float-lane
     * accumulators, masked tail into the first, lanes added by Reductions.laneSum); returns mean (high half) and
     * invStd (low half), see FloatPair.
     * <p>
     * Larger than C2 inlines into a hot caller (325 bytes of bytecode), so it is compiled on its own with its
     * vectors in registers: with the statistics loops inlined into the row loop forward ran at 17-18 GB/s at
     * 4096x1024, against 24-25 (probe, one thread; see SoftmaxCrossEntropy.softmaxRow). The normalise loop is a
     * separate small method: with it in here too the method ran past C1's register allocator ("out of virtual
     * registers in linear scan" at tier 3), which left it in C1 code, allocating, for good.
     */
    private static long rowStatistics(int cols, float[] x, int xb, float eps) {
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
        FloatVector q0 = FloatVector.zero(S);
        FloatVector q1 = FloatVector.zero(S);
        c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, xb + c).sub(vmu);
            FloatVector d1 = FloatVector.fromArray(S, x, xb + c + L).sub(vmu);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        for (; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector d0 = FloatVector.fromArray(S, x, xb + c, m).sub(vmu);
            q0 = q0.add(d0.mul(d0), m);
        }
        double var = (double) Reductions.laneSum(q0.add(q1)) / cols;
        return FloatPair.of(mu, (float) (1.0 / Math.sqrt(var + eps)));
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
     * dGamma += Σ_r dy·xhat, dBeta += Σ_r dy (accumulate);
     * dx = invStd/cols · (cols·g − Σg − xhat·Σ(g·xhat)) with g = gamma·dy (overwrites dx; may alias dy), where
     * xhat = (x − mean)·invStd from forward's input x and its mean and invStd.
     */
    public static void backward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff, float[] gamma,
            int gOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff, float[] dx,
            int dxOff) {
        backward(null, rows, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, dGamma, dgOff, dBeta, dbOff, dx,
                dxOff);
    }

    /**
     * As the sequential backward, on pool's threads (pool may be null), bitwise the same for any pool size:
     * first dGamma and dBeta, by column ranges, each column's rows in the sequential order; then rows split
     * for their sums and dx (dx may still alias dy: every row reads its dy before it writes it). dy and x are
     * read twice, where the sequential method reads them once.
     */
    public static void backward(WorkerPool pool, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta,
            int dbOff, float[] dx, int dxOff) {
        int size = size(rows, cols);
        Check.range("dy", dy, dyOff, size);
        Check.range("x", x, xOff, size);
        Check.range("gamma", gamma, gOff, cols);
        Check.range("mean", mean, 0, rows);
        Check.range("invStd", invStd, 0, rows);
        Check.range("dGamma", dGamma, dgOff, cols);
        Check.range("dBeta", dBeta, dbOff, cols);
        Check.range("dx", dx, dxOff, size);
        if (cols == 0) {
            return;
        }
        if (!parallel(pool, rows, cols)) {
            backwardSequential(rows, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, dGamma, dgOff, dBeta,
                    dbOff, dx, dxOff);
            return;
        }
        pool.claim();
        try {
            Task t = pool.resource(TASK);
            t.set(Task.PARAMETER_GRADIENTS, rows, cols, x, xOff, gamma, gOff, mean, invStd, dx, dxOff);
            t.dy = dy;
            t.dyOff = dyOff;
            t.dGamma = dGamma;
            t.dgOff = dgOff;
            t.dBeta = dBeta;
            t.dbOff = dbOff;
            pool.execute(t);
            t.kind = Task.INPUT_GRADIENT;
            pool.execute(t);
        } finally {
            pool.resource(TASK).clear();
            pool.release();
        }
    }

    /** The sequential backward: dGamma and dBeta in the same pass as the row sums or dx. */
    private static void backwardSequential(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta,
            int dbOff, float[] dx, int dxOff) {
        int r = 0;
        // groups of four rows: their sums first (dy and x from memory), then dx and dGamma/dBeta in one
        // loop over the four rows, still in L1, loading and storing dGamma and dBeta once per four rows.
        // Only while the four rows of dy, x and dx fit in L1: at cols = 1024 the group loop reads from
        // L2 and runs slower than one row at a time (measured 26.6 -> 16.6 GB/s at 1024x1024)
        int groupEnd = cols <= GROUP_COLS ? rows : 0;
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
        for (; r < rows; r++) {
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

    /** dx of rows [r0, r1): each row's sums, then its dx (dGamma and dBeta are summed apart). */
    static void inputGradientRows(int r0, int r1, int cols, float[] dy, int dyOff, float[] x, int xOff,
            float[] gamma, int gOff, float[] mean, float[] invStd, float[] dx, int dxOff) {
        for (int r = r0; r < r1; r++) {
            int db = dyOff + r * cols;
            int xb = xOff + r * cols;
            long sums = rowSums(cols, dy, db, x, xb, mean[r], invStd[r], gamma, gOff);
            dxRow(cols, dy, db, x, xb, mean[r], invStd[r], gamma, gOff, FloatPair.high(sums), FloatPair.low(sums), dx,
                    dxOff + r * cols);
        }
    }

    /**
     * dGamma += Σ_r dy·xhat, dBeta += Σ_r dy for columns [c0, c1) (c0 a multiple of LANES), rows in order and
     * by the operations of the sequential backward (an fma of dy and xhat = (x − mean)·invStd, an addition of
     * dy), so each column's sums are bitwise the sequential ones.
     */
    static void parameterGradientColumns(int c0, int c1, int rows, int cols, float[] dy, int dyOff, float[] x,
            int xOff, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff) {
        int full = c0 + (c1 - c0) / L * L;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            parameterGradientRows4(c0, full, r, cols, dy, dyOff + r * cols, x, xOff + r * cols, mean, invStd, dGamma,
                    dgOff, dBeta, dbOff);
            for (int k = 0; k < 4 && full < c1; k++) {
                parameterGradientTail(full, c1, dy, dyOff + (r + k) * cols, x, xOff + (r + k) * cols, mean[r + k],
                        invStd[r + k], dGamma, dgOff, dBeta, dbOff);
            }
        }
        for (; r < rows; r++) {
            parameterGradientRows1(c0, full, dy, dyOff + r * cols, x, xOff + r * cols, mean[r], invStd[r], dGamma,
                    dgOff, dBeta, dbOff);
            if (full < c1) {
                parameterGradientTail(full, c1, dy, dyOff + r * cols, x, xOff + r * cols, mean[r], invStd[r], dGamma,
                        dgOff, dBeta, dbOff);
            }
        }
    }

    /** Four rows r..r+3 starting at (db, xb), full vectors [c0, c1): the sums stay in registers over the rows. */
    private static void parameterGradientRows4(int c0, int c1, int r, int cols, float[] dy, int db, float[] x,
            int xb, float[] mean, float[] invStd, float[] dGamma, int dgOff, float[] dBeta, int dbOff) {
        FloatVector mu0 = FloatVector.broadcast(S, mean[r]);
        FloatVector mu1 = FloatVector.broadcast(S, mean[r + 1]);
        FloatVector mu2 = FloatVector.broadcast(S, mean[r + 2]);
        FloatVector mu3 = FloatVector.broadcast(S, mean[r + 3]);
        FloatVector is0 = FloatVector.broadcast(S, invStd[r]);
        FloatVector is1 = FloatVector.broadcast(S, invStd[r + 1]);
        FloatVector is2 = FloatVector.broadcast(S, invStd[r + 2]);
        FloatVector is3 = FloatVector.broadcast(S, invStd[r + 3]);
        for (int c = c0; c < c1; c += L) {
            FloatVector d0 = FloatVector.fromArray(S, dy, db + c);
            FloatVector d1 = FloatVector.fromArray(S, dy, db + cols + c);
            FloatVector d2 = FloatVector.fromArray(S, dy, db + 2 * cols + c);
            FloatVector d3 = FloatVector.fromArray(S, dy, db + 3 * cols + c);
            FloatVector dg = d0.fma(FloatVector.fromArray(S, x, xb + c).sub(mu0).mul(is0),
                    FloatVector.fromArray(S, dGamma, dgOff + c));
            dg = d1.fma(FloatVector.fromArray(S, x, xb + cols + c).sub(mu1).mul(is1), dg);
            dg = d2.fma(FloatVector.fromArray(S, x, xb + 2 * cols + c).sub(mu2).mul(is2), dg);
            d3.fma(FloatVector.fromArray(S, x, xb + 3 * cols + c).sub(mu3).mul(is3), dg).intoArray(dGamma, dgOff + c);
            FloatVector.fromArray(S, dBeta, dbOff + c).add(d0).add(d1).add(d2).add(d3).intoArray(dBeta, dbOff + c);
        }
    }

    /** One row starting at (db, xb), full vectors [c0, c1). */
    private static void parameterGradientRows1(int c0, int c1, float[] dy, int db, float[] x, int xb, float mu,
            float is, float[] dGamma, int dgOff, float[] dBeta, int dbOff) {
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector vis = FloatVector.broadcast(S, is);
        for (int c = c0; c < c1; c += L) {
            FloatVector d = FloatVector.fromArray(S, dy, db + c);
            d.fma(FloatVector.fromArray(S, x, xb + c).sub(vmu).mul(vis), FloatVector.fromArray(S, dGamma, dgOff + c))
                    .intoArray(dGamma, dgOff + c);
            FloatVector.fromArray(S, dBeta, dbOff + c).add(d).intoArray(dBeta, dbOff + c);
        }
    }

    /** One row's columns [c, c1), fewer than LANES, masked. */
    private static void parameterGradientTail(int c, int c1, float[] dy, int db, float[] x, int xb, float mu,
            float is, float[] dGamma, int dgOff, float[] dBeta, int dbOff) {
        VectorMask<Float> m = S.indexInRange(c, c1);
        FloatVector d = FloatVector.fromArray(S, dy, db + c, m);
        FloatVector h = FloatVector.fromArray(S, x, xb + c, m).sub(mu).mul(is);
        d.fma(h, FloatVector.fromArray(S, dGamma, dgOff + c, m)).intoArray(dGamma, dgOff + c, m);
        FloatVector.fromArray(S, dBeta, dbOff + c, m).add(d).intoArray(dBeta, dbOff + c, m);
    }

    /**
     * The per-pool task; fields hold the current call's arguments and are cleared after it. Forward and
     * INPUT_GRADIENT take a contiguous range of rows per worker, PARAMETER_GRADIENTS a LANES-aligned range
     * of columns.
     */
    private static final class Task implements ParallelTask {
        static final int FORWARD = 0;
        static final int PARAMETER_GRADIENTS = 1;
        static final int INPUT_GRADIENT = 2;
        int kind;
        int rows;
        int cols;
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
            if (kind == PARAMETER_GRADIENTS) {
                int c0 = Ranges.alignedStart(cols, worker, workers, L);
                int c1 = Ranges.alignedEnd(cols, worker, workers, L);
                if (c0 < c1) {
                    parameterGradientColumns(c0, c1, rows, cols, dy, dyOff, x, xOff, mean, invStd, dGamma, dgOff,
                            dBeta, dbOff);
                }
                return;
            }
            int r0 = Ranges.start(rows, worker, workers);
            int r1 = Ranges.end(rows, worker, workers);
            if (kind == FORWARD) {
                forwardRows(r0, r1, cols, x, xOff, gamma, gOff, beta, bOff, eps, mean, invStd, out, outOff);
            } else {
                inputGradientRows(r0, r1, cols, dy, dyOff, x, xOff, gamma, gOff, mean, invStd, out, outOff);
            }
        }
    }
}
