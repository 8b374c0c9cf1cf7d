/*
 * GemmPacking: copies blocks of A and B into the contiguous, zero-padded panel layouts the
 * micro-kernel reads. Each function packs straight from the stored layout (normal or transposed),
 * so NN, NT and TN never make a transposed copy of a whole matrix. It does no arithmetic.
 *
 * Packed B block: panels of NR columns; panel q starts at q*kc*NR, element (p, j) at p*NR + j;
 * columns past the matrix edge are zero. Packed A micro-panel: element (i, p) at p*MR + i; rows past
 * the edge are zero.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.GemmMicroKernel.L;
import static dev.vectrain.kernel.GemmMicroKernel.MR;
import static dev.vectrain.kernel.GemmMicroKernel.NR;
import static dev.vectrain.kernel.GemmMicroKernel.NV;
import static dev.vectrain.kernel.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

final class GemmPacking {
    /**
     * The first MR lanes of the kernels' species: one k step of a transposed A's micro-panel. A masked copy, not
     * an 8-lane species: a second FloatVector shape in the process makes the JDK's shared type profiles (e.g.
     * FloatVector.intoArray's call of length()) bimorphic, and C2 then kept some kernels' accumulators as heap
     * objects, one allocation per FMA (GemmTest.noAllocationAfterWarmUp; the compile log showed the
     * bimorphic_or_optimized_type_check on Float256Vector / Float512Vector).
     */
    private static final VectorMask<Float> PANEL_ROW = S.indexInRange(0, MR);
    /** transpose16's lane swaps (lane i takes lane i ^ h) and the lanes whose bit h is set. */
    private static final VectorShuffle<Float> X8 = xor(8);
    private static final VectorShuffle<Float> X4 = xor(4);
    private static final VectorShuffle<Float> X2 = xor(2);
    private static final VectorShuffle<Float> X1 = xor(1);
    private static final VectorMask<Float> M8 = lanesWithBit(8);
    private static final VectorMask<Float> M4 = lanesWithBit(4);
    private static final VectorMask<Float> M2 = lanesWithBit(2);
    private static final VectorMask<Float> M1 = lanesWithBit(1);
    /** transpose8x16's first step: lane l takes lane (l mod 8)·2 + l/8 (16 lanes; identity otherwise). */
    private static final VectorShuffle<Float> HALVES =
            VectorShuffle.fromOp(S, l -> L == 16 ? ((l & 7) << 1) | (l >> 3) : l);

    private GemmPacking() {
    }

    private static VectorShuffle<Float> xor(int h) {
        return VectorShuffle.fromOp(S, i -> (i ^ h) < L ? i ^ h : i);
    }

    private static VectorMask<Float> lanesWithBit(int h) {
        long bits = 0;
        for (int i = 0; i < L; i++) {
            if ((i & h) != 0) {
                bits |= 1L << i;
            }
        }
        return VectorMask.fromLong(S, bits);
    }

    /**
     * Packs rows {@code [p0, p0+kc)} and columns {@code [j0, j0+nc)} of op(B) into {@code dst}.
     * {@code trans == false}: B is stored k x n, element (p, j) at b[bOff + p*ldb + j];
     * {@code trans == true}: B is stored n x k, element (p, j) at b[bOff + j*ldb + p].
     */
    static void packB(boolean trans, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
        int panels = (nc + NR - 1) / NR;
        for (int q = 0; q < panels; q++) {
            int jq = j0 + q * NR;
            int w = Math.min(NR, j0 + nc - jq);
            int d = q * kc * NR;
            if (trans) {
                packBTransPanel(b, bOff, ldb, p0, kc, jq, w, dst, d);
            } else if (w == NR) {
                int src = bOff + p0 * ldb + jq;
                for (int p = 0; p < kc; p++) {
                    for (int v = 0; v < NV; v++) {
                        FloatVector.fromArray(S, b, src + v * L).intoArray(dst, d + v * L);
                    }
                    src += ldb;
                    d += NR;
                }
            } else {
                int src = bOff + p0 * ldb + jq;
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, src, dst, d, w);
                    java.util.Arrays.fill(dst, d + w, d + NR, 0f);
                    src += ldb;
                    d += NR;
                }
            }
        }
    }

    private static void packBTransPanel(float[] b, int bOff, int ldb, int p0, int kc, int jq, int w, float[] dst,
            int d) {
        // full panels on 16 lanes: 16 x 16 blocks transposed in registers, the last kc % 16 columns below
        int done = L == 16 && w == NR ? kc - kc % 16 : 0;
        for (int cb = 0; cb < NR && done > 0; cb += 16) {
            int src = bOff + (jq + cb) * ldb + p0;
            for (int p = 0; p < done; p += 16) {
                transpose16(b, src + p, ldb, dst, d + p * NR + cb);
            }
        }
        for (int jj = 0; jj < w; jj++) {
            int src = bOff + (jq + jj) * ldb + p0;
            int o = d + done * NR + jj;
            for (int p = done; p < kc; p++) {
                dst[o] = b[src + p];
                o += NR;
            }
        }
        if (w < NR) {
            for (int p = 0; p < kc; p++) {
                java.util.Arrays.fill(dst, d + p * NR + w, d + (p + 1) * NR, 0f);
            }
        }
    }

    /**
     * Writes the transpose of the 16 x 16 block whose rows start at {@code b[src + r*ldb]} to rows of
     * {@code dst} that start at {@code dst[o + c*NR]} (16 lanes only). An in-register transpose (four
     * stages; stage h swaps the off-diagonal h x h blocks of each 2h x 2h block with a lane-XOR shuffle and
     * a blend): contiguous loads and stores, 2.5x faster than the element-by-element copy it replaces,
     * whose stores are NR floats apart. It only moves data, so the packed panel is bitwise the same.
     */
    private static void transpose16(float[] b, int src, int ldb, float[] dst, int o) {
        FloatVector v0 = FloatVector.fromArray(S, b, src);
        FloatVector v1 = FloatVector.fromArray(S, b, src + ldb);
        FloatVector v2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector v3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector v4 = FloatVector.fromArray(S, b, src + 4 * ldb);
        FloatVector v5 = FloatVector.fromArray(S, b, src + 5 * ldb);
        FloatVector v6 = FloatVector.fromArray(S, b, src + 6 * ldb);
        FloatVector v7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        FloatVector v8 = FloatVector.fromArray(S, b, src + 8 * ldb);
        FloatVector v9 = FloatVector.fromArray(S, b, src + 9 * ldb);
        FloatVector va = FloatVector.fromArray(S, b, src + 10 * ldb);
        FloatVector vb = FloatVector.fromArray(S, b, src + 11 * ldb);
        FloatVector vc = FloatVector.fromArray(S, b, src + 12 * ldb);
        FloatVector vd = FloatVector.fromArray(S, b, src + 13 * ldb);
        FloatVector ve = FloatVector.fromArray(S, b, src + 14 * ldb);
        FloatVector vf = FloatVector.fromArray(S, b, src + 15 * ldb);
        FloatVector t;
        t = v0;
        v0 = t.blend(v8.rearrange(X8), M8);
        v8 = t.rearrange(X8).blend(v8, M8);
        t = v1;
        v1 = t.blend(v9.rearrange(X8), M8);
        v9 = t.rearrange(X8).blend(v9, M8);
        t = v2;
        v2 = t.blend(va.rearrange(X8), M8);
        va = t.rearrange(X8).blend(va, M8);
        t = v3;
        v3 = t.blend(vb.rearrange(X8), M8);
        vb = t.rearrange(X8).blend(vb, M8);
        t = v4;
        v4 = t.blend(vc.rearrange(X8), M8);
        vc = t.rearrange(X8).blend(vc, M8);
        t = v5;
        v5 = t.blend(vd.rearrange(X8), M8);
        vd = t.rearrange(X8).blend(vd, M8);
        t = v6;
        v6 = t.blend(ve.rearrange(X8), M8);
        ve = t.rearrange(X8).blend(ve, M8);
        t = v7;
        v7 = t.blend(vf.rearrange(X8), M8);
        vf = t.rearrange(X8).blend(vf, M8);
        t = v0;
        v0 = t.blend(v4.rearrange(X4), M4);
        v4 = t.rearrange(X4).blend(v4, M4);
        t = v1;
        v1 = t.blend(v5.rearrange(X4), M4);
        v5 = t.rearrange(X4).blend(v5, M4);
        t = v2;
        v2 = t.blend(v6.rearrange(X4), M4);
        v6 = t.rearrange(X4).blend(v6, M4);
        t = v3;
        v3 = t.blend(v7.rearrange(X4), M4);
        v7 = t.rearrange(X4).blend(v7, M4);
        t = v8;
        v8 = t.blend(vc.rearrange(X4), M4);
        vc = t.rearrange(X4).blend(vc, M4);
        t = v9;
        v9 = t.blend(vd.rearrange(X4), M4);
        vd = t.rearrange(X4).blend(vd, M4);
        t = va;
        va = t.blend(ve.rearrange(X4), M4);
        ve = t.rearrange(X4).blend(ve, M4);
        t = vb;
        vb = t.blend(vf.rearrange(X4), M4);
        vf = t.rearrange(X4).blend(vf, M4);
        t = v0;
        v0 = t.blend(v2.rearrange(X2), M2);
        v2 = t.rearrange(X2).blend(v2, M2);
        t = v1;
        v1 = t.blend(v3.rearrange(X2), M2);
        v3 = t.rearrange(X2).blend(v3, M2);
        t = v4;
        v4 = t.blend(v6.rearrange(X2), M2);
        v6 = t.rearrange(X2).blend(v6, M2);
        t = v5;
        v5 = t.blend(v7.rearrange(X2), M2);
        v7 = t.rearrange(X2).blend(v7, M2);
        t = v8;
        v8 = t.blend(va.rearrange(X2), M2);
        va = t.rearrange(X2).blend(va, M2);
        t = v9;
        v9 = t.blend(vb.rearrange(X2), M2);
        vb = t.rearrange(X2).blend(vb, M2);
        t = vc;
        vc = t.blend(ve.rearrange(X2), M2);
        ve = t.rearrange(X2).blend(ve, M2);
        t = vd;
        vd = t.blend(vf.rearrange(X2), M2);
        vf = t.rearrange(X2).blend(vf, M2);
        t = v0;
        v0 = t.blend(v1.rearrange(X1), M1);
        v1 = t.rearrange(X1).blend(v1, M1);
        t = v2;
        v2 = t.blend(v3.rearrange(X1), M1);
        v3 = t.rearrange(X1).blend(v3, M1);
        t = v4;
        v4 = t.blend(v5.rearrange(X1), M1);
        v5 = t.rearrange(X1).blend(v5, M1);
        t = v6;
        v6 = t.blend(v7.rearrange(X1), M1);
        v7 = t.rearrange(X1).blend(v7, M1);
        t = v8;
        v8 = t.blend(v9.rearrange(X1), M1);
        v9 = t.rearrange(X1).blend(v9, M1);
        t = va;
        va = t.blend(vb.rearrange(X1), M1);
        vb = t.rearrange(X1).blend(vb, M1);
        t = vc;
        vc = t.blend(vd.rearrange(X1), M1);
        vd = t.rearrange(X1).blend(vd, M1);
        t = ve;
        ve = t.blend(vf.rearrange(X1), M1);
        vf = t.rearrange(X1).blend(vf, M1);
        v0.intoArray(dst, o);
        v1.intoArray(dst, o + NR);
        v2.intoArray(dst, o + 2 * NR);
        v3.intoArray(dst, o + 3 * NR);
        v4.intoArray(dst, o + 4 * NR);
        v5.intoArray(dst, o + 5 * NR);
        v6.intoArray(dst, o + 6 * NR);
        v7.intoArray(dst, o + 7 * NR);
        v8.intoArray(dst, o + 8 * NR);
        v9.intoArray(dst, o + 9 * NR);
        va.intoArray(dst, o + 10 * NR);
        vb.intoArray(dst, o + 11 * NR);
        vc.intoArray(dst, o + 12 * NR);
        vd.intoArray(dst, o + 13 * NR);
        ve.intoArray(dst, o + 14 * NR);
        vf.intoArray(dst, o + 15 * NR);
    }

    /**
     * Packs rows {@code [i0, i0+mr)} (mr <= MR) and columns {@code [p0, p0+kc)} of op(A) into an
     * MR-row micro-panel at {@code dst[0..kc*MR)}.
     * {@code trans == false}: A is stored m x k, element (i, p) at a[aOff + i*lda + p];
     * {@code trans == true}: A is stored k x m, element (i, p) at a[aOff + p*lda + i].
     */
    static void packA(boolean trans, float[] a, int aOff, int lda, int i0, int mr, int p0, int kc, float[] dst) {
        if (trans) {
            int src = aOff + p0 * lda + i0;
            int d = 0;
            if (mr == MR && MR <= L) {
                // a full panel: one masked copy per p. With the scalar loop below (0.45 ns per element),
                // packing A and B took 28 of the 96 us of a 512x128x128 TN product on a Zen 5 core, with an
                // 8-lane copy 14; with this copy 784x512x128 TN reads 240 GFLOP/s (run-sgemm, one thread)
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, a, src, PANEL_ROW).intoArray(dst, d, PANEL_ROW);
                    src += lda;
                    d += MR;
                }
                return;
            }
            for (int p = 0; p < kc; p++) {
                for (int i = 0; i < mr; i++) {
                    dst[d + i] = a[src + i];
                }
                for (int i = mr; i < MR; i++) {
                    dst[d + i] = 0f;
                }
                src += lda;
                d += MR;
            }
        } else {
            // a full micro-panel on 16 lanes: 8 x 16 blocks transposed in registers, the last kc % 16 columns below
            int done = L == 16 && MR == 8 && mr == MR ? kc - kc % 16 : 0;
            for (int p = 0; p < done; p += 16) {
                transpose8x16(a, aOff + i0 * lda + p0 + p, lda, dst, p * MR);
            }
            for (int i = 0; i < mr; i++) {
                int src = aOff + (i0 + i) * lda + p0;
                int o = done * MR + i;
                for (int p = done; p < kc; p++) {
                    dst[o] = a[src + p];
                    o += MR;
                }
            }
            for (int i = mr; i < MR; i++) {
                int o = i;
                for (int p = 0; p < kc; p++) {
                    dst[o] = 0f;
                    o += MR;
                }
            }
        }
    }

    /**
     * Writes the 8 rows x 16 columns block whose rows start at {@code a[src + r*lda]} as 16 columns of 8
     * ({@code dst[o + c*8 + r]}), 16 lanes only. Lane c of a row first moves to lane (c &amp; 1)·8 + c/2;
     * three lane-XOR/blend stages (see transpose16) then exchange the row index with the low three lane
     * bits, so vector m holds columns 2m and 2m+1. Contiguous loads and stores instead of stores MR apart.
     */
    private static void transpose8x16(float[] a, int src, int lda, float[] dst, int o) {
        FloatVector v0 = FloatVector.fromArray(S, a, src).rearrange(HALVES);
        FloatVector v1 = FloatVector.fromArray(S, a, src + lda).rearrange(HALVES);
        FloatVector v2 = FloatVector.fromArray(S, a, src + 2 * lda).rearrange(HALVES);
        FloatVector v3 = FloatVector.fromArray(S, a, src + 3 * lda).rearrange(HALVES);
        FloatVector v4 = FloatVector.fromArray(S, a, src + 4 * lda).rearrange(HALVES);
        FloatVector v5 = FloatVector.fromArray(S, a, src + 5 * lda).rearrange(HALVES);
        FloatVector v6 = FloatVector.fromArray(S, a, src + 6 * lda).rearrange(HALVES);
        FloatVector v7 = FloatVector.fromArray(S, a, src + 7 * lda).rearrange(HALVES);
        FloatVector t;
        t = v0;
        v0 = t.blend(v4.rearrange(X4), M4);
        v4 = t.rearrange(X4).blend(v4, M4);
        t = v1;
        v1 = t.blend(v5.rearrange(X4), M4);
        v5 = t.rearrange(X4).blend(v5, M4);
        t = v2;
        v2 = t.blend(v6.rearrange(X4), M4);
        v6 = t.rearrange(X4).blend(v6, M4);
        t = v3;
        v3 = t.blend(v7.rearrange(X4), M4);
        v7 = t.rearrange(X4).blend(v7, M4);
        t = v0;
        v0 = t.blend(v2.rearrange(X2), M2);
        v2 = t.rearrange(X2).blend(v2, M2);
        t = v1;
        v1 = t.blend(v3.rearrange(X2), M2);
        v3 = t.rearrange(X2).blend(v3, M2);
        t = v4;
        v4 = t.blend(v6.rearrange(X2), M2);
        v6 = t.rearrange(X2).blend(v6, M2);
        t = v5;
        v5 = t.blend(v7.rearrange(X2), M2);
        v7 = t.rearrange(X2).blend(v7, M2);
        t = v0;
        v0 = t.blend(v1.rearrange(X1), M1);
        v1 = t.rearrange(X1).blend(v1, M1);
        t = v2;
        v2 = t.blend(v3.rearrange(X1), M1);
        v3 = t.rearrange(X1).blend(v3, M1);
        t = v4;
        v4 = t.blend(v5.rearrange(X1), M1);
        v5 = t.rearrange(X1).blend(v5, M1);
        t = v6;
        v6 = t.blend(v7.rearrange(X1), M1);
        v7 = t.rearrange(X1).blend(v7, M1);
        v0.intoArray(dst, o);
        v1.intoArray(dst, o + 16);
        v2.intoArray(dst, o + 32);
        v3.intoArray(dst, o + 48);
        v4.intoArray(dst, o + 64);
        v5.intoArray(dst, o + 80);
        v6.intoArray(dst, o + 96);
        v7.intoArray(dst, o + 112);
    }
}
