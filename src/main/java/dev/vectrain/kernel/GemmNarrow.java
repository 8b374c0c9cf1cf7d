/*
 * GemmNarrow: the Gemm path for narrow outputs (n <= LANES, e.g. the 10-class output layer), where
 * NR-wide panels would waste most of each tile. B is packed one K block at a time into a single
 * LANES-wide zero-padded panel; A is read in place (broadcast from memory, no packing); eight C rows
 * are computed at once with one accumulator vector each, and a single-row kernel does the m tail.
 * Every C element is the same in-order FMA chain per K block as in the packed path's contract
 * (start from C when accumulating or after the first K block, else from zero).
 *
 * For NN and NT there is a second form, {@link #dotRows}: each C element is a dot product along k of
 * an A row and a B column (B's columns are B's rows for NT, and a small transposed copy for NN), with
 * 4 x 2 elements in flight. It uses full vectors and no broadcasts, which beats the broadcast form
 * when n is much narrower than a vector. Its summation order (lanes, then a fixed reduction) differs
 * from the broadcast form, but it depends only on the shape, never on the thread count or warm-up.
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
     * C rows [m0, m1) (+)= A·op(B) by dot products, for NN ({@code transB == false}, B^T copied into
     * {@code bt}, at least L*DOT_KC floats) and NT (B's rows used in place).
     */
    static void dotRows(boolean transB, int m0, int m1, int n, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, float[] bt, float[] scratch) {
        int kBlock = transB ? k : DOT_KC;
        for (int p0 = 0; p0 < k; p0 += kBlock) {
            int kc = Math.min(kBlock, k - p0);
            boolean load = accumulate || p0 > 0;
            float[] src;
            int sOff;
            int ld;
            if (transB) {
                src = b;
                sOff = bOff + p0;
                ld = ldb;
            } else {
                int o = bOff + p0 * ldb;
                for (int p = 0; p < kc; p++) {
                    int d = p;
                    for (int j = 0; j < n; j++) {
                        bt[d] = b[o + j];
                        d += kc;
                    }
                    o += ldb;
                }
                src = bt;
                sOff = 0;
                ld = kc;
            }
            int i = m0;
            for (; i + 4 <= m1; i += 4) {
                int j = 0;
                for (; j + 2 <= n; j += 2) {
                    dot4x2(kc, a, aOff + i * lda + p0, lda, src, sOff + j * ld, ld, c, cOff + i * ldc + j, ldc, load,
                            scratch);
                }
                for (; j < n; j++) {
                    for (int r = 0; r < 4; r++) {
                        dot1(kc, a, aOff + (i + r) * lda + p0, src, sOff + j * ld, c, cOff + (i + r) * ldc + j, load,
                                scratch);
                    }
                }
            }
            for (; i < m1; i++) {
                for (int j = 0; j < n; j++) {
                    dot1(kc, a, aOff + i * lda + p0, src, sOff + j * ld, c, cOff + i * ldc + j, load, scratch);
                }
            }
        }
    }

    /** One C element: a vector dot product, reduced, then the k tail in order. */
    static void dot1(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean load,
            float[] scratch) {
        int k1 = kc - kc % L;
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < k1; p += L) {
            acc = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), acc);
        }
        float s = sumLanes(acc, scratch);
        for (int p = k1; p < kc; p++) {
            s = Math.fma(a[ao + p], b[bo + p], s);
        }
        c[co] = load ? c[co] + s : s;
    }

    /**
     * Sum of the lanes of {@code v} in a fixed pairwise order, via {@code scratch}: the same value
     * whether compiled or interpreted. Not reduceLanes: its order is unspecified, and the JIT
     * intrinsic and the interpreter's fallback differ, so results would depend on warm-up.
     * (A rearrange-based butterfly allocated shuffles and was slower.)
     */
    static float sumLanes(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        return sumStored(scratch, 0);
    }

    /** Pairwise sum of L floats at t[o..o+L). */
    static float sumStored(float[] t, int o) {
        if (L == 16) {
            return (((t[o] + t[o + 1]) + (t[o + 2] + t[o + 3])) + ((t[o + 4] + t[o + 5]) + (t[o + 6] + t[o + 7])))
                    + (((t[o + 8] + t[o + 9]) + (t[o + 10] + t[o + 11]))
                    + ((t[o + 12] + t[o + 13]) + (t[o + 14] + t[o + 15])));
        }
        if (L == 8) {
            return ((t[o] + t[o + 1]) + (t[o + 2] + t[o + 3])) + ((t[o + 4] + t[o + 5]) + (t[o + 6] + t[o + 7]));
        }
        float s = 0f;
        for (int i = 0; i < L; i++) {
            s += t[o + i];
        }
        return s;
    }

    /** 4 x 2 C elements: rows of A at ao + r*lda, columns as rows of b at bo + j*ldb. Same math as dot1. */
    private static void dot4x2(int kc, float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co,
            int ldc, boolean load, float[] scratch) {
        int k1 = kc - kc % L;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        int a1 = ao + lda;
        int a2 = ao + 2 * lda;
        int a3 = ao + 3 * lda;
        int b1 = bo + ldb;
        for (int p = 0; p < k1; p += L) {
            FloatVector v0 = FloatVector.fromArray(S, b, bo + p);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x0 = FloatVector.fromArray(S, a, ao + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + p);
            c00 = x0.fma(v0, c00);
            c01 = x0.fma(v1, c01);
            c10 = x1.fma(v0, c10);
            c11 = x1.fma(v1, c11);
            c20 = x2.fma(v0, c20);
            c21 = x2.fma(v1, c21);
            c30 = x3.fma(v0, c30);
            c31 = x3.fma(v1, c31);
        }
        c00.intoArray(scratch, 0);
        c01.intoArray(scratch, L);
        c10.intoArray(scratch, 2 * L);
        c11.intoArray(scratch, 3 * L);
        c20.intoArray(scratch, 4 * L);
        c21.intoArray(scratch, 5 * L);
        c30.intoArray(scratch, 6 * L);
        c31.intoArray(scratch, 7 * L);
        finish(sumStored(scratch, 0), kc, k1, a, ao, b, bo, c, co, load);
        finish(sumStored(scratch, L), kc, k1, a, ao, b, b1, c, co + 1, load);
        finish(sumStored(scratch, 2 * L), kc, k1, a, a1, b, bo, c, co + ldc, load);
        finish(sumStored(scratch, 3 * L), kc, k1, a, a1, b, b1, c, co + ldc + 1, load);
        finish(sumStored(scratch, 4 * L), kc, k1, a, a2, b, bo, c, co + 2 * ldc, load);
        finish(sumStored(scratch, 5 * L), kc, k1, a, a2, b, b1, c, co + 2 * ldc + 1, load);
        finish(sumStored(scratch, 6 * L), kc, k1, a, a3, b, bo, c, co + 3 * ldc, load);
        finish(sumStored(scratch, 7 * L), kc, k1, a, a3, b, b1, c, co + 3 * ldc + 1, load);
    }

    /** Adds the k tail in order to a lane sum and stores the C element. */
    private static void finish(float s, int kc, int k1, float[] a, int ao, float[] b, int bo, float[] c, int co,
            boolean load) {
        for (int p = k1; p < kc; p++) {
            s = Math.fma(a[ao + p], b[bo + p], s);
        }
        c[co] = load ? c[co] + s : s;
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
