/*
 * Gemm: single-precision matrix products C (+)= op(A)·op(B) over row-major float[] views, in the three
 * forms a dense layer needs: NT (forward, X·Wᵀ), NN (input gradient, dY·W) and TN (weight gradient,
 * dYᵀ·X).
 *
 * Large products are packed and blocked (Goto/BLIS style): for each L2-sized column block of B and each
 * K block, B is packed into zero-padded NR-wide panels, then every MR-row micro-panel of A is packed
 * and multiplied against all B panels by GemmMicroKernel with an MR x NR tile of accumulators held in
 * registers (8 x 3 vectors on 512-bit species, with 8 x 2 / 8 x 1 kernels for remainder panels).
 * The other paths (see {@link #path}) read their operands in place: GemmDirect for NN/TN whose B fits
 * in half of L2 or that have few rows or a K of one or two; GemmDot (dot products with a fixed lane
 * tree) for NT with few rows or a narrow output; for narrow outputs (n <= LANES, e.g. a 10-class
 * layer) GemmNarrowTn (rows along the lanes) for TN and GemmDot on a transposed copy of B for NN.
 * Which path runs depends on the variant and the shape only.
 *
 * Determinism: on every path but the dot products, each C element is one FMA chain over k in order
 * (from C when accumulating, else from zero; K blocks store and reload the running sum), whichever
 * tile or thread computes it; GemmDot's elements follow its documented lane order (never
 * reduceLanes), the same in all its tiles. Threads split C's tiles, rows or columns only, so results
 * are bitwise identical for any pool size and do not change with JIT warm-up. Overwrite mode never
 * reads C.
 * Allocation: per-pool buffers and the task object come from WorkerPool.resource; nothing per call.
 * It is not a general BLAS: no alpha/beta scalars, no column-major storage.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.GemmMicroKernel.L;
import static dev.vectrain.kernel.GemmMicroKernel.MR;
import static dev.vectrain.kernel.GemmMicroKernel.NR;

import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;

/** Matrix products C (+)= op(A)·op(B) on row-major arrays with offsets and leading dimensions. */
public final class Gemm {
    /** Largest K block (packed panels stay in L1/L2); the actual block is balanced from k alone. */
    static final int KC = 256;
    /** Widest column block of packed B (about 576 columns, ~590 KB at KC = 256: half of L2). */
    static final int NC_PANELS = Math.max(1, 576 / NR);
    /**
     * Products with fewer multiply-adds than this stay on the calling thread. Splitting the 10-class
     * layer (128x10x256, 327K) measured 1.5-2x with the second core free, but 0.6 GFLOP/s (1.1 ms a
     * call, waiting for a descheduled worker) when another process held that core; so it stays here.
     */
    static final long PARALLEL_MIN_FMAS = 1L << 20;
    /**
     * The same for narrow outputs (n <= LANES), whose rows split without repeating any packing:
     * from 128K multiply-adds two threads measured 1.6-2x (128x10x256 NT 67 -> 134 GFLOP/s, NN
     * 65 -> 104). Lowered for GemmDirect as well (10x256x128 TN 106 -> 182), the small models of
     * AllocationTest started to allocate 64 bytes per step: the same JIT effect that already makes any
     * model with a parallel Gemm allocate that much (on main too; not found yet), so GemmDirect and
     * the packed path keep the higher threshold.
     */
    static final long PARALLEL_MIN_FMAS_NARROW = 1L << 17;
    /** Products with fewer multiply-adds than this skip packing. */
    static final long PACK_MIN_FMAS = 1L << 14;
    /** NN/TN products with a K up to this read B in place (packing a panel for one or two FMAs per element would not pay). */
    static final int DIRECT_MAX_K = 2;
    /**
     * NN/TN products whose B has at most this many floats (32 KB, within L1) read B in place, as do those
     * narrower than two packed panels (n < 2·NR, where a packed panel would be mostly padding). On a Zen 4
     * core the direct tiles ran 10-15 % faster than packing up to B = 512 KB (256³: 116 vs 102 GFLOP/s), but on
     * the Zen 5 core measured since, with its two 512-bit FMA pipes, a 4-row tile streaming B from L2 falls
     * behind the packed 8 x 3 kernel (one thread, probe: 784x512x128 TN 171 vs 227 GFLOP/s, 256³ 187 vs 200,
     * 512x128x128 TN 163 vs 196, 128x128x512 182 vs 208), while B in L1 still favours it (64³ 236 vs 158,
     * 128x64x256 TN 196 vs 162). Both paths give the same bits, so this only moves time.
     */
    static final long DIRECT_MAX_B = 1L << 13;

