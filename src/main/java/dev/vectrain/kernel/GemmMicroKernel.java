/*
 * GemmMicroKernel: the register-tile inner kernels of Gemm. Each call computes one MR x NR tile of C
 * from a packed A micro-panel (kc x MR, element (i, p) at p*MR + i) and a packed B micro-panel
 * (kc x NR, element (p, j) at p*NR + j), holding all MR*NR/LANES accumulators in registers for the
 * whole K loop. It is not a GEMM: no packing, no blocking, no edges (callers pad with zeros).
 * The accumulators are explicit locals (not arrays) so C2 keeps them in vector registers.
 * Generated shape, written out by hand-checked script: 8 x 3 vectors for 512-bit (24 of 32 zmm),
 * 6 x 2 vectors for narrower species (12 of 16 ymm/xmm).
 * The two full tiles always start from accumulators loaded from C: for a fresh product (load false) they
 * first store zeros there. Started from zero vectors, C2 (JDK 25) kept one of the 24 accumulators on the
 * stack inside the K loop (a load, FMA and store per step, a chain through memory): on a Zen 5 core the
 * 8 x 3 kernel then ran at 170-183 GFLOP/s against 215-235 with this (probe, K = 128 and 256), and a
 * product that fits one K block takes no other kind of call. The result is the same bits: each chain
 * starts at +0.0 either way.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

final class GemmMicroKernel {
    static final VectorSpecies<Float> S = Vec.SPECIES;
    static final int L = Vec.LANES;
    /** True when the species is wide enough (16 lanes, AVX-512 with 32 registers) for the 8 x 3 tile. */
    static final boolean WIDE = L >= 16;
    /** Rows of the register tile. */
    static final int MR = WIDE ? 8 : 6;
    /** Vectors per tile row. */
    static final int NV = WIDE ? 3 : 2;
    /** Columns of the register tile. */
    static final int NR = NV * L;

    private GemmMicroKernel() {
    }

    /**
     * A remainder panel of {@code vecs} < NV vectors (packed with row stride NR): on 512-bit species
     * the 8 x 2 and 8 x 1 kernels skip the zero columns; elsewhere the full tile runs on the padding.
     * Each C element still sees the same FMA sequence as in the full kernel.
     */
    static void kernelNarrow(int vecs, int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
            boolean load) {
        if (WIDE && vecs == 1) {
            kernel8x1(kc, ap, ao, bp, bo, NR, c, co, ldc, load);
        } else if (WIDE && vecs == 2) {
            kernel8x2(kc, ap, ao, bp, bo, NR, c, co, ldc, load);
        } else {
            kernel(kc, ap, ao, bp, bo, c, co, ldc, load);
        }
    }

    /** Dispatches to the tile kernel of this species; see {@link #kernel8x3}. */
    static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean load) {
        if (WIDE) {
            kernel8x3(kc, ap, ao, bp, bo, c, co, ldc, load);
        } else {
            kernel6x2(kc, ap, ao, bp, bo, c, co, ldc, load);
        }
    }

    /** C[8 x 3·LANES] (load ? += : =) Σ_p A[:,p]·B[p,:] over packed panels; accumulators live in registers. */
    static void kernel8x3(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
        FloatVector c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        if (!load) {
            // zeros stored and loaded back rather than zero accumulators: see the class comment
            FloatVector z = FloatVector.zero(S);
            for (int i = 0; i < 8; i++) {
                z.intoArray(c, co + i * ldc);
                z.intoArray(c, co + i * ldc + 1 * L);
                z.intoArray(c, co + i * ldc + 2 * L);
            }
        }
        {
            int r0 = co;
            c00 = FloatVector.fromArray(S, c, r0);
            c01 = FloatVector.fromArray(S, c, r0 + 1 * L);
            c02 = FloatVector.fromArray(S, c, r0 + 2 * L);
            int r1 = co + 1 * ldc;
            c10 = FloatVector.fromArray(S, c, r1);
            c11 = FloatVector.fromArray(S, c, r1 + 1 * L);
            c12 = FloatVector.fromArray(S, c, r1 + 2 * L);
            int r2 = co + 2 * ldc;
            c20 = FloatVector.fromArray(S, c, r2);
            c21 = FloatVector.fromArray(S, c, r2 + 1 * L);
            c22 = FloatVector.fromArray(S, c, r2 + 2 * L);
            int r3 = co + 3 * ldc;
            c30 = FloatVector.fromArray(S, c, r3);
            c31 = FloatVector.fromArray(S, c, r3 + 1 * L);
            c32 = FloatVector.fromArray(S, c, r3 + 2 * L);
            int r4 = co + 4 * ldc;
            c40 = FloatVector.fromArray(S, c, r4);
            c41 = FloatVector.fromArray(S, c, r4 + 1 * L);
            c42 = FloatVector.fromArray(S, c, r4 + 2 * L);
            int r5 = co + 5 * ldc;
            c50 = FloatVector.fromArray(S, c, r5);
            c51 = FloatVector.fromArray(S, c, r5 + 1 * L);
            c52 = FloatVector.fromArray(S, c, r5 + 2 * L);
            int r6 = co + 6 * ldc;
            c60 = FloatVector.fromArray(S, c, r6);
            c61 = FloatVector.fromArray(S, c, r6 + 1 * L);
            c62 = FloatVector.fromArray(S, c, r6 + 2 * L);
            int r7 = co + 7 * ldc;
            c70 = FloatVector.fromArray(S, c, r7);
            c71 = FloatVector.fromArray(S, c, r7 + 1 * L);
            c72 = FloatVector.fromArray(S, c, r7 + 2 * L);
        }
        int a = ao;
        int b = bo;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + 1 * L);
            FloatVector b2 = FloatVector.fromArray(S, bp, b + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, ap[a + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, ap[a + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
            a += 8;
            b += 3 * L;
        }
        int s0 = co;
        c00.intoArray(c, s0);
        c01.intoArray(c, s0 + 1 * L);
        c02.intoArray(c, s0 + 2 * L);
        int s1 = co + 1 * ldc;
        c10.intoArray(c, s1);
        c11.intoArray(c, s1 + 1 * L);
        c12.intoArray(c, s1 + 2 * L);
        int s2 = co + 2 * ldc;
        c20.intoArray(c, s2);
        c21.intoArray(c, s2 + 1 * L);
        c22.intoArray(c, s2 + 2 * L);
        int s3 = co + 3 * ldc;
        c30.intoArray(c, s3);
        c31.intoArray(c, s3 + 1 * L);
        c32.intoArray(c, s3 + 2 * L);
        int s4 = co + 4 * ldc;
        c40.intoArray(c, s4);
        c41.intoArray(c, s4 + 1 * L);
        c42.intoArray(c, s4 + 2 * L);
        int s5 = co + 5 * ldc;
        c50.intoArray(c, s5);
        c51.intoArray(c, s5 + 1 * L);
        c52.intoArray(c, s5 + 2 * L);
        int s6 = co + 6 * ldc;
        c60.intoArray(c, s6);
        c61.intoArray(c, s6 + 1 * L);
        c62.intoArray(c, s6 + 2 * L);
        int s7 = co + 7 * ldc;
        c70.intoArray(c, s7);
        c71.intoArray(c, s7 + 1 * L);
        c72.intoArray(c, s7 + 2 * L);
    }

    /** C[6 x 2·LANES] (load ? += : =) Σ_p A[:,p]·B[p,:] over packed panels; accumulators live in registers. */
    static void kernel6x2(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (!load) {
            // zeros stored and loaded back rather than zero accumulators: see the class comment
            FloatVector z = FloatVector.zero(S);
            for (int i = 0; i < 6; i++) {
                z.intoArray(c, co + i * ldc);
                z.intoArray(c, co + i * ldc + 1 * L);
            }
        }
        {
            int r0 = co;
            c00 = FloatVector.fromArray(S, c, r0);
            c01 = FloatVector.fromArray(S, c, r0 + 1 * L);
            int r1 = co + 1 * ldc;
            c10 = FloatVector.fromArray(S, c, r1);
            c11 = FloatVector.fromArray(S, c, r1 + 1 * L);
            int r2 = co + 2 * ldc;
            c20 = FloatVector.fromArray(S, c, r2);
            c21 = FloatVector.fromArray(S, c, r2 + 1 * L);
            int r3 = co + 3 * ldc;
            c30 = FloatVector.fromArray(S, c, r3);
            c31 = FloatVector.fromArray(S, c, r3 + 1 * L);
            int r4 = co + 4 * ldc;
            c40 = FloatVector.fromArray(S, c, r4);
            c41 = FloatVector.fromArray(S, c, r4 + 1 * L);
            int r5 = co + 5 * ldc;
            c50 = FloatVector.fromArray(S, c, r5);
            c51 = FloatVector.fromArray(S, c, r5 + 1 * L);
        }
        int a = ao;
        int b = bo;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + 1 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            a += 6;
            b += 2 * L;
        }
        int s0 = co;
        c00.intoArray(c, s0);
        c01.intoArray(c, s0 + 1 * L);
        int s1 = co + 1 * ldc;
        c10.intoArray(c, s1);
        c11.intoArray(c, s1 + 1 * L);
        int s2 = co + 2 * ldc;
        c20.intoArray(c, s2);
        c21.intoArray(c, s2 + 1 * L);
        int s3 = co + 3 * ldc;
        c30.intoArray(c, s3);
        c31.intoArray(c, s3 + 1 * L);
        int s4 = co + 4 * ldc;
        c40.intoArray(c, s4);
        c41.intoArray(c, s4 + 1 * L);
        int s5 = co + 5 * ldc;
        c50.intoArray(c, s5);
        c51.intoArray(c, s5 + 1 * L);
    }

    /** Like {@link #kernel8x3} for a 2-vector-wide remainder panel whose rows are {@code bs} floats apart. */
    static void kernel8x2(int kc, float[] ap, int ao, float[] bp, int bo, int bs, float[] c, int co, int ldc,
            boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (load) {
            int r0 = co;
            c00 = FloatVector.fromArray(S, c, r0);
            c01 = FloatVector.fromArray(S, c, r0 + 1 * L);
            int r1 = co + 1 * ldc;
            c10 = FloatVector.fromArray(S, c, r1);
            c11 = FloatVector.fromArray(S, c, r1 + 1 * L);
            int r2 = co + 2 * ldc;
            c20 = FloatVector.fromArray(S, c, r2);
            c21 = FloatVector.fromArray(S, c, r2 + 1 * L);
            int r3 = co + 3 * ldc;
            c30 = FloatVector.fromArray(S, c, r3);
            c31 = FloatVector.fromArray(S, c, r3 + 1 * L);
            int r4 = co + 4 * ldc;
            c40 = FloatVector.fromArray(S, c, r4);
            c41 = FloatVector.fromArray(S, c, r4 + 1 * L);
            int r5 = co + 5 * ldc;
            c50 = FloatVector.fromArray(S, c, r5);
            c51 = FloatVector.fromArray(S, c, r5 + 1 * L);
            int r6 = co + 6 * ldc;
            c60 = FloatVector.fromArray(S, c, r6);
            c61 = FloatVector.fromArray(S, c, r6 + 1 * L);
            int r7 = co + 7 * ldc;
            c70 = FloatVector.fromArray(S, c, r7);
            c71 = FloatVector.fromArray(S, c, r7 + 1 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z;
            c10 = z; c11 = z;
            c20 = z; c21 = z;
            c30 = z; c31 = z;
            c40 = z; c41 = z;
            c50 = z; c51 = z;
            c60 = z; c61 = z;
            c70 = z; c71 = z;
        }
        int a = ao;
        int b = bo;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + 1 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[a + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[a + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            a += 8;
            b += bs;
        }
        int s0 = co;
        c00.intoArray(c, s0);
        c01.intoArray(c, s0 + 1 * L);
        int s1 = co + 1 * ldc;
        c10.intoArray(c, s1);
        c11.intoArray(c, s1 + 1 * L);
        int s2 = co + 2 * ldc;
        c20.intoArray(c, s2);
        c21.intoArray(c, s2 + 1 * L);
        int s3 = co + 3 * ldc;
        c30.intoArray(c, s3);
        c31.intoArray(c, s3 + 1 * L);
        int s4 = co + 4 * ldc;
        c40.intoArray(c, s4);
        c41.intoArray(c, s4 + 1 * L);
        int s5 = co + 5 * ldc;
        c50.intoArray(c, s5);
        c51.intoArray(c, s5 + 1 * L);
        int s6 = co + 6 * ldc;
        c60.intoArray(c, s6);
        c61.intoArray(c, s6 + 1 * L);
        int s7 = co + 7 * ldc;
        c70.intoArray(c, s7);
        c71.intoArray(c, s7 + 1 * L);
    }

    /** Like {@link #kernel8x3} for a 1-vector-wide remainder panel whose rows are {@code bs} floats apart. */
    static void kernel8x1(int kc, float[] ap, int ao, float[] bp, int bo, int bs, float[] c, int co, int ldc,
            boolean load) {
        FloatVector c00, c10, c20, c30, c40, c50, c60, c70;
        if (load) {
            int r0 = co;
            c00 = FloatVector.fromArray(S, c, r0);
            int r1 = co + 1 * ldc;
            c10 = FloatVector.fromArray(S, c, r1);
            int r2 = co + 2 * ldc;
            c20 = FloatVector.fromArray(S, c, r2);
            int r3 = co + 3 * ldc;
            c30 = FloatVector.fromArray(S, c, r3);
            int r4 = co + 4 * ldc;
            c40 = FloatVector.fromArray(S, c, r4);
            int r5 = co + 5 * ldc;
            c50 = FloatVector.fromArray(S, c, r5);
            int r6 = co + 6 * ldc;
            c60 = FloatVector.fromArray(S, c, r6);
            int r7 = co + 7 * ldc;
            c70 = FloatVector.fromArray(S, c, r7);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z;
            c10 = z;
            c20 = z;
            c30 = z;
            c40 = z;
            c50 = z;
            c60 = z;
            c70 = z;
        }
        int a = ao;
        int b = bo;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector a0 = FloatVector.broadcast(S, ap[a + 0]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
            c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(S, ap[a + 6]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(S, ap[a + 7]);
            c70 = a7.fma(b0, c70);
            a += 8;
            b += bs;
        }
        int s0 = co;
        c00.intoArray(c, s0);
        int s1 = co + 1 * ldc;
        c10.intoArray(c, s1);
        int s2 = co + 2 * ldc;
        c20.intoArray(c, s2);
        int s3 = co + 3 * ldc;
        c30.intoArray(c, s3);
        int s4 = co + 4 * ldc;
        c40.intoArray(c, s4);
        int s5 = co + 5 * ldc;
        c50.intoArray(c, s5);
        int s6 = co + 6 * ldc;
        c60.intoArray(c, s6);
        int s7 = co + 7 * ldc;
        c70.intoArray(c, s7);
    }

}
