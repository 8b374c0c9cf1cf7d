/*
 * GemmNarrowTn: C (+)= Aᵀ·B for narrow outputs (n <= LANES) with the roles of A and B swapped: the
 * vector lanes run along the rows i of C, which are contiguous in A (stored k x m), so A is read in
 * place, 2·LANES rows at a time, and B's elements are broadcast. Nothing is padded or packed, so no
 * lane is wasted on a 10-wide output. C's columns are accumulated in registers and go through a small
 * scratch tile to be transposed into C's rows; rows left over (fewer than 2·LANES) go to GemmNarrow's
 * broadcast rows.
 *
 * Summation order: every C element is one FMA chain over p = 0 .. k-1 in order, starting from C when
 * accumulating and from zero otherwise, bitwise the same as GemmNarrow.rows and the packed path, so
 * the split between this kernel and the leftover rows never changes a result.
 * It is not a general kernel: callers guarantee n <= LANES.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.GemmMicroKernel.L;
import static dev.vectrain.kernel.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

final class GemmNarrowTn {
    /** Rows of C per block: two vectors. */
    static final int ROWS = 2 * L;
    /** Floats of scratch a block needs: 8 columns x ROWS (C block transposed). */
    static final int TILE = 8 * ROWS;

    private GemmNarrowTn() {
    }

    /**
     * C rows [m0, m1) (+)= Aᵀ·B: C(i, j) = Σ_p a[aOff + p*lda + i]·b[bOff + p*ldb + j] for j < n, into
     * c[cOff + i*ldc + j]. {@code bp} and {@code tile} as GemmNarrow.rows needs them for the leftover
     * rows; {@code tile} also holds a transposed C block (TILE floats).
     */
    static void rows(int m0, int m1, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, boolean load, float[] bp, float[] tile) {
        int i = m0;
        for (; i + ROWS <= m1; i += ROWS) {
            int j = 0;
            while (j < n) {
                int cols = n - j >= 8 ? 8 : n - j >= 4 ? 4 : 2;
                int last = n - 1 - j;   // columns past it repeat column n-1; their sums are dropped
                int co = cOff + i * ldc + j;
                int width = Math.min(cols, n - j);
                if (load) {
                    toTile(c, co, ldc, width, tile);
                }
                if (cols == 8) {
                    block8(k, a, aOff + i, lda, b, bOff + j, ldb, last, tile, load);
                } else if (cols == 4) {
                    block4(k, a, aOff + i, lda, b, bOff + j, ldb, last, tile, load);
                } else {
                    block2(k, a, aOff + i, lda, b, bOff + j, ldb, last, tile, load);
                }
                fromTile(tile, width, c, co, ldc);
                j += width;
            }
        }
        if (i < m1) {
            GemmNarrow.rows(true, false, i, m1, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, load, Gemm.KC, bp,
                    tile);
        }
    }

    /** tile[j*ROWS + r] = C(r, j) for ROWS rows and {@code width} columns starting at c[co]. */
    private static void toTile(float[] c, int co, int ldc, int width, float[] tile) {
        for (int r = 0; r < ROWS; r++) {
            int o = co + r * ldc;
            for (int j = 0; j < width; j++) {
                tile[j * ROWS + r] = c[o + j];
            }
        }
    }

    /** The inverse of toTile. */
    private static void fromTile(float[] tile, int width, float[] c, int co, int ldc) {
        for (int r = 0; r < ROWS; r++) {
            int o = co + r * ldc;
            for (int j = 0; j < width; j++) {
                c[o + j] = tile[j * ROWS + r];
            }
        }
    }

    /** 2 vectors of rows x 8 columns (column offsets past {@code last} repeat it). */
    private static void block8(int k, float[] a, int ao, int lda, float[] b, int bo, int ldb, int last, float[] t,
            boolean load) {
        int j1 = Math.min(1, last);
        int j2 = Math.min(2, last);
        int j3 = Math.min(3, last);
        int j4 = Math.min(4, last);
        int j5 = Math.min(5, last);
        int j6 = Math.min(6, last);
        int j7 = Math.min(7, last);
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (load) {
            c00 = FloatVector.fromArray(S, t, 0);
            c01 = FloatVector.fromArray(S, t, L);
            c10 = FloatVector.fromArray(S, t, ROWS);
            c11 = FloatVector.fromArray(S, t, ROWS + L);
            c20 = FloatVector.fromArray(S, t, 2 * ROWS);
            c21 = FloatVector.fromArray(S, t, 2 * ROWS + L);
            c30 = FloatVector.fromArray(S, t, 3 * ROWS);
            c31 = FloatVector.fromArray(S, t, 3 * ROWS + L);
            c40 = FloatVector.fromArray(S, t, 4 * ROWS);
            c41 = FloatVector.fromArray(S, t, 4 * ROWS + L);
            c50 = FloatVector.fromArray(S, t, 5 * ROWS);
            c51 = FloatVector.fromArray(S, t, 5 * ROWS + L);
            c60 = FloatVector.fromArray(S, t, 6 * ROWS);
            c61 = FloatVector.fromArray(S, t, 6 * ROWS + L);
            c70 = FloatVector.fromArray(S, t, 7 * ROWS);
            c71 = FloatVector.fromArray(S, t, 7 * ROWS + L);
        } else {
            c00 = FloatVector.zero(S);
            c01 = c00; c10 = c00; c11 = c00; c20 = c00;
            c21 = c00; c30 = c00; c31 = c00; c40 = c00;
            c41 = c00; c50 = c00; c51 = c00; c60 = c00;
            c61 = c00; c70 = c00; c71 = c00;
        }
        for (int p = 0; p < k; p++) {
            FloatVector x0 = FloatVector.fromArray(S, a, ao);
            FloatVector x1 = FloatVector.fromArray(S, a, ao + L);
            FloatVector y = FloatVector.broadcast(S, b[bo]);
            c00 = y.fma(x0, c00);
            c01 = y.fma(x1, c01);
            y = FloatVector.broadcast(S, b[bo + j1]);
            c10 = y.fma(x0, c10);
            c11 = y.fma(x1, c11);
            y = FloatVector.broadcast(S, b[bo + j2]);
            c20 = y.fma(x0, c20);
            c21 = y.fma(x1, c21);
            y = FloatVector.broadcast(S, b[bo + j3]);
            c30 = y.fma(x0, c30);
            c31 = y.fma(x1, c31);
            y = FloatVector.broadcast(S, b[bo + j4]);
            c40 = y.fma(x0, c40);
            c41 = y.fma(x1, c41);
            y = FloatVector.broadcast(S, b[bo + j5]);
            c50 = y.fma(x0, c50);
            c51 = y.fma(x1, c51);
            y = FloatVector.broadcast(S, b[bo + j6]);
            c60 = y.fma(x0, c60);
            c61 = y.fma(x1, c61);
            y = FloatVector.broadcast(S, b[bo + j7]);
            c70 = y.fma(x0, c70);
            c71 = y.fma(x1, c71);
            ao += lda;
            bo += ldb;
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, ROWS);
        c11.intoArray(t, ROWS + L);
        c20.intoArray(t, 2 * ROWS);
        c21.intoArray(t, 2 * ROWS + L);
        c30.intoArray(t, 3 * ROWS);
        c31.intoArray(t, 3 * ROWS + L);
        c40.intoArray(t, 4 * ROWS);
        c41.intoArray(t, 4 * ROWS + L);
        c50.intoArray(t, 5 * ROWS);
        c51.intoArray(t, 5 * ROWS + L);
        c60.intoArray(t, 6 * ROWS);
        c61.intoArray(t, 6 * ROWS + L);
        c70.intoArray(t, 7 * ROWS);
        c71.intoArray(t, 7 * ROWS + L);
    }

    /** 2 vectors of rows x 4 columns, as block8. */
    private static void block4(int k, float[] a, int ao, int lda, float[] b, int bo, int ldb, int last, float[] t,
            boolean load) {
        int j1 = Math.min(1, last);
        int j2 = Math.min(2, last);
        int j3 = Math.min(3, last);
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (load) {
            c00 = FloatVector.fromArray(S, t, 0);
            c01 = FloatVector.fromArray(S, t, L);
            c10 = FloatVector.fromArray(S, t, ROWS);
            c11 = FloatVector.fromArray(S, t, ROWS + L);
            c20 = FloatVector.fromArray(S, t, 2 * ROWS);
            c21 = FloatVector.fromArray(S, t, 2 * ROWS + L);
            c30 = FloatVector.fromArray(S, t, 3 * ROWS);
            c31 = FloatVector.fromArray(S, t, 3 * ROWS + L);
        } else {
            c00 = FloatVector.zero(S);
            c01 = c00; c10 = c00; c11 = c00; c20 = c00;
            c21 = c00; c30 = c00; c31 = c00;
        }
        for (int p = 0; p < k; p++) {
            FloatVector x0 = FloatVector.fromArray(S, a, ao);
            FloatVector x1 = FloatVector.fromArray(S, a, ao + L);
            FloatVector y = FloatVector.broadcast(S, b[bo]);
            c00 = y.fma(x0, c00);
            c01 = y.fma(x1, c01);
            y = FloatVector.broadcast(S, b[bo + j1]);
            c10 = y.fma(x0, c10);
            c11 = y.fma(x1, c11);
            y = FloatVector.broadcast(S, b[bo + j2]);
            c20 = y.fma(x0, c20);
            c21 = y.fma(x1, c21);
            y = FloatVector.broadcast(S, b[bo + j3]);
            c30 = y.fma(x0, c30);
            c31 = y.fma(x1, c31);
            ao += lda;
            bo += ldb;
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, ROWS);
        c11.intoArray(t, ROWS + L);
        c20.intoArray(t, 2 * ROWS);
        c21.intoArray(t, 2 * ROWS + L);
        c30.intoArray(t, 3 * ROWS);
        c31.intoArray(t, 3 * ROWS + L);
    }

    /** 2 vectors of rows x 2 columns, as block8. */
    private static void block2(int k, float[] a, int ao, int lda, float[] b, int bo, int ldb, int last, float[] t,
            boolean load) {
        int j1 = Math.min(1, last);
        FloatVector c00, c01, c10, c11;
        if (load) {
            c00 = FloatVector.fromArray(S, t, 0);
            c01 = FloatVector.fromArray(S, t, L);
            c10 = FloatVector.fromArray(S, t, ROWS);
            c11 = FloatVector.fromArray(S, t, ROWS + L);
        } else {
            c00 = FloatVector.zero(S);
            c01 = c00; c10 = c00; c11 = c00;
        }
        for (int p = 0; p < k; p++) {
            FloatVector x0 = FloatVector.fromArray(S, a, ao);
            FloatVector x1 = FloatVector.fromArray(S, a, ao + L);
            FloatVector y = FloatVector.broadcast(S, b[bo]);
            c00 = y.fma(x0, c00);
            c01 = y.fma(x1, c01);
            y = FloatVector.broadcast(S, b[bo + j1]);
            c10 = y.fma(x0, c10);
            c11 = y.fma(x1, c11);
            ao += lda;
            bo += ldb;
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, ROWS);
        c11.intoArray(t, ROWS + L);
    }
}
