/*
 * Gemm: single-precision matrix products C (+)= op(A)·op(B) over row-major float[] views, in the three
 * forms a dense layer needs: NN (forward), NT (input gradient, A·Bᵀ) and TN (weight gradient, Aᵀ·B).
 *
 * Large products are packed and blocked (Goto/BLIS style): for each L2-sized column block of B and each
 * K block, B is packed into zero-padded NR-wide panels, then every MR-row micro-panel of A is packed
 * and multiplied against all B panels by GemmMicroKernel with an MR x NR tile of accumulators held in
 * registers (8 x 3 vectors on 512-bit species, with 8 x 2 / 8 x 1 kernels for remainder panels).
 * Narrow outputs (n <= LANES, e.g. a 10-class layer) go to GemmNarrow. Tiny or very flat products
 * (fewer than MR/2 rows) skip packing and run the direct loops at the bottom. Which path runs depends
 * on the shape only.
 *
 * Determinism: the K blocking depends only on k, every C element is summed by the same sequence of
 * fused multiply-adds whichever tile or thread computes it (lane sums, where a path needs them, use a
 * fixed order, never reduceLanes), and threads split the C tile grid (or rows) only, so results are
 * bitwise identical for any pool size and do not change with JIT warm-up. Overwrite mode never reads C.
 * Allocation: per-pool buffers and the task object come from WorkerPool.resource; nothing per call.
 * It is not a general BLAS: no alpha/beta scalars, no column-major storage.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.GemmMicroKernel.L;
import static dev.vectrain.kernel.GemmMicroKernel.MR;
import static dev.vectrain.kernel.GemmMicroKernel.NR;
import static dev.vectrain.kernel.GemmMicroKernel.S;

import dev.vectrain.parallel.ParallelTask;
import dev.vectrain.parallel.Ranges;
import dev.vectrain.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;

/** Matrix products C (+)= op(A)·op(B) on row-major arrays with offsets and leading dimensions. */
public final class Gemm {
    /** Largest K block (packed panels stay in L1/L2); the actual block is balanced from k alone. */
    static final int KC = 256;
    /** Widest column block of packed B (about 576 columns, ~590 KB at KC = 256: half of L2). */
    static final int NC_PANELS = Math.max(1, 576 / NR);
    /** Products with fewer multiply-adds than this stay on the calling thread. */
    static final long PARALLEL_MIN_FMAS = 1L << 20;
    /** Products with fewer multiply-adds than this skip packing. */
    static final long PACK_MIN_FMAS = 1L << 14;

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
        if (fmas < PACK_MIN_FMAS || m < MR / 2) {
            if (transB) {
                directNt(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, pool.resource(TASK).ws[0].tile);
            } else {
                directNn(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            return;
        }
        Task t = pool.resource(TASK);
        int threads = fmas < PARALLEL_MIN_FMAS ? 1 : pool.threads();
        t.set(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, threads, n <= L);
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

    /** Per-worker packing buffers, sized once for the largest blocks. */
    static final class Workspace {
        final float[] bPack = new float[KC * NC_PANELS * NR];
        final float[] aPack = new float[KC * MR];
        final float[] tile = new float[Math.max(MR * NR, GemmNarrow.ROWS * L)];
    }

    /** The per-pool task: argument fields set per call, a static split of the C tile grid over workers. */
    static final class Task implements ParallelTask {
        final Workspace[] ws;
        boolean transA;
        boolean transB;
        boolean accumulate;
        /** n <= LANES: rows split over threads, GemmNarrow does the work. */
        boolean narrow;
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
                int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, int threads, boolean narrow) {
            this.narrow = narrow;
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
            if (narrow) {
                tm = Math.min(threads, (m + GemmNarrow.ROWS - 1) / GemmNarrow.ROWS);
                tn = 1;
                used = tm;
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
            if (narrow) {
                int groups = (m + GemmNarrow.ROWS - 1) / GemmNarrow.ROWS;
                int r0 = Ranges.start(groups, worker, used) * GemmNarrow.ROWS;
                int r1 = Math.min(m, Ranges.end(groups, worker, used) * GemmNarrow.ROWS);
                Workspace w = ws[worker];
                if (!transA) {
                    GemmNarrow.dotRows(transB, r0, r1, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
                            w.bPack, w.tile);
                    return;
                }
                GemmNarrow.rows(transA, transB, r0, r1, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
                        KC, w.bPack, w.tile);
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

    /**
     * Unpacked NN / TN for tiny or flat products: each C row is a chain of FMAs over p in order,
     * vectorized along n (scalar Math.fma tail).
     */
    private static void directNn(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int ai = transA ? 1 : lda;
        int ap = transA ? lda : 1;
        int n4 = n - n % (4 * L);
        int n1 = n - n % L;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            int arow = aOff + i * ai;
            int j = 0;
            for (; j < n4; j += 4 * L) {
                FloatVector c0;
                FloatVector c1;
                FloatVector c2;
                FloatVector c3;
                if (accumulate) {
                    c0 = FloatVector.fromArray(S, c, ci + j);
                    c1 = FloatVector.fromArray(S, c, ci + j + L);
                    c2 = FloatVector.fromArray(S, c, ci + j + 2 * L);
                    c3 = FloatVector.fromArray(S, c, ci + j + 3 * L);
                } else {
                    c0 = FloatVector.zero(S);
                    c1 = c0;
                    c2 = c0;
                    c3 = c0;
                }
                int bo = bOff + j;
                for (int p = 0; p < k; p++) {
                    FloatVector av = FloatVector.broadcast(S, a[arow + p * ap]);
                    c0 = av.fma(FloatVector.fromArray(S, b, bo), c0);
                    c1 = av.fma(FloatVector.fromArray(S, b, bo + L), c1);
                    c2 = av.fma(FloatVector.fromArray(S, b, bo + 2 * L), c2);
                    c3 = av.fma(FloatVector.fromArray(S, b, bo + 3 * L), c3);
                    bo += ldb;
                }
                c0.intoArray(c, ci + j);
                c1.intoArray(c, ci + j + L);
                c2.intoArray(c, ci + j + 2 * L);
                c3.intoArray(c, ci + j + 3 * L);
            }
            for (; j < n1; j += L) {
                FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, ci + j) : FloatVector.zero(S);
                int bo = bOff + j;
                for (int p = 0; p < k; p++) {
                    c0 = FloatVector.broadcast(S, a[arow + p * ap]).fma(FloatVector.fromArray(S, b, bo), c0);
                    bo += ldb;
                }
                c0.intoArray(c, ci + j);
            }
            for (; j < n; j++) {
                float s = accumulate ? c[ci + j] : 0f;
                int bo = bOff + j;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[arow + p * ap], b[bo], s);
                    bo += ldb;
                }
                c[ci + j] = s;
            }
        }
    }

    /** Unpacked NT for tiny or flat products: each C element is a vectorized dot product along k. */
    private static void directNt(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, boolean accumulate, float[] scratch) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                GemmNarrow.dot1(k, a, aOff + i * lda, b, bOff + j * ldb, c, cOff + i * ldc + j, accumulate, scratch);
            }
        }
    }
}
