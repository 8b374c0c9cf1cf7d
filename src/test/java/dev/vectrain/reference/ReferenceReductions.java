/* ReferenceReductions: plain double-precision loops, twins of dev.vectrain.kernel.Reductions. */
package dev.vectrain.reference;

public final class ReferenceReductions {
    private ReferenceReductions() {
    }

    public static double sum(int n, float[] x, int off) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    /** Sum of |x| (a scale for relative tolerances of sums with cancellation). */
    public static double sumAbs(int n, float[] x, int off) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs(x[off + i]);
        }
        return s;
    }

    public static double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) x[xOff + i] * y[yOff + i];
        }
        return s;
    }

    public static double sumOfSquares(int n, float[] x, int off) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) x[off + i] * x[off + i];
        }
        return s;
    }

    public static double l2Norm(float[] x, int[] offsets, int[] lengths, int slices) {
        double s = 0;
        for (int i = 0; i < slices; i++) {
            s += sumOfSquares(lengths[i], x, offsets[i]);
        }
        return Math.sqrt(s);
    }

    public static void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 0; c < cols; c++) {
                float v = x[xOff + r * cols + c];
                if (Float.isNaN(v)) {
                    best = c;
                    break;
                }
                if (v > x[xOff + r * cols + best]) {
                    best = c;
                }
            }
            out[outOff + r] = best;
        }
    }
}
