/*
 * GemmNarrow: two Gemm paths for narrow outputs (n <= LANES, e.g. the 10-class output layer), where
 * NR-wide panels would waste most of each tile.
 *
 * {@link #rows}, the broadcast form: B is packed one K block at a time into a single LANES-wide
 * zero-padded panel; A is read in place (broadcast from memory, no packing); eight C rows are computed
 * at once with one accumulator vector each, and a single-row kernel does the m tail. Every C element
 * is the same in-order FMA chain as in the packed path (start from C when accumulating or after the
 * first K block, else from zero). It serves NN with a K under two vectors and the rows GemmNarrowTn
 * leaves over.
 *
 * {@link #dotNn}, for NN with a longer K: GemmDot's dot products against a small transposed copy of
 * B (NT products go to GemmDot directly). It uses full vectors and no broadcasts, which beats the
 * broadcast form when n is much narrower than a vector. Its summation order (GemmDot's) differs from
 * the broadcast form's, but which form runs depends only on the variant and the shape, never on the
 * thread count or warm-up.
 * It is not a general kernel: callers guarantee n <= LANES.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.GemmMicroKernel.L;
import static dev.vectrain.kernel.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

final class GemmNarrow {
    /** Rows computed together (one accumulator each). */
    static final int ROWS = 8;

    private GemmNarrow() {
    }

    /**
     * C rows [m0, m1) (+)= op(A)·op(B) for n <= L. {@code bp} holds at least kcMax*L floats and
     * {@code tile} at least ROWS*L: C rows go through it so nothing outside C is touched (masked
     * vector loads and stores measured ~50x slower here).
     */
    static void rows(boolean transA, boolean transB, int m0, int m1, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, int kcMax, float[] bp,
            float[] tile) {
        int kBlocks = (k + kcMax - 1) / kcMax;
        int kcStd = (k + kBlocks - 1) / kBlocks;
        int ai = transA ? 1 : lda;   // stride between rows i of op(A)
        int ap = transA ? lda : 1;   // stride along p
        for (int p0 = 0; p0 < k; p0 += kcStd) {
            int kc = Math.min(kcStd, k - p0);
            boolean load = accumulate || p0 > 0;
            packB(transB, b, bOff, ldb, p0, kc, n, bp);
            int i = m0;
            for (; i + ROWS <= m1; i += ROWS) {
                if (load) {
                    for (int r = 0; r < ROWS; r++) {
                        copy(c, cOff + (i + r) * ldc, tile, r * L, n);
                    }
                }
                if (transA) {
                    kernelT(kc, a, aOff + p0 * lda + i, lda, bp, tile, load);
                } else {
                    kernelN(kc, a, aOff + i * lda + p0, lda, bp, tile, load);
                }
                for (int r = 0; r < ROWS; r++) {
                    copy(tile, r * L, c, cOff + (i + r) * ldc, n);
                }
            }
            for (; i < m1; i++) {
                int ci = cOff + i * ldc;
                if (load) {
                    copy(c, ci, tile, 0, n);
                }
                FloatVector acc = load ? FloatVector.fromArray(S, tile, 0) : FloatVector.zero(S);
                int ao = aOff + i * ai + p0 * ap;
                for (int p = 0; p < kc; p++) {
                    acc = FloatVector.broadcast(S, a[ao]).fma(FloatVector.fromArray(S, bp, p * L), acc);
                    ao += ap;
                }
                acc.intoArray(tile, 0);
                copy(tile, 0, c, ci, n);
            }
        }
    }

    /** K block of the dot form for NN (B's transposed copy holds n x DOT_KC <= L x DOT_KC floats). */
    static final int DOT_KC = 4096;

    /**
     * C rows [m0, m1) (+)= A·B for NN by GemmDot on a transposed copy of B ({@code bt}, at least
     * L*DOT_KC floats), one K block of DOT_KC at a time (later blocks add to C).
     */
    static void dotNn(int m0, int m1, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, boolean accumulate, float[] bt, float[] scratch) {
        for (int p0 = 0; p0 < k; p0 += DOT_KC) {
            int kc = Math.min(DOT_KC, k - p0);
            transposeB(n, kc, b, bOff + p0 * ldb, ldb, bt);
            GemmDot.rect(m0, m1, 0, n, kc, a, aOff + p0, lda, bt, 0, kc, c, cOff, ldc, accumulate || p0 > 0, scratch);
        }
    }

    /**
     * bt[j*kc + p] = b[bo + p*ldb + j] for j < n, p < kc: four columns at a time (strided loads,
     * contiguous stores: in isolation 0.3 ns per element for 256 x 10, against 0.4 for gathers of L
     * rows and 0.7 row by row; in GemmBench 128x10x256 NN 57 -> 62 GFLOP/s against one column at a time).
     */
    private static void transposeB(int n, int kc, float[] b, int bo, int ldb, float[] bt) {
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int o = bo + j;
            int d = j * kc;
            for (int p = 0; p < kc; p++) {
                bt[d + p] = b[o];
                bt[d + kc + p] = b[o + 1];
                bt[d + 2 * kc + p] = b[o + 2];
                bt[d + 3 * kc + p] = b[o + 3];
                o += ldb;
            }
        }
        for (; j + 2 <= n; j += 2) {
            int o = bo + j;
            int d = j * kc;
            for (int p = 0; p < kc; p++) {
                bt[d + p] = b[o];
                bt[d + kc + p] = b[o + 1];
                o += ldb;
            }
        }
        for (; j < n; j++) {
            int o = bo + j;
            int d = j * kc;
            for (int p = 0; p < kc; p++) {
                bt[d + p] = b[o];
                o += ldb;
            }
        }
    }

    /** Copies n <= L floats; a plain loop beats System.arraycopy's call overhead at this length. */
    private static void copy(float[] src, int from, float[] dst, int to, int n) {
        System.arraycopy(src, from, dst, to, n);
    }

    /** Packs op(B) rows [p0, p0+kc), all n columns, into kc x L (zero-padded). */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int n, float[] bp) {
        for (int p = 0; p < kc; p++) {
            int d = p * L;
            if (transB) {
                int src = bOff + p0 + p;
                for (int j = 0; j < n; j++) {
                    bp[d + j] = b[src + j * ldb];
                }
            } else {
                System.arraycopy(b, bOff + (p0 + p) * ldb, bp, d, n);
            }
            for (int j = n; j < L; j++) {
                bp[d + j] = 0f;
            }
        }
    }

    /** Eight rows of op(A) = A (m x k): element (r, p) at a[ao + r*lda + p]. */
    private static void kernelN(int kc, float[] a, int ao, int lda, float[] bp, float[] tile, boolean load) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (load) {
            c0 = FloatVector.fromArray(S, tile, 0);
            c1 = FloatVector.fromArray(S, tile, L);
            c2 = FloatVector.fromArray(S, tile, 2 * L);
            c3 = FloatVector.fromArray(S, tile, 3 * L);
            c4 = FloatVector.fromArray(S, tile, 4 * L);
            c5 = FloatVector.fromArray(S, tile, 5 * L);
            c6 = FloatVector.fromArray(S, tile, 6 * L);
            c7 = FloatVector.fromArray(S, tile, 7 * L);
        } else {
            c0 = FloatVector.zero(S);
            c1 = c0;
            c2 = c0;
            c3 = c0;
            c4 = c0;
            c5 = c0;
            c6 = c0;
            c7 = c0;
        }
        int r0 = ao;
        int r1 = ao + lda;
        int r2 = ao + 2 * lda;
        int r3 = ao + 3 * lda;
        int r4 = ao + 4 * lda;
        int r5 = ao + 5 * lda;
        int r6 = ao + 6 * lda;
        int r7 = ao + 7 * lda;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(S, bp, p * L);
            c0 = FloatVector.broadcast(S, a[r0 + p]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[r1 + p]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[r2 + p]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[r3 + p]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[r4 + p]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[r5 + p]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[r6 + p]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[r7 + p]).fma(bv, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    /** Eight rows of op(A) = Aᵀ (A stored k x m): element (r, p) at a[ao + p*lda + r]. */
    private static void kernelT(int kc, float[] a, int ao, int lda, float[] bp, float[] tile, boolean load) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (load) {
            c0 = FloatVector.fromArray(S, tile, 0);
            c1 = FloatVector.fromArray(S, tile, L);
            c2 = FloatVector.fromArray(S, tile, 2 * L);
            c3 = FloatVector.fromArray(S, tile, 3 * L);
            c4 = FloatVector.fromArray(S, tile, 4 * L);
            c5 = FloatVector.fromArray(S, tile, 5 * L);
            c6 = FloatVector.fromArray(S, tile, 6 * L);
            c7 = FloatVector.fromArray(S, tile, 7 * L);
        } else {
            c0 = FloatVector.zero(S);
            c1 = c0;
            c2 = c0;
            c3 = c0;
            c4 = c0;
            c5 = c0;
            c6 = c0;
            c7 = c0;
        }
        int o = ao;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(S, bp, p * L);
            c0 = FloatVector.broadcast(S, a[o]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[o + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[o + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[o + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[o + 4]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[o + 5]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[o + 6]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[o + 7]).fma(bv, c7);
            o += lda;
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }
}
