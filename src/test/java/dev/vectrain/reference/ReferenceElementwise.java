/* ReferenceElementwise: plain-loop scalar twins of dev.vectrain.kernel.Elementwise, used as test oracles. */
package dev.vectrain.reference;

public final class ReferenceElementwise {
    private ReferenceElementwise() {
    }

    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) ((double) alpha * x[xOff + i] + y[yOff + i]);
        }
    }

    public static void scale(int n, float alpha, float[] x, int xOff) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] = alpha * x[xOff + i];
        }
    }

    public static void fill(int n, float value, float[] x, int xOff) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] = value;
        }
    }

    public static void copy(int n, float[] src, int srcOff, float[] dst, int dstOff) {
        float[] tmp = new float[n];
        for (int i = 0; i < n; i++) {
            tmp[i] = src[srcOff + i];
        }
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = tmp[i];
        }
    }
}
