/* ReferenceDecode: plain-loop scalar twins of dev.vectrain.kernel.Decode, used as test oracles. */
package dev.vectrain.reference;

public final class ReferenceDecode {
    private ReferenceDecode() {
    }

    public static void uint8(int n, byte[] src, int srcOff, float scale, float[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            float x = src[srcOff + i] & 0xFF;
            dst[dstOff + i] = x * scale;
        }
    }

    public static void uint8Standardized(int n, byte[] src, int srcOff, float scale, float[] mean, float[] invStd,
                                         float[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            float x = (src[srcOff + i] & 0xFF) * scale;
            float centred = x - mean[i];
            dst[dstOff + i] = centred * invStd[i];
        }
    }

    public static void standardized(int n, float[] src, int srcOff, float[] mean, float[] invStd, float[] dst,
                                    int dstOff) {
        for (int i = 0; i < n; i++) {
            float centred = src[srcOff + i] - mean[i];
            dst[dstOff + i] = centred * invStd[i];
        }
    }
}