    private static final WorkerPool.Key<Task> TASK = new WorkerPool.Key<>(Task::new);

    private Gemm() {
    }

    /** C(m×n) (+)= A(m×k)·B(k×n); A stored m×k (lda), B stored k×n (ldb), C m×n (ldc). */
    public static void nn(WorkerPool pool, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
            int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        check(pool, m, n, k, a, aOff, lda, false, b, bOff, ldb, false, c, cOff, ldc);
        run(pool, false, false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** C(m×n) (+)= A(m×k)·Bᵀ; A stored m×k (lda), B stored n×k (ldb), C m×n (ldc). */
    public static void nt(WorkerPool pool, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
            int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        check(pool, m, n, k, a, aOff, lda, false, b, bOff, ldb, true, c, cOff, ldc);
        run(pool, false, true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** C(m×n) (+)= Aᵀ·B; A stored k×m (lda), B stored k×n (ldb), C m×n (ldc). */
    public static void tn(WorkerPool pool, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
            int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        check(pool, m, n, k, a, aOff, lda, true, b, bOff, ldb, false, c, cOff, ldc);
        run(pool, true, false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    private static void check(WorkerPool pool, int m, int n, int k, float[] a, int aOff, int lda, boolean transA,
            float[] b, int bOff, int ldb, boolean transB, float[] c, int cOff, int ldc) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        Check.nonNegative("m", m);
        Check.nonNegative("n", n);
        Check.nonNegative("k", k);
        if (transA) {
            Check.matrix("a", a, aOff, k, m, lda);
        } else {
            Check.matrix("a", a, aOff, m, k, lda);
        }
        if (transB) {
            Check.matrix("b", b, bOff, n, k, ldb);
        } else {
            Check.matrix("b", b, bOff, k, n, ldb);
        }
        Check.matrix("c", c, cOff, m, n, ldc);
    }

    private static void run(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k, float[] a,
            int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        pool.claim();
        try {
            runClaimed(pool, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } finally {
            pool.release();
        }
    }

    /** The product, with the pool's task and scratch reserved for this thread. */
    private static void runClaimed(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
            boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        long fmas = (long) m * n * k;
        int path = path(transA, transB, m, n, k);
        if (fmas < PARALLEL_MIN_FMAS && path == DIRECT) {   // the commonest small case, without the task
            GemmDirect.rect(0, m, 0, n, k, a, aOff, transA ? 1 : lda, transA ? lda : 1, b, bOff, ldb, c, cOff, ldc,
                    accumulate);
            return;
        }
        Task t = pool.resource(TASK);
        if (fmas < PARALLEL_MIN_FMAS_NARROW && path == DOT) {
            GemmDot.rect(0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, t.ws[0].tile);
            return;
        }
        long parallelMin = path == DOT && n <= L || path == DOT_NN || path == NARROW_TN || path == ROWS
                ? PARALLEL_MIN_FMAS_NARROW : PARALLEL_MIN_FMAS;
        int threads = fmas < parallelMin ? 1 : pool.threads();
        t.set(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, threads, path);
        try {
            if (t.used == 1) {
                t.run(0, 1);
            } else {
                pool.execute(t);
            }
        } finally {
            t.clear();
        }
    }

    /** The packed, register-tiled path (Goto/BLIS blocking, GemmMicroKernel). */
    static final int PACKED = 0;
    /** GemmDot on A and B in place (NT). */
    static final int DOT = 1;
    /** GemmDot on A and a transposed copy of B (narrow NN). */
    static final int DOT_NN = 2;
    /** GemmNarrow's broadcast rows on a padded copy of B (narrow NN outputs with a short K). */
    static final int ROWS = 3;
    /** GemmDirect: unpacked broadcast tiles (NN/TN with a small B, few rows, a tiny K, or tiny products). */
    static final int DIRECT = 4;
    /** GemmNarrowTn: rows of C along the vector lanes (narrow TN outputs). */
    static final int NARROW_TN = 5;

    /**
     * Which path computes a product: a function of the variant and the shape only. Narrow outputs
     * (n <= LANES) never use the NR-wide packed tiles; NT products with few rows take dot products
     * (a packed Bᵀ would cost more than the multiply); NN/TN products with a small B, few rows or a
     * tiny K read B in place.
     */
    static int path(boolean transA, boolean transB, int m, int n, int k) {
        boolean tiny = (long) m * n * k < PACK_MIN_FMAS;
        if (n <= L) {
            if (transB) {
                return DOT;
            }
            if (transA) {
                return NARROW_TN;
            }
            return k >= 2 * L ? DOT_NN : ROWS;
        }
        if (transB) {
            return tiny || m < 2 * MR ? DOT : PACKED;
        }
        return tiny || m < 2 * MR || k <= DIRECT_MAX_K || (long) k * n <= DIRECT_MAX_B || n < 2 * NR ? DIRECT
                : PACKED;
    }

    /** Per-worker packing buffers, sized once for the largest blocks. */
    static final class Workspace {
        final float[] bPack = new float[KC * NC_PANELS * NR];
        final float[] aPack = new float[KC * MR];
        final float[] tile = new float[Math.max(Math.max(MR * NR, GemmNarrow.ROWS * L),
                Math.max(GemmDot.SCRATCH, GemmNarrowTn.TILE))];
    }

    /** The per-pool task: argument fields set per call, a static split of the C tile grid over workers. */
    static final class Task implements ParallelTask {
        final Workspace[] ws;
        boolean transA;
        boolean transB;
        boolean accumulate;
        /** PACKED, DOT, DOT_NN, ROWS, DIRECT or NARROW_TN. */
        int path;
        /** Unpacked paths: threads split rows (aligned to {@code align}) rather than columns. */
        boolean splitRows;
        int align;
        int m;
        int n;
        int k;
        float[] a;
        float[] b;
        float[] c;
        int aOff;
        int lda;
        int bOff;
        int ldb;
        int cOff;
        int ldc;
        /** Thread grid: tm row groups x tn column groups; used = tm * tn. */
        int tm;
        int tn;
        int used;

        Task(WorkerPool pool) {
            ws = new Workspace[pool.threads()];
            for (int i = 0; i < ws.length; i++) {
                ws[i] = new Workspace();
            }
        }

        void set(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
                int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, int threads, int path) {
            this.path = path;
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.accumulate = accumulate;
            if (path != PACKED) {
                splitRows = path != DOT && path != DIRECT || m >= 8 * threads;
                align = !splitRows ? (path == DOT ? 8 : GemmDirect.NV4)
                        : path == ROWS ? GemmNarrow.ROWS : path == NARROW_TN ? GemmNarrowTn.ROWS : 4;
                int extent = splitRows ? m : n;
                used = Math.max(1, Math.min(threads, (extent + align - 1) / align));
                return;
            }
            int mTiles = (m + MR - 1) / MR;
            int nTiles = (n + NR - 1) / NR;
            double best = Double.MAX_VALUE;
            for (int r = 1; r <= threads; r++) {
                if (threads % r != 0) {
                    continue;
                }
                int cg = threads / r;
                double cost = splitCost((mTiles + r - 1) / r, (nTiles + cg - 1) / cg);
                if (cost < best) {
                    best = cost;
                    tm = r;
                    tn = cg;
                }
            }
            used = tm * tn;
        }

        /**
         * Rough cycles for one thread owning mt x nt tiles: the FMAs (one vector FMA a cycle) plus
         * packing its columns of B (every thread packs the B it uses, so splitting M repeats it) and
         * its rows of A once per column block. Element costs are measured orders of magnitude: a
         * transposing (scalar) pack ~1 cycle per element, a straight (vector) copy ~0.25.
         */
        private double splitCost(int mt, int nt) {
            double fmas = (double) mt * nt * k * MR * NR / L;
            double packB = (double) k * nt * NR * (transB ? 1.0 : 0.25);
            int nBlocks = (nt + NC_PANELS - 1) / NC_PANELS;
            double packA = (double) k * mt * MR * nBlocks * (transA ? 0.25 : 1.0);
            return fmas + packB + packA;
        }

        void clear() {
            a = null;
            b = null;
            c = null;
        }

        @Override
        public void run(int worker, int workers) {
            if (worker >= used) {
                return;
            }
            if (path != PACKED) {
                unpacked(ws[worker], worker);
                return;
            }
            int mTiles = (m + MR - 1) / MR;
            int nTiles = (n + NR - 1) / NR;
            int ri = worker / tn;
            int ci = worker % tn;
            int m0 = Ranges.start(mTiles, ri, tm) * MR;
            int m1 = Math.min(m, Ranges.end(mTiles, ri, tm) * MR);
            int n0 = Ranges.start(nTiles, ci, tn) * NR;
            int n1 = Math.min(n, Ranges.end(nTiles, ci, tn) * NR);
            if (m0 < m1 && n0 < n1) {
                packed(ws[worker], m0, m1, n0, n1);
            }
        }

        /** This worker's rows or columns of an unpacked path. */
        private void unpacked(Workspace w, int worker) {
            int i0 = 0;
            int i1 = m;
            int j0 = 0;
            int j1 = n;
            if (splitRows) {
                i0 = Ranges.alignedStart(m, worker, used, align);
                i1 = Ranges.alignedEnd(m, worker, used, align);
            } else {
                j0 = Ranges.alignedStart(n, worker, used, align);
                j1 = Ranges.alignedEnd(n, worker, used, align);
            }
            if (i0 >= i1 || j0 >= j1) {
                return;
            }
            switch (path) {
                case DOT -> GemmDot.rect(i0, i1, j0, j1, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
                        w.tile);
                case DOT_NN -> GemmNarrow.dotNn(i0, i1, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
                        w.bPack, w.tile);
                case NARROW_TN -> GemmNarrowTn.rows(i0, i1, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
                        w.bPack, w.tile);
                case ROWS -> GemmNarrow.rows(transA, transB, i0, i1, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc,
                        accumulate, KC, w.bPack, w.tile);
                default -> GemmDirect.rect(i0, i1, j0, j1, k, a, aOff, transA ? 1 : lda, transA ? lda : 1, b, bOff, ldb,
                        c, cOff, ldc, accumulate);
            }
        }

        /** The blocked product for the C rectangle [m0, m1) x [n0, n1), full K. */
        private void packed(Workspace w, int m0, int m1, int n0, int n1) {
            float[] bp = w.bPack;
            float[] ap = w.aPack;
            int kBlocks = (k + KC - 1) / KC;
            int kcStd = (k + kBlocks - 1) / kBlocks;
            int nPanels = (n1 - n0 + NR - 1) / NR;
            int nBlocks = (nPanels + NC_PANELS - 1) / NC_PANELS;
            int ncPanels = (nPanels + nBlocks - 1) / nBlocks;
            for (int jc = n0; jc < n1; jc += ncPanels * NR) {
                int nc = Math.min(ncPanels * NR, n1 - jc);
                for (int p0 = 0; p0 < k; p0 += kcStd) {
                    int kc = Math.min(kcStd, k - p0);
                    boolean load = accumulate || p0 > 0;
                    GemmPacking.packB(transB, b, bOff, ldb, p0, kc, jc, nc, bp);
                    for (int ic = m0; ic < m1; ic += MR) {
                        int mr = Math.min(MR, m1 - ic);
                        GemmPacking.packA(transA, a, aOff, lda, ic, mr, p0, kc, ap);
                        int panel = 0;
                        for (int jr = jc; jr < jc + nc; jr += NR, panel += kc * NR) {
                            int nr = Math.min(NR, jc + nc - jr);
                            int co = cOff + ic * ldc + jr;
                            if (mr == MR && nr == NR) {
                                GemmMicroKernel.kernel(kc, ap, 0, bp, panel, c, co, ldc, load);
                            } else {
                                edge(w.tile, kc, ap, bp, panel, co, mr, nr, load);
                            }
                        }
                    }
                }
            }
        }

        /**
         * A partial tile: a kernel only as wide as the remainder needs (in whole vectors), straight
         * into C when the tile is full-height and vector-aligned (and, on narrower species, where
         * kernelNarrow runs the full-width kernel, only when that is the width), else on a scratch
         * tile whose valid part is then copied out.
         */
        private void edge(float[] tile, int kc, float[] ap, float[] bp, int panel, int co, int mr, int nr,
                boolean load) {
            int vecs = (nr + L - 1) / L;
            if (mr == MR && nr == vecs * L && (GemmMicroKernel.WIDE || vecs == GemmMicroKernel.NV)) {
                GemmMicroKernel.kernelNarrow(vecs, kc, ap, 0, bp, panel, c, co, ldc, load);
                return;
            }
            if (load) {
                for (int i = 0; i < mr; i++) {
                    System.arraycopy(c, co + i * ldc, tile, i * NR, nr);
                }
            }
            GemmMicroKernel.kernelNarrow(vecs, kc, ap, 0, bp, panel, tile, 0, NR, load);
            for (int i = 0; i < mr; i++) {
                System.arraycopy(tile, i * NR, c, co + i * ldc, nr);
            }
        }
    }
}
