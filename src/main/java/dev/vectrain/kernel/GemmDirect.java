/*
 * GemmDirect: unpacked C (+)= op(A)·B for NN and TN when packing does not pay: B within L1 (Gemm.DIRECT_MAX_B)
 * or narrower than two packed panels, few rows of C (the weight gradient of a
 * 10-class layer is 10 x in; batch-1 input gradients are 1 x in), a K of one or two (outer products:
 * batch-1 weight gradients) or tiny products. B (stored k x n) is read in place, four vectors of a
 * row at a time; elements of op(A) are broadcast from where they are stored.
 * Tiles: 4, 2 or 1 rows x 4 vectors, then 4 or 1 rows x 1 vector, then scalar columns. A single row
 * (batch-1 GEMV) with a K of at least 16 instead streams B four rows at a time across the whole row
 * of C, which stays in L1 (measured 15-35 % faster than the column tiles on 1x512x256 and 1x784x512;
 * with K = 10 the extra passes over C cost more than they save: 1x256x10 117 vs 150 ns).
 *
 * Summation order: every C element is one FMA chain over p = 0 .. k-1 in order, starting from C when
 * accumulating and from zero otherwise: bitwise the same as the packed path (whose K blocks store
 * and reload the running sums), so the tile shape and thread split never change a result.
 * It is not a general kernel: no blocking, no thread split (Gemm does that).
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.GemmMicroKernel.L;
import static dev.vectrain.kernel.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

final class GemmDirect {
    /** Columns of the widest tile. */
    static final int NV4 = 4 * L;

    private GemmDirect() {
    }

    /**
     * C rows [m0, m1) x columns [n0, n1) (+)= op(A)·B. op(A) element (i, p) is a[aOff + i*ai + p*ap]
     * (ai = lda, ap = 1 for A stored m x k; ai = 1, ap = lda for A stored k x m); B element (p, j) is
     * b[bOff + p*ldb + j].
     */
    static void rect(int m0, int m1, int n0, int n1, int k, float[] a, int aOff, int ai, int ap, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean load) {
        int j4 = n0 + (n1 - n0) / NV4 * NV4;
        int j1 = j4 + (n1 - j4) / L * L;
        int i = m0;
        if (m1 - m0 == 1 && k >= 16) {
            rowStream(k, a, aOff + i * ai, ap, b, bOff + n0, ldb, c, cOff + i * ldc + n0, j1 - n0, load);
            for (int j = j1; j < n1; j++) {
                float s = load ? c[cOff + i * ldc + j] : 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[aOff + i * ai + p * ap], b[bOff + p * ldb + j], s);
                }
                c[cOff + i * ldc + j] = s;
            }
            return;
        }
        for (; i < m1; ) {
            int rows = m1 - i >= 4 ? 4 : m1 - i >= 2 ? 2 : 1;
            int ao = aOff + i * ai;
            int co = cOff + i * ldc;
            for (int j = n0; j < j4; j += NV4) {
                if (rows == 4) {
                    tile4(k, a, ao, ai, ap, b, bOff + j, ldb, c, co + j, ldc, load);
                } else if (rows == 2) {
                    tile2(k, a, ao, ai, ap, b, bOff + j, ldb, c, co + j, ldc, load);
                } else {
                    tile1(k, a, ao, ap, b, bOff + j, ldb, c, co + j, load);
                }
            }
            if (rows == 4) {
                for (int j = j4; j < j1; j += L) {
                    column4(k, a, ao, ai, ap, b, bOff + j, ldb, c, co + j, ldc, load);
                }
            }
            for (int r = 0; r < rows; r++) {
                int ar = ao + r * ai;
                int cr = co + r * ldc;
                for (int j = rows == 4 ? j1 : j4; j < j1; j += L) {
                    vector1(k, a, ar, ap, b, bOff + j, ldb, c, cr + j, load);
                }
                for (int j = j1; j < n1; j++) {
                    float s = load ? c[cr + j] : 0f;
                    int bo = bOff + j;
                    int o = ar;
                    for (int p = 0; p < k; p++) {
                        s = Math.fma(a[o], b[bo], s);
                        o += ap;
                        bo += ldb;
                    }
                    c[cr + j] = s;
                }
            }
            i += rows;
        }
    }

    /**
     * One row of C over {@code nv} columns (a multiple of L), streaming B four rows at a time: each C
     * vector takes the FMAs of p, p+1, p+2, p+3 in order, then goes back to memory (L1) for the next
     * four, so every element is still one chain over p in order.
     */
    private static void rowStream(int k, float[] a, int ao, int ap, float[] b, int bo, int ldb, float[] c, int co,
            int nv, boolean load) {
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            FloatVector x0 = FloatVector.broadcast(S, a[ao + p * ap]);
            FloatVector x1 = FloatVector.broadcast(S, a[ao + (p + 1) * ap]);
            FloatVector x2 = FloatVector.broadcast(S, a[ao + (p + 2) * ap]);
            FloatVector x3 = FloatVector.broadcast(S, a[ao + (p + 3) * ap]);
            int b0 = bo + p * ldb;
            boolean first = p == 0 && !load;
            for (int j = 0; j < nv; j += L) {
                FloatVector r;
                if (first) {
                    r = FloatVector.zero(S);
                } else {
                    r = FloatVector.fromArray(S, c, co + j);
                }
                r = x0.fma(FloatVector.fromArray(S, b, b0 + j), r);
                r = x1.fma(FloatVector.fromArray(S, b, b0 + ldb + j), r);
                r = x2.fma(FloatVector.fromArray(S, b, b0 + 2 * ldb + j), r);
                r = x3.fma(FloatVector.fromArray(S, b, b0 + 3 * ldb + j), r);
                r.intoArray(c, co + j);
            }
        }
        for (; p < k; p++) {
            FloatVector x = FloatVector.broadcast(S, a[ao + p * ap]);
            int b0 = bo + p * ldb;
            for (int j = 0; j < nv; j += L) {
                x.fma(FloatVector.fromArray(S, b, b0 + j), FloatVector.fromArray(S, c, co + j)).intoArray(c, co + j);
            }
        }
    }

    /** 4 rows x 4 vectors. */
    private static void tile4(int k, float[] a, int ao, int ai, int ap, float[] b, int bo, int ldb, float[] c,
            int co, int ldc, boolean load) {
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        FloatVector r00, r01, r02, r03, r10, r11, r12, r13, r20, r21, r22, r23, r30, r31, r32, r33;
        if (load) {
            r00 = FloatVector.fromArray(S, c, co);
            r01 = FloatVector.fromArray(S, c, co + L);
            r02 = FloatVector.fromArray(S, c, co + 2 * L);
            r03 = FloatVector.fromArray(S, c, co + 3 * L);
            r10 = FloatVector.fromArray(S, c, c1);
            r11 = FloatVector.fromArray(S, c, c1 + L);
            r12 = FloatVector.fromArray(S, c, c1 + 2 * L);
            r13 = FloatVector.fromArray(S, c, c1 + 3 * L);
            r20 = FloatVector.fromArray(S, c, c2);
            r21 = FloatVector.fromArray(S, c, c2 + L);
            r22 = FloatVector.fromArray(S, c, c2 + 2 * L);
            r23 = FloatVector.fromArray(S, c, c2 + 3 * L);
            r30 = FloatVector.fromArray(S, c, c3);
            r31 = FloatVector.fromArray(S, c, c3 + L);
            r32 = FloatVector.fromArray(S, c, c3 + 2 * L);
            r33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        } else {
            r00 = FloatVector.zero(S);
            r01 = r00; r02 = r00; r03 = r00; r10 = r00;
            r11 = r00; r12 = r00; r13 = r00; r20 = r00;
            r21 = r00; r22 = r00; r23 = r00; r30 = r00;
            r31 = r00; r32 = r00; r33 = r00;
        }
        int o = ao;
        for (int p = 0; p < k; p++) {
            FloatVector y0 = FloatVector.fromArray(S, b, bo);
            FloatVector y1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector y2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[o]);
            r00 = x.fma(y0, r00);
            r01 = x.fma(y1, r01);
            r02 = x.fma(y2, r02);
            r03 = x.fma(y3, r03);
            x = FloatVector.broadcast(S, a[o + ai]);
            r10 = x.fma(y0, r10);
            r11 = x.fma(y1, r11);
            r12 = x.fma(y2, r12);
            r13 = x.fma(y3, r13);
            x = FloatVector.broadcast(S, a[o + 2 * ai]);
            r20 = x.fma(y0, r20);
            r21 = x.fma(y1, r21);
            r22 = x.fma(y2, r22);
            r23 = x.fma(y3, r23);
            x = FloatVector.broadcast(S, a[o + 3 * ai]);
            r30 = x.fma(y0, r30);
            r31 = x.fma(y1, r31);
            r32 = x.fma(y2, r32);
            r33 = x.fma(y3, r33);
            o += ap;
            bo += ldb;
        }
        r00.intoArray(c, co);
        r01.intoArray(c, co + L);
        r02.intoArray(c, co + 2 * L);
        r03.intoArray(c, co + 3 * L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r12.intoArray(c, c1 + 2 * L);
        r13.intoArray(c, c1 + 3 * L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r22.intoArray(c, c2 + 2 * L);
        r23.intoArray(c, c2 + 3 * L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
        r32.intoArray(c, c3 + 2 * L);
        r33.intoArray(c, c3 + 3 * L);
    }

    /** 2 rows x 4 vectors. */
    private static void tile2(int k, float[] a, int ao, int ai, int ap, float[] b, int bo, int ldb, float[] c,
            int co, int ldc, boolean load) {
        int c1 = co + ldc;
        FloatVector r00, r01, r02, r03, r10, r11, r12, r13;
        if (load) {
            r00 = FloatVector.fromArray(S, c, co);
            r01 = FloatVector.fromArray(S, c, co + L);
            r02 = FloatVector.fromArray(S, c, co + 2 * L);
            r03 = FloatVector.fromArray(S, c, co + 3 * L);
            r10 = FloatVector.fromArray(S, c, c1);
            r11 = FloatVector.fromArray(S, c, c1 + L);
            r12 = FloatVector.fromArray(S, c, c1 + 2 * L);
            r13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        } else {
            r00 = FloatVector.zero(S);
            r01 = r00; r02 = r00; r03 = r00; r10 = r00;
            r11 = r00; r12 = r00; r13 = r00;
        }
        int o = ao;
        for (int p = 0; p < k; p++) {
            FloatVector y0 = FloatVector.fromArray(S, b, bo);
            FloatVector y1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector y2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[o]);
            r00 = x.fma(y0, r00);
            r01 = x.fma(y1, r01);
            r02 = x.fma(y2, r02);
            r03 = x.fma(y3, r03);
            x = FloatVector.broadcast(S, a[o + ai]);
            r10 = x.fma(y0, r10);
            r11 = x.fma(y1, r11);
            r12 = x.fma(y2, r12);
            r13 = x.fma(y3, r13);
            o += ap;
            bo += ldb;
        }
        r00.intoArray(c, co);
        r01.intoArray(c, co + L);
        r02.intoArray(c, co + 2 * L);
        r03.intoArray(c, co + 3 * L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r12.intoArray(c, c1 + 2 * L);
        r13.intoArray(c, c1 + 3 * L);
    }

    /** 1 row x 4 vectors. */
    private static void tile1(int k, float[] a, int ao, int ap, float[] b, int bo, int ldb, float[] c, int co,
            boolean load) {
        FloatVector r0, r1, r2, r3;
        if (load) {
            r0 = FloatVector.fromArray(S, c, co);
            r1 = FloatVector.fromArray(S, c, co + L);
            r2 = FloatVector.fromArray(S, c, co + 2 * L);
            r3 = FloatVector.fromArray(S, c, co + 3 * L);
        } else {
            r0 = FloatVector.zero(S);
            r1 = r0; r2 = r0; r3 = r0;
        }
        int o = ao;
        for (int p = 0; p < k; p++) {
            FloatVector x = FloatVector.broadcast(S, a[o]);
            r0 = x.fma(FloatVector.fromArray(S, b, bo), r0);
            r1 = x.fma(FloatVector.fromArray(S, b, bo + L), r1);
            r2 = x.fma(FloatVector.fromArray(S, b, bo + 2 * L), r2);
            r3 = x.fma(FloatVector.fromArray(S, b, bo + 3 * L), r3);
            o += ap;
            bo += ldb;
        }
        r0.intoArray(c, co);
        r1.intoArray(c, co + L);
        r2.intoArray(c, co + 2 * L);
        r3.intoArray(c, co + 3 * L);
    }

    /** 4 rows x 1 vector. */
    private static void column4(int k, float[] a, int ao, int ai, int ap, float[] b, int bo, int ldb, float[] c,
            int co, int ldc, boolean load) {
        FloatVector r0, r1, r2, r3;
        if (load) {
            r0 = FloatVector.fromArray(S, c, co);
            r1 = FloatVector.fromArray(S, c, co + ldc);
            r2 = FloatVector.fromArray(S, c, co + 2 * ldc);
            r3 = FloatVector.fromArray(S, c, co + 3 * ldc);
        } else {
            r0 = FloatVector.zero(S);
            r1 = r0; r2 = r0; r3 = r0;
        }
        int o = ao;
        for (int p = 0; p < k; p++) {
            FloatVector y = FloatVector.fromArray(S, b, bo);
            r0 = FloatVector.broadcast(S, a[o]).fma(y, r0);
            r1 = FloatVector.broadcast(S, a[o + ai]).fma(y, r1);
            r2 = FloatVector.broadcast(S, a[o + 2 * ai]).fma(y, r2);
            r3 = FloatVector.broadcast(S, a[o + 3 * ai]).fma(y, r3);
            o += ap;
            bo += ldb;
        }
        r0.intoArray(c, co);
        r1.intoArray(c, co + ldc);
        r2.intoArray(c, co + 2 * ldc);
        r3.intoArray(c, co + 3 * ldc);
    }

    /** 1 row x 1 vector. */
    private static void vector1(int k, float[] a, int ao, int ap, float[] b, int bo, int ldb, float[] c, int co,
            boolean load) {
        FloatVector r;
        if (load) {
            r = FloatVector.fromArray(S, c, co);
        } else {
            r = FloatVector.zero(S);
        }
        int o = ao;
        for (int p = 0; p < k; p++) {
            r = FloatVector.broadcast(S, a[o]).fma(FloatVector.fromArray(S, b, bo), r);
            o += ap;
            bo += ldb;
        }
        r.intoArray(c, co);
    }
}
