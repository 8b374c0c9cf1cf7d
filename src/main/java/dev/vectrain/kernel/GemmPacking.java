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

final class GemmPacking {
    private GemmPacking() {
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
        for (int jj = 0; jj < w; jj++) {
            int src = bOff + (jq + jj) * ldb + p0;
            int o = d + jj;
            for (int p = 0; p < kc; p++) {
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
     * Packs rows {@code [i0, i0+mr)} (mr <= MR) and columns {@code [p0, p0+kc)} of op(A) into an
     * MR-row micro-panel at {@code dst[0..kc*MR)}.
     * {@code trans == false}: A is stored m x k, element (i, p) at a[aOff + i*lda + p];
     * {@code trans == true}: A is stored k x m, element (i, p) at a[aOff + p*lda + i].
     */
    static void packA(boolean trans, float[] a, int aOff, int lda, int i0, int mr, int p0, int kc, float[] dst) {
        if (trans) {
            int src = aOff + p0 * lda + i0;
            int d = 0;
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
            for (int i = 0; i < mr; i++) {
                int src = aOff + (i0 + i) * lda + p0;
                int o = i;
                for (int p = 0; p < kc; p++) {
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
}
