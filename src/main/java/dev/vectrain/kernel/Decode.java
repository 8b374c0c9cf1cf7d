/*
 * Decode: widens one stored row of features into floats of a batch buffer — unsigned bytes times a scale
 * (images kept at one byte per pixel), optionally followed by per-feature standardization
 * ((x − mean[j]) · invStd[j]), and plain floats standardized the same way. Each lane performs exactly the float
 * operations of the scalar formula, in the same order (int → float, multiply, subtract, multiply; no FMA), so
 * the result is bitwise that of the scalar twin and of standardizing a float copy in place. It knows nothing of
 * datasets, row indices or where mean and invStd come from (see dev.vectrain.data); it allocates nothing.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** Row decoding kernels; {@code mean} and {@code invStd} are indexed from 0 (feature j of the row); n == 0 is a no-op. */
public final class Decode {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;
    /** Ints of the float species' shape: the zero-extended bytes before int → float. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    /**
     * Bytes loaded per step: L of them, but at least 8 (the smallest byte vector is 64 bits); the first L lanes
     * are widened, so with 4 float lanes 8 bytes are loaded and 4 used.
     */
    private static final VectorSpecies<Byte> B =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final int BL = B.length();

    private Decode() {
    }

    /** {@code dst[dstOff + i] = (src[srcOff + i] & 0xFF) * scale} for i in [0, n). */
    public static void uint8(int n, byte[] src, int srcOff, float scale, float[] dst, int dstOff) {
        Check.nonNegative("n", n);
        Check.range("src", src, srcOff, n);
        Check.range("dst", dst, dstOff, n);
        FloatVector vs = FloatVector.broadcast(S, scale);
        int i = 0;
        for (; i + BL <= n; i += L) {
            widen(src, srcOff + i).mul(vs).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = (src[srcOff + i] & 0xFF) * scale;
        }
    }

    /** {@code dst[dstOff + i] = ((src[srcOff + i] & 0xFF) * scale - mean[i]) * invStd[i]} for i in [0, n). */
    public static void uint8Standardized(int n, byte[] src, int srcOff, float scale, float[] mean, float[] invStd,
                                         float[] dst, int dstOff) {
        Check.nonNegative("n", n);
        Check.range("src", src, srcOff, n);
        Check.range("mean", mean, 0, n);
        Check.range("invStd", invStd, 0, n);
        Check.range("dst", dst, dstOff, n);
        FloatVector vs = FloatVector.broadcast(S, scale);
        int i = 0;
        for (; i + BL <= n; i += L) {
            FloatVector x = widen(src, srcOff + i).mul(vs);
            x.sub(FloatVector.fromArray(S, mean, i)).mul(FloatVector.fromArray(S, invStd, i)).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = ((src[srcOff + i] & 0xFF) * scale - mean[i]) * invStd[i];
        }
    }

    /** {@code dst[dstOff + i] = (src[srcOff + i] - mean[i]) * invStd[i]} for i in [0, n). */
    public static void standardized(int n, float[] src, int srcOff, float[] mean, float[] invStd, float[] dst,
                                    int dstOff) {
        Check.nonNegative("n", n);
        Check.range("src", src, srcOff, n);
        Check.range("mean", mean, 0, n);
        Check.range("invStd", invStd, 0, n);
        Check.range("dst", dst, dstOff, n);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, src, srcOff + i);
            x.sub(FloatVector.fromArray(S, mean, i)).mul(FloatVector.fromArray(S, invStd, i)).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = (src[srcOff + i] - mean[i]) * invStd[i];
        }
    }

    /** The L unsigned bytes at {@code src[off...]} as exact floats 0..255. */
    private static FloatVector widen(byte[] src, int off) {
        ByteVector b = ByteVector.fromArray(B, src, off);
        IntVector ints = (IntVector) b.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        return (FloatVector) ints.convertShape(VectorOperators.I2F, S, 0);
    }
}
