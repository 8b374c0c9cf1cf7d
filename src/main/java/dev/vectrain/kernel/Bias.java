/*
 * Bias: adding a bias row to every row of a (rows x cols) matrix, and its backward (column sums).
 * Shapes: bias (cols), x (rows x cols) row-major with leading dimension ldx >= cols.
 * It is not a general broadcast engine: only the dense-layer bias pattern.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
     * {@code out[c] (+)= sum over r of x[r, c]}: the bias gradient from dY. Rows are summed in order
     * 0..rows-1 in float for every column (four column vectors at a time, so each row's cache lines are
     * read once per block); with {@code accumulate} the column sum is added to out, else it replaces it.
     */
    public static void columnSums(int rows, int cols, float[] x, int xOff, int ldx, float[] out, int outOff,
            boolean accumulate) {
        Check.nonNegative("rows", rows);
        Check.nonNegative("cols", cols);
        Check.matrix("x", x, xOff, rows, cols, ldx);
        Check.range("out", out, outOff, cols);
        int c = 0;
        int bound4 = cols - cols % (4 * L);
        for (; c < bound4; c += 4 * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            for (int r = 0, p = xOff + c; r < rows; r++, p += ldx) {
                s0 = s0.add(FloatVector.fromArray(S, x, p));
                s1 = s1.add(FloatVector.fromArray(S, x, p + L));
                s2 = s2.add(FloatVector.fromArray(S, x, p + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, x, p + 3 * L));
            }
            store(s0, out, outOff + c, accumulate);
            store(s1, out, outOff + c + L, accumulate);
            store(s2, out, outOff + c + 2 * L, accumulate);
            store(s3, out, outOff + c + 3 * L, accumulate);
        }
        for (; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector s = FloatVector.zero(S);
            for (int r = 0, p = xOff + c; r < rows; r++, p += ldx) {
                s = s.add(FloatVector.fromArray(S, x, p, m));
            }
            if (accumulate) {
                s = s.add(FloatVector.fromArray(S, out, outOff + c, m));
            }
            s.intoArray(out, outOff + c, m);
        }
    }

    private static void store(FloatVector s, float[] out, int at, boolean accumulate) {
        if (accumulate) {
            s = s.add(FloatVector.fromArray(S, out, at));
        }
        s.intoArray(out, at);
    }
}
