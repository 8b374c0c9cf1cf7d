/* ReferenceBias: plain-loop scalar twins of dev.vectrain.kernel.Bias (column sums in double). */
package dev.vectrain.reference;

public final class ReferenceBias {
    private ReferenceBias() {
    }

    public static void addRows(int rows, int cols, float[] bias, int bOff, float[] x, int xOff, int ldx) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[xOff + r * ldx + c] += bias[bOff + c];
            }
        }
    }

    public static void columnSums(int rows, int cols, float[] x, int xOff, int ldx, float[] out, int outOff,
            boolean accumulate) {
        for (int c = 0; c < cols; c++) {
            double s = accumulate ? out[outOff + c] : 0.0;
            for (int r = 0; r < rows; r++) {
                s += x[xOff + r * ldx + c];
            }
            out[outOff + c] = (float) s;
        }
    }
}
