/*
 * Staging: when a compute-bound streaming kernel (exp/tanh per element) runs over arrays that, input and output
 * together, no longer fit in L3, it first copies each block of its input into its output and then works in place
 * there. The copy streams with many loads in flight; the kernel's own loop, some 30 vector operations per 16
 * floats, keeps too few misses in flight for memory beyond L3. JMH, ActivationBench, one thread, a Zen 5 core
 * (32 MB L3), GB/s plain → staged in 8192-float blocks, gelu / sigmoid / tanh forward:
 * 1M floats 44.0 → 30.6 / 54.7 → 31.7 / 46.1 → 29.5 and 2M 41.7 → 30.5 / 39.7 → 33.7 / 43.0 → 31.1 (in L3:
 * staging only costs), 4M 21.3 → 25.2 / 23.1 → 27.3 / 19.3 → 25.7, 16M 9.7 → 21.0 / 12.7 → 21.8 / 9.5 → 21.4.
 * Results are bitwise those of the plain loop (the same operations on the same values; System.arraycopy copies
 * overlapping slices as if through a buffer).
 * It is not a prefetcher for kernels with two streamed inputs (backward passes): only one input can be staged.
 */
package dev.vectrain.kernel;

final class Staging {
    /** Arrays of at least this many floats are staged (16 MB each: x and y together fill a 32 MB L3). */
    static final int MIN_FLOATS = 1 << 22;
    /** Floats per staged block (32 KB, within L1 with room for the kernel's constants). */
    static final int BLOCK = 8192;

    private Staging() {
    }

    /** A forward kernel over arrays: y[yOff + i] = f(x[xOff + i]) for i in [0, n). */
    interface ArrayKernel {
        void run(int n, float[] x, int xOff, float[] y, int yOff);
    }

    /**
     * For n of at least MIN_FLOATS: copies x into y block by block, running plain in place on each block (below
     * MIN_FLOATS, so plain takes its own loop there), and returns true; otherwise does nothing and returns false.
     * Only arrays and indices cross the call, no vectors, so nothing is boxed whether or not it is inlined.
     */
    static boolean staged(int n, float[] x, int xOff, float[] y, int yOff, ArrayKernel plain) {
        if (n < MIN_FLOATS) {
            return false;
        }
        for (int b = 0; b < n; b += BLOCK) {
            int len = Math.min(BLOCK, n - b);
            System.arraycopy(x, xOff + b, y, yOff + b, len);
            plain.run(len, y, yOff + b, y, yOff + b);
        }
        return true;
    }
}
