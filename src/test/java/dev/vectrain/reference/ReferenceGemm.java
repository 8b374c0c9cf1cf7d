/*
 * ReferenceGemm: the plain scalar twin of dev.vectrain.kernel.Gemm, the test oracle. Triple loops with
 * double accumulation, same signatures minus the pool; and, for the bitwise tests, the two float
 * summation orders Gemm documents (an in-order FMA chain, and GemmDot's lanes-then-tree order).
 * It is not fast and does not check arguments.
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

    /**
     * C (+)= op(A)·op(B) where each element is one float FMA chain over p = 0 .. k-1 in order, starting
     * from C when accumulating and from zero otherwise: the order of every Gemm path but the dot products.
     */
    public static void inOrderFma(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = cOff + i * ldc + j;
                float s = accumulate ? c[ci] : 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(at(transA, a, aOff, lda, i, p), bt(transB, b, bOff, ldb, p, j), s);
                }
                c[ci] = s;
            }
        }
    }

    /**
     * C (+)= op(A)·op(B) in GemmDot's order for {@code lanes} vector lanes: lane l is an FMA chain over
     * p = l, l + lanes, ... below k1 = k - k % lanes; the lanes are added pairwise at distance lanes/2,
     * then lanes/4, ..., 1; the tail p in [k1, k) is added by FMAs in order; C is added last.
     */
    public static void laneTree(int lanes, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        float[] part = new float[lanes];
        int k1 = k - k % lanes;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                java.util.Arrays.fill(part, 0f);
                for (int p = 0; p < k1; p++) {
                    part[p % lanes] = Math.fma(at(transA, a, aOff, lda, i, p), bt(transB, b, bOff, ldb, p, j),
                            part[p % lanes]);
                }
                for (int d = lanes / 2; d >= 1; d /= 2) {
                    for (int l = 0; l < d; l++) {
                        part[l] += part[l + d];
                    }
                }
                float s = part[0];
                for (int p = k1; p < k; p++) {
                    s = Math.fma(at(transA, a, aOff, lda, i, p), bt(transB, b, bOff, ldb, p, j), s);
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    private static float at(boolean transA, float[] a, int aOff, int lda, int i, int p) {
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    private static float bt(boolean transB, float[] b, int bOff, int ldb, int p, int j) {
        return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }
}
