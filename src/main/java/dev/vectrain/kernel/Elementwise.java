/*
 * Elementwise: the BLAS-1 style streaming kernels (y += a·x, x *= a, fill, copy) over flat float[]
 * slices. Memory-bound: one vector load/store per lane group, no temporaries, no allocation.
 * It is not a reduction (see Reductions) and knows nothing of layers or optimizers.
 */
package dev.vectrain.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Streaming element-wise kernels; n == 0 is a no-op. */
public final class Elementwise {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int L = Vec.LANES;

    private Elementwise() {
    }

    /** {@code y[i] += alpha * x[i]} for i in [0, n) (one fused multiply-add per element). */
    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        Check.nonNegative("n", n);
        Check.range("x", x, xOff, n);
        Check.range("y", y, yOff, n);
        FloatVector va = FloatVector.broadcast(S, alpha);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector vx = FloatVector.fromArray(S, x, xOff + i);
            vx.fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(x[xOff + i], alpha, y[yOff + i]);
        }
    }

    /** {@code x[i] *= alpha} for i in [0, n). */
    public static void scale(int n, float alpha, float[] x, int xOff) {
        Check.nonNegative("n", n);
        Check.range("x", x, xOff, n);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
        }
        for (; i < n; i++) {
            x[xOff + i] *= alpha;
        }
    }

    /** {@code x[i] = value} for i in [0, n) (Arrays.fill is already vectorized by the JIT). */
    public static void fill(int n, float value, float[] x, int xOff) {
        Check.nonNegative("n", n);
        Check.range("x", x, xOff, n);
        Arrays.fill(x, xOff, xOff + n, value);
    }

    /**
     * {@code dst[dstOff + i] = src[srcOff + i]} for i in [0, n). Overlapping ranges of the same array
     * behave as if copied through a temporary (System.arraycopy, the JVM's tuned memmove).
     */
    public static void copy(int n, float[] src, int srcOff, float[] dst, int dstOff) {
        Check.nonNegative("n", n);
        Check.range("src", src, srcOff, n);
        Check.range("dst", dst, dstOff, n);
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }
}
