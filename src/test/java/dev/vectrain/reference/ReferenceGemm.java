/*
 * ReferenceGemm: the plain scalar twin of dev.vectrain.kernel.Gemm, the test oracle. Triple loops with
 * double accumulation, same signatures minus the pool. It is not fast and does not check arguments.
 */
package dev.vectrain.reference;

/** Obvious C (+)= op(A)·op(B) with double sums; see Gemm for the argument meanings. */
public final class ReferenceGemm {
    private ReferenceGemm() {
    }

    /** C(m×n) (+)= A(m×k)·B(k×n). */
    public static void nn(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
            int cOff, int ldc, boolean accumulate) {
        gemm(false, false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** C(m×n) (+)= A(m×k)·Bᵀ with B stored n×k. */
    public static void nt(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
            int cOff, int ldc, boolean accumulate) {
        gemm(false, true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** C(m×n) (+)= Aᵀ·B with A stored k×m. */
    public static void tn(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
            int cOff, int ldc, boolean accumulate) {
        gemm(true, false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    private static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? (float) (c[ci] + s) : (float) s;
            }
        }
    }
}
