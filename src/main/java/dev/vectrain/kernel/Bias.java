/*
 * Bias: adding a bias row to every row of a (rows x cols) matrix, and its backward (column sums).
 * Shapes: bias (cols), x (rows x cols) row-major with leading dimension ldx >= cols.
 * It is not a general broadcast engine: only the dense-layer bias pattern.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Bias forward (broadcast add over rows) and backward (sum over rows). */
public final class Bias {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;

    private Bias() {
    }

    /** {@code x[r, c] += bias[c]} for every row r; x is (rows x cols) with leading dimension ldx. */
    public static void addRows(int rows, int cols, float[] bias, int bOff, float[] x, int xOff, int ldx) {
        Check.nonNegative("rows", rows);
        Check.nonNegative("cols", cols);
        Check.range("bias", bias, bOff, cols);
        Check.matrix("x", x, xOff, rows, cols, ldx);
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * ldx;
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, x, row + c).add(FloatVector.fromArray(S, bias, bOff + c)).intoArray(x, row + c);
            }
            for (; c < cols; c++) {
                x[row + c] += bias[bOff + c];
            }
        }
    }

    /**
     * {@code out[c] (+)= sum over r of x[r, c]}: the bias gradient from dY. Streams x row by row
     * (contiguous reads) adding each row into out, rows in order 0..rows-1, in float. Without
     * {@code accumulate} out is zeroed first; with it the rows are added onto out's current values.
     */
    public static void columnSums(int rows, int cols, float[] x, int xOff, int ldx, float[] out, int outOff,
            boolean accumulate) {
        Check.nonNegative("rows", rows);
        Check.nonNegative("cols", cols);
        Check.matrix("x", x, xOff, rows, cols, ldx);
        Check.range("out", out, outOff, cols);
        if (!accumulate) {
            java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
        }
        int bound4 = cols - cols % (4 * L);
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int p = xOff + r * ldx;
            int c = 0;
            for (; c < bound4; c += 4 * L) {
                add(x, p + c, out, outOff + c);
                add(x, p + c + L, out, outOff + c + L);
                add(x, p + c + 2 * L, out, outOff + c + 2 * L);
                add(x, p + c + 3 * L, out, outOff + c + 3 * L);
            }
            for (; c < bound; c += L) {
                add(x, p + c, out, outOff + c);
            }
            for (; c < cols; c++) {
                out[outOff + c] += x[p + c];
            }
        }
    }

    private static void add(float[] x, int at, float[] out, int to) {
        FloatVector.fromArray(S, out, to).add(FloatVector.fromArray(S, x, at)).intoArray(out, to);
    }
}
