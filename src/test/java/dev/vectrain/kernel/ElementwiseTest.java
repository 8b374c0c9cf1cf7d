/* Agreement of Elementwise and Bias with their scalar twins over every tail size, offsets and ld > cols. */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.KernelTesting.SIZES;
import static dev.vectrain.kernel.KernelTesting.assertBitwise;
import static dev.vectrain.kernel.KernelTesting.assertClose;
import static dev.vectrain.kernel.KernelTesting.random;

import dev.vectrain.reference.ReferenceBias;
import dev.vectrain.reference.ReferenceElementwise;
import dev.vectrain.reference.ReferenceReductions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    /** axpy: one FMA vs the reference's double product + sum rounded once: at most 1 ulp apart. */
    private static final double AXPY_REL = 1.2e-7;
    /** columnSums: float sums over rows; relative to Σ|x| of the column. */
    private static final double COLSUM_REL = 1e-6;

    @Test
    void axpyScaleFillCopyAgree() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int n : SIZES) {
            int xOff = 3;
            int yOff = 5;
            float[] x = random(rnd, n + 7, -2, 2);
            float[] y = random(rnd, n + 9, -2, 2);
            float[] y2 = y.clone();
            Elementwise.axpy(n, 0.75f, x, xOff, y, yOff);
            ReferenceElementwise.axpy(n, 0.75f, x, xOff, y2, yOff);
            assertClose("axpy n=" + n, y2, 0, y, 0, y.length, 1e-30, AXPY_REL);

            float[] s = x.clone();
            float[] s2 = x.clone();
            Elementwise.scale(n, -1.5f, s, xOff);
            ReferenceElementwise.scale(n, -1.5f, s2, xOff);
            assertBitwise("scale n=" + n, s2, s);

            Elementwise.fill(n, 4.25f, s, xOff);
            ReferenceElementwise.fill(n, 4.25f, s2, xOff);
            assertBitwise("fill n=" + n, s2, s);

            float[] d = y.clone();
            float[] d2 = y.clone();
            Elementwise.copy(n, x, xOff, d, yOff);
            ReferenceElementwise.copy(n, x, xOff, d2, yOff);
            assertBitwise("copy n=" + n, d2, d);
        }
    }

    @Test
    void overlappingCopyBehavesLikeMemmove() {
        float[] a = {0, 1, 2, 3, 4, 5, 6, 7};
        float[] b = a.clone();
        Elementwise.copy(6, a, 0, a, 2);
        ReferenceElementwise.copy(6, b, 0, b, 2);
        assertBitwise("memmove", b, a);
    }

    @Test
    void biasAddRowsAndColumnSumsAgree() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                if ((long) rows * cols > 140_000) {
                    continue;
                }
                int ld = cols + 3;
                int off = 2;
                float[] x = random(rnd, off + rows * ld + 1, -1, 1);
                float[] bias = random(rnd, cols + 1, -1, 1);
                float[] x1 = x.clone();
                float[] x2 = x.clone();
                Bias.addRows(rows, cols, bias, 1, x1, off, ld);
                ReferenceBias.addRows(rows, cols, bias, 1, x2, off, ld);
                assertBitwise("addRows " + rows + "x" + cols, x2, x1);

                for (boolean acc : new boolean[] {false, true}) {
                    float[] out = random(rnd, cols + 4, -1, 1);
                    float[] out2 = out.clone();
                    Bias.columnSums(rows, cols, x, off, ld, out, 4, acc);
                    ReferenceBias.columnSums(rows, cols, x, off, ld, out2, 4, acc);
                    for (int c = 0; c < cols; c++) {
                        double scale = 1 + ReferenceReductions.sumAbs(rows, columnOf(x, off, ld, rows, c), 0);
                        assertClose("columnSums " + rows + "x" + cols + " acc=" + acc + " col " + c, out2[4 + c],
                                out[4 + c], COLSUM_REL * scale, 0);
                    }
                    assertBitwise("columnSums padding", java.util.Arrays.copyOf(out2, 4), java.util.Arrays.copyOf(out, 4));
                }
            }
        }
    }

    private static float[] columnOf(float[] x, int off, int ld, int rows, int c) {
        float[] col = new float[rows];
        for (int r = 0; r < rows; r++) {
            col[r] = x[off + r * ld + c];
        }
        return col;
    }
}
