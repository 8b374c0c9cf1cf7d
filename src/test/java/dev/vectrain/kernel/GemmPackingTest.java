/*
 * GemmPacking: the packed B panels of a transposed B and the packed A micro-panels of a normal A (the
 * in-register transposes on 16-lane species, element by element otherwise) and of a transposed A (an 8-lane
 * copy per k step for full panels on 16-lane species) against the layouts written out by hand: element (p, j)
 * of op(B) at p*NR + j of its panel, element (i, p) of op(A) at p*MR + i; zero past the matrix edge.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.GemmMicroKernel.MR;
import static dev.vectrain.kernel.GemmMicroKernel.NR;
import static dev.vectrain.kernel.KernelTesting.assertBitwise;
import static dev.vectrain.kernel.KernelTesting.random;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GemmPackingTest {
    /** The packed layout of rows [p0, p0+kc) and columns [j0, j0+nc) of op(B), B stored n x k (transposed). */
    private static float[] expectedTransposed(float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc) {
        int panels = (nc + NR - 1) / NR;
        float[] dst = new float[panels * kc * NR + 7];
        Arrays.fill(dst, Float.NaN);
        for (int q = 0; q < panels; q++) {
            for (int p = 0; p < kc; p++) {
                for (int jj = 0; jj < NR; jj++) {
                    int j = j0 + q * NR + jj;
                    dst[q * kc * NR + p * NR + jj] = j < j0 + nc ? b[bOff + j * ldb + p0 + p] : 0f;
                }
            }
        }
        return dst;
    }

    @Test
    void transposedPanelsAreTheLayoutWrittenOutByHand() {
        SplittableRandom rnd = new SplittableRandom(17);
        int[][] cases = {
            // n, k, p0, kc, j0, nc
            {512, 784, 0, 196, 0, 512},     // Dense's forward B: full panels, kc not a multiple of 16
            {512, 784, 588, 196, 48, 96},   // a later K block, panels from column 48
            {256, 512, 256, 256, 0, 256},   // kc a multiple of 16
            {100, 40, 3, 37, 5, 95},        // edge panel narrower than NR, odd offsets
            {48, 15, 0, 15, 0, 48},         // kc below 16: element-by-element only
            {7, 33, 1, 32, 0, 7},           // a single narrow panel
        };
        for (int[] c : cases) {
            int n = c[0];
            int k = c[1];
            int ldb = k + 3;
            int bOff = 5;
            float[] b = random(rnd, bOff + n * ldb, -1, 1);
            float[] expected = expectedTransposed(b, bOff, ldb, c[2], c[3], c[4], c[5]);
            float[] dst = new float[expected.length];
            Arrays.fill(dst, Float.NaN);
            GemmPacking.packB(true, b, bOff, ldb, c[2], c[3], c[4], c[5], dst);
            assertBitwise("packB transposed " + Arrays.toString(c), expected, dst);
        }
    }

    @Test
    void normalAMicroPanelsAreTheLayoutWrittenOutByHand() {
        SplittableRandom rnd = new SplittableRandom(18);
        int[][] cases = {
            // m, k, i0, mr, p0, kc
            {128, 784, 0, MR, 0, 196},       // Dense's forward A: full micro-panel, kc not a multiple of 16
            {128, 784, 120, MR, 588, 196},   // the last panel of a later K block
            {64, 512, 8, MR, 256, 256},      // kc a multiple of 16
            {13, 40, 8, 5, 3, 37},           // an edge panel with fewer rows than MR
            {8, 15, 0, MR, 0, 15},           // kc below 16: element by element only
        };
        for (int[] c : cases) {
            assertPackALayout(false, c, rnd);
        }
    }

    /** A stored k x m (TN): full panels take the 8-lane copy on 16-lane species, edge panels the scalar loop. */
    @Test
    void transposedAMicroPanelsAreTheLayoutWrittenOutByHand() {
        SplittableRandom rnd = new SplittableRandom(19);
        int[][] cases = {
            // m, k, i0, mr, p0, kc
            {784, 128, 0, MR, 0, 128},       // the weight gradient's A: a full micro-panel, one K block
            {784, 128, 776, MR, 0, 128},     // its last full panel
            {128, 600, 64, MR, 300, 300},    // a later K block
            {13, 40, 8, 5, 3, 37},           // an edge panel with fewer rows than MR
        };
        for (int[] c : cases) {
            assertPackALayout(true, c, rnd);
        }
    }

    /**
     * packA of case {m, k, i0, mr, p0, kc} against the layout written out by hand: element (i, p) of op(A) at
     * p*MR + i, zero in the rows past mr; A stored m x k (trans false) or k x m (trans true) with a padded lda.
     */
    private static void assertPackALayout(boolean trans, int[] c, SplittableRandom rnd) {
        int m = c[0];
        int k = c[1];
        int lda = (trans ? m : k) + 5;
        int aOff = 3;
        float[] a = random(rnd, aOff + (trans ? k : m) * lda, -1, 1);
        int i0 = c[2];
        int mr = Math.min(c[3], m - i0);
        int p0 = c[4];
        int kc = c[5];
        float[] expected = new float[kc * MR + 5];
        Arrays.fill(expected, Float.NaN);
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < MR; i++) {
                int at = trans ? aOff + (p0 + p) * lda + i0 + i : aOff + (i0 + i) * lda + p0 + p;
                expected[p * MR + i] = i < mr ? a[at] : 0f;
            }
        }
        float[] dst = new float[expected.length];
        Arrays.fill(dst, Float.NaN);
        GemmPacking.packA(trans, a, aOff, lda, i0, mr, p0, kc, dst);
        assertBitwise("packA " + (trans ? "transposed " : "normal ") + Arrays.toString(c), expected, dst);
    }
}
