/*
 * GemmDot: the dot-product form of C (+)= A·Bᵀ for products with a narrow side, where the packed
 * register tile would run mostly on padding: the 10-class output layer (n <= LANES) and GEMV-like
 * products with a few rows (batch 1). A and B are read in place as rows along k (B's rows are B's
 * rows for NT, a transposed copy for NN); nothing is packed.
 *
 * Summation order of one C element (the same in every tile shape below, so results never depend on
 * which tile, thread or JIT tier computed it): lane l of one vector accumulator holds the in-order
 * FMA chain over p = l, l + LANES, ... < k1 (k1 = k rounded down to whole vectors); the lanes are
 * added by laneSum's tree (pairs at lane distance LANES/2, then LANES/4, ..., 1); the k tail
 * [k1, k) is added by scalar FMAs in order; C is added last when accumulating. The tiles add the
 * lanes of 16 (or 8) accumulators at once with a blend/shuffle butterfly that applies exactly that
 * tree to every accumulator and leaves C element t in lane t: ~4 vector ops per element instead of a
 * store and 15 scalar adds. On species other than 512 bits the tiles store their accumulators and
 * sum each with the scalar copy of the tree (same result, slower).
 * It is not a general kernel: no packing, no blocking of m or n, no thread split (Gemm does that).
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.GemmMicroKernel.L;
import static dev.vectrain.kernel.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

final class GemmDot {
    /** The butterfly needs one accumulator per lane for a 4 x 4 tile: 512-bit species only. */
    private static final boolean TREE16 = L == 16;
    /** Lanes whose index has bit d set (the lanes that take the second operand at tree level d). */
    private static final VectorMask<Float> HI8 = bitMask(8);
    private static final VectorMask<Float> HI4 = bitMask(4);
    private static final VectorMask<Float> HI2 = bitMask(2);
    private static final VectorMask<Float> HI1 = bitMask(1);
    private static final VectorShuffle<Float> SWAP8 = Reductions.SWAP8;
    private static final VectorShuffle<Float> SWAP4 = Reductions.SWAP4;
    private static final VectorShuffle<Float> SWAP2 = Reductions.SWAP2;
    private static final VectorShuffle<Float> SWAP1 = Reductions.SWAP1;
    /** Floats of scratch the tiles need. */
    static final int SCRATCH = 16 * L;

    private GemmDot() {
    }

    private static VectorMask<Float> bitMask(int d) {
        boolean[] bits = new boolean[L];
        for (int i = 0; i < L; i++) {
            bits[i] = (i & d) != 0;
        }
        return VectorMask.fromArray(S, bits, 0);
    }

    /**
     * C rows [m0, m1) x columns [n0, n1) (+)= A·Bᵀ: C(i, j) = Σ_p a[aOff + i*lda + p]·b[bOff + j*ldb + p]
     * over p < k, into c[cOff + i*ldc + j]. 4 x 4 tiles (4 x 2, single elements at the edges) where
     * there are 4 rows, 1 x 8 tiles (GEMV, single elements at the edge) for the rows left over (1 x 16
     * tiles were slower: sixteen B rows streamed at once from L2 measured ~15 % below eight).
     */
    static void rect(int m0, int m1, int n0, int n1, int k, float[] a, int aOff, int lda, float[] b, int bOff,
            int ldb, float[] c, int cOff, int ldc, boolean load, float[] scratch) {
        int i = m0;
        for (; i + 4 <= m1; i += 4) {
            int ao = aOff + i * lda;
            int co = cOff + i * ldc;
            int j = n0;
            for (; j + 4 <= n1; j += 4) {
                dot4x4(k, a, ao, lda, b, bOff + j * ldb, ldb, c, co + j, ldc, load, scratch);
            }
            if (j + 2 <= n1) {
                dot4x2(k, a, ao, lda, b, bOff + j * ldb, ldb, c, co + j, ldc, load, scratch);
                j += 2;
            }
            for (; j < n1; j++) {
                for (int r = 0; r < 4; r++) {
                    dot1(k, a, ao + r * lda, b, bOff + j * ldb, c, co + r * ldc + j, load, scratch);
                }
            }
        }
        for (; i < m1; i++) {
            int ao = aOff + i * lda;
            int co = cOff + i * ldc;
            int j = n0;
            for (; j + 8 <= n1; j += 8) {
                dot1x8(k, a, ao, b, bOff + j * ldb, ldb, c, co + j, load, scratch);
            }
            for (; j < n1; j++) {
                dot1(k, a, ao, b, bOff + j * ldb, c, co + j, load, scratch);
            }
        }
    }

    /** One C element (the reference order of the header, with a single accumulator). */
    static void dot1(int k, float[] a, int ao, float[] b, int bo, float[] c, int co, boolean load, float[] scratch) {
        int k1 = k - k % L;
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < k1; p += L) {
            acc = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), acc);
        }
        acc.intoArray(scratch, 0);
        store(treeSum(scratch, 0), k, k1, a, ao, b, bo, c, co, load);
    }

    /**
     * laneSum's tree on the L floats at t[o..o+L): pairs at distance L/2, then L/4, ..., 1 (written
     * out for 16 and 8 lanes; in place in t otherwise).
     */
    static float treeSum(float[] t, int o) {
        if (L == 16) {
            return (((t[o] + t[o + 8]) + (t[o + 4] + t[o + 12])) + ((t[o + 2] + t[o + 10]) + (t[o + 6] + t[o + 14])))
                    + (((t[o + 1] + t[o + 9]) + (t[o + 5] + t[o + 13]))
                    + ((t[o + 3] + t[o + 11]) + (t[o + 7] + t[o + 15])));
        }
        if (L == 8) {
            return ((t[o] + t[o + 4]) + (t[o + 2] + t[o + 6])) + ((t[o + 1] + t[o + 5]) + (t[o + 3] + t[o + 7]));
        }
        for (int d = L / 2; d >= 1; d /= 2) {
            for (int i = 0; i < d; i++) {
                t[o + i] += t[o + i + d];
            }
        }
        return t[o];
    }

    /**
     * Writes the rows x cols lane sums at s[r*cols + j] to C(r, j) at c[co + r*ldc + j], adding the k
     * tail and C as {@link #store} does (a plain copy when there is neither).
     */
    private static void finish(int rows, int cols, float[] s, int k, int k1, float[] a, int ao, int lda, float[] b,
            int bo, int ldb, float[] c, int co, int ldc, boolean load) {
        if (k1 == k && !load) {
            for (int r = 0; r < rows; r++) {
                int cr = co + r * ldc;
                for (int j = 0; j < cols; j++) {
                    c[cr + j] = s[r * cols + j];
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                store(s[r * cols + j], k, k1, a, ao + r * lda, b, bo + j * ldb, c, co + r * ldc + j, load);
            }
        }
    }

    /** Adds the k tail [k1, k) in order to a lane sum, then C when accumulating, and stores it. */
    private static void store(float s, int k, int k1, float[] a, int ao, float[] b, int bo, float[] c, int co,
            boolean load) {
        for (int p = k1; p < k; p++) {
            s = Math.fma(a[ao + p], b[bo + p], s);
        }
        c[co] = load ? c[co] + s : s;
    }

    /**
     * Lane sums of the 16 accumulators stored at t[0 .. 16·L): sum v (the tree of the header) goes to
     * t[v]. One level of the butterfly is {@code lo.blend(hi, HId).add(hi.blend(lo, HId).rearrange(SWAPd))}:
     * lanes without bit d get lo[i] + lo[i ^ d], lanes with it hi[i] + hi[i ^ d], as laneSum adds them.
     * Written out without helpers (a helper taking the mask and shuffle as arguments costs C2 so many
     * nodes that the last levels were not inlined and boxed), and kept out of the tile kernels so each
     * compiles alone within C2's inlining node budget (the accumulators go through memory, a store
     * and a load each).
     */
    static void sums16(float[] t) {
        if (!TREE16) {
            for (int v = 0; v < 16; v++) {
                t[v] = treeSum(t, v * L);
            }
            return;
        }
        FloatVector v0 = load(t, 0);
        FloatVector u0 = load(t, 8);
        FloatVector w0 = v0.blend(u0, HI8).add(u0.blend(v0, HI8).rearrange(SWAP8));
        FloatVector v1 = load(t, 1);
        FloatVector u1 = load(t, 9);
        FloatVector w1 = v1.blend(u1, HI8).add(u1.blend(v1, HI8).rearrange(SWAP8));
        FloatVector v2 = load(t, 2);
        FloatVector u2 = load(t, 10);
        FloatVector w2 = v2.blend(u2, HI8).add(u2.blend(v2, HI8).rearrange(SWAP8));
        FloatVector v3 = load(t, 3);
        FloatVector u3 = load(t, 11);
        FloatVector w3 = v3.blend(u3, HI8).add(u3.blend(v3, HI8).rearrange(SWAP8));
        FloatVector v4 = load(t, 4);
        FloatVector u4 = load(t, 12);
        FloatVector w4 = v4.blend(u4, HI8).add(u4.blend(v4, HI8).rearrange(SWAP8));
        FloatVector v5 = load(t, 5);
        FloatVector u5 = load(t, 13);
        FloatVector w5 = v5.blend(u5, HI8).add(u5.blend(v5, HI8).rearrange(SWAP8));
        FloatVector v6 = load(t, 6);
        FloatVector u6 = load(t, 14);
        FloatVector w6 = v6.blend(u6, HI8).add(u6.blend(v6, HI8).rearrange(SWAP8));
        FloatVector v7 = load(t, 7);
        FloatVector u7 = load(t, 15);
        FloatVector w7 = v7.blend(u7, HI8).add(u7.blend(v7, HI8).rearrange(SWAP8));
        FloatVector x0 = w0.blend(w4, HI4).add(w4.blend(w0, HI4).rearrange(SWAP4));
        FloatVector x1 = w1.blend(w5, HI4).add(w5.blend(w1, HI4).rearrange(SWAP4));
        FloatVector x2 = w2.blend(w6, HI4).add(w6.blend(w2, HI4).rearrange(SWAP4));
        FloatVector x3 = w3.blend(w7, HI4).add(w7.blend(w3, HI4).rearrange(SWAP4));
        FloatVector y0 = x0.blend(x2, HI2).add(x2.blend(x0, HI2).rearrange(SWAP2));
        FloatVector y1 = x1.blend(x3, HI2).add(x3.blend(x1, HI2).rearrange(SWAP2));
        y0.blend(y1, HI1).add(y1.blend(y0, HI1).rearrange(SWAP1)).intoArray(t, 0);
    }

    /** As sums16 for 8 accumulators at t[0 .. 8·L): sum v goes to t[v]. */
    static void sums8(float[] t) {
        if (!TREE16) {
            for (int v = 0; v < 8; v++) {
                t[v] = treeSum(t, v * L);
            }
            return;
        }
        FloatVector v0 = load(t, 0);
        FloatVector u0 = load(t, 4);
        FloatVector w0 = v0.blend(u0, HI8).add(u0.blend(v0, HI8).rearrange(SWAP8));
        FloatVector v1 = load(t, 1);
        FloatVector u1 = load(t, 5);
        FloatVector w1 = v1.blend(u1, HI8).add(u1.blend(v1, HI8).rearrange(SWAP8));
        FloatVector v2 = load(t, 2);
        FloatVector u2 = load(t, 6);
        FloatVector w2 = v2.blend(u2, HI8).add(u2.blend(v2, HI8).rearrange(SWAP8));
        FloatVector v3 = load(t, 3);
        FloatVector u3 = load(t, 7);
        FloatVector w3 = v3.blend(u3, HI8).add(u3.blend(v3, HI8).rearrange(SWAP8));
        FloatVector x0 = w0.blend(w2, HI4).add(w2.blend(w0, HI4).rearrange(SWAP4));
        FloatVector x1 = w1.blend(w3, HI4).add(w3.blend(w1, HI4).rearrange(SWAP4));
        FloatVector y = x0.blend(x1, HI2).add(x1.blend(x0, HI2).rearrange(SWAP2));
        // lanes 2v and 2v+1 hold the two halves of sum v; the last level adds them
        y.add(y.rearrange(SWAP1)).intoArray(t, 0);
        for (int v = 1; v < 8; v++) {
            t[v] = t[2 * v];
        }
    }

    private static FloatVector load(float[] t, int v) {
        return FloatVector.fromArray(S, t, v * L);
    }

    /** 4 x 4 C elements: A rows at ao + r*lda, B rows at bo + j*ldb. */
    private static void dot4x4(int k, float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co,
            int ldc, boolean load, float[] scratch) {
        int k1 = k - k % L;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a1 = ao + lda;
        int a2 = ao + 2 * lda;
        int a3 = ao + 3 * lda;
        int b1 = bo + ldb;
        int b2 = bo + 2 * ldb;
        int b3 = bo + 3 * ldb;
        for (int p = 0; p < k1; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, bo + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            c03 = x.fma(y3, c03);
            x = FloatVector.fromArray(S, a, a1 + p);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            c13 = x.fma(y3, c13);
            x = FloatVector.fromArray(S, a, a2 + p);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            c23 = x.fma(y3, c23);
            x = FloatVector.fromArray(S, a, a3 + p);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            c33 = x.fma(y3, c33);
        }
        c00.intoArray(scratch, 0);
        c01.intoArray(scratch, L);
        c02.intoArray(scratch, 2 * L);
        c03.intoArray(scratch, 3 * L);
        c10.intoArray(scratch, 4 * L);
        c11.intoArray(scratch, 5 * L);
        c12.intoArray(scratch, 6 * L);
        c13.intoArray(scratch, 7 * L);
        c20.intoArray(scratch, 8 * L);
        c21.intoArray(scratch, 9 * L);
        c22.intoArray(scratch, 10 * L);
        c23.intoArray(scratch, 11 * L);
        c30.intoArray(scratch, 12 * L);
        c31.intoArray(scratch, 13 * L);
        c32.intoArray(scratch, 14 * L);
        c33.intoArray(scratch, 15 * L);
        sums16(scratch);
        finish(4, 4, scratch, k, k1, a, ao, lda, b, bo, ldb, c, co, ldc, load);
    }

    /** 4 x 2 C elements, as dot4x4. */
    private static void dot4x2(int k, float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co,
            int ldc, boolean load, float[] scratch) {
        int k1 = k - k % L;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a1 = ao + lda;
        int a2 = ao + 2 * lda;
        int a3 = ao + 3 * lda;
        int b1 = bo + ldb;
        for (int p = 0; p < k1; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, bo + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.fromArray(S, a, a1 + p);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.fromArray(S, a, a2 + p);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.fromArray(S, a, a3 + p);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
        }
        c00.intoArray(scratch, 0);
        c01.intoArray(scratch, L);
        c10.intoArray(scratch, 2 * L);
        c11.intoArray(scratch, 3 * L);
        c20.intoArray(scratch, 4 * L);
        c21.intoArray(scratch, 5 * L);
        c30.intoArray(scratch, 6 * L);
        c31.intoArray(scratch, 7 * L);
        sums8(scratch);
        finish(4, 2, scratch, k, k1, a, ao, lda, b, bo, ldb, c, co, ldc, load);
    }

    /** 1 x 8 C elements (one A row against 8 B rows, GEMV). */
    private static void dot1x8(int k, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co,
            boolean load, float[] scratch) {
        int k1 = k - k % L;
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int o = bo;
        for (int p = 0; p < k1; p += L) {
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            c0 = x.fma(FloatVector.fromArray(S, b, o), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, o + ldb), c1);
            c2 = x.fma(FloatVector.fromArray(S, b, o + 2 * ldb), c2);
            c3 = x.fma(FloatVector.fromArray(S, b, o + 3 * ldb), c3);
            c4 = x.fma(FloatVector.fromArray(S, b, o + 4 * ldb), c4);
            c5 = x.fma(FloatVector.fromArray(S, b, o + 5 * ldb), c5);
            c6 = x.fma(FloatVector.fromArray(S, b, o + 6 * ldb), c6);
            c7 = x.fma(FloatVector.fromArray(S, b, o + 7 * ldb), c7);
            o += L;
        }
        c0.intoArray(scratch, 0);
        c1.intoArray(scratch, L);
        c2.intoArray(scratch, 2 * L);
        c3.intoArray(scratch, 3 * L);
        c4.intoArray(scratch, 4 * L);
        c5.intoArray(scratch, 5 * L);
        c6.intoArray(scratch, 6 * L);
        c7.intoArray(scratch, 7 * L);
        sums8(scratch);
        finish(1, 8, scratch, k, k1, a, ao, 0, b, bo, ldb, c, co, 0, load);
    }
}
