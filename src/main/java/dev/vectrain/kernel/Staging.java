/*
 * Staging: when a compute-bound streaming kernel (exp/tanh per element) runs over arrays that no longer fit in L3,
 * it goes block by block, and before each block reads one float of every cache line of the block's inputs. Those
 * reads are independent and many are in flight at once; the kernel's own loop, some 30 vector operations per 16
 * floats, keeps too few misses in flight for memory beyond L3, and then finds the block in L1/L2.
 * JMH, ActivationBench, one thread, a Zen 5 core (32 MB L3), GB/s plain → staged, for GELU forward / sigmoid
 * forward / tanh forward / GELU backward: 4M floats 20.3 → 27.4 / 18.1 → 33.5 / 15.4 → 32.9 / 11.7 → 23.9, 16M
 * 9.7 → 28.8 / 12.7 → 31.2 / 9.5 → 26.2 / 11.5 → 19.6. In L3 it only costs (a probe of GELU backward at 1M floats:
 * 47.9 → 34.3), so smaller arrays take the plain loop. An earlier form, copying each block of x into y and working
 * in place, read 21–23 GB/s at 16M. Results are bitwise those of the plain loop: the touch reads, nothing more.
 * It is not a general prefetcher: the touched values only decide whether a spin-wait hint runs (see keep), so that
 * the JIT cannot drop the reads; no result depends on them.
 */
package dev.vectrain.kernel;

final class Staging {
    /** Arrays of at least this many floats are staged (16 MB each: an input and an output together fill a 32 MB L3). */
    static final int MIN_FLOATS = 1 << 22;
    /** Floats per staged block (32 KB, within L1 with room for the kernel's constants). */
    static final int BLOCK = 8192;
    /** Floats per 64-byte cache line. */
    private static final int LINE = 16;

    private Staging() {
    }

    /** Touches a[off, off + len): for a kernel that reads one stream. */
    static void touch(float[] a, int off, int len) {
        keep(lines(a, off, len));
    }

    /** Touches a[aOff, aOff + len) and b[bOff, bOff + len): for a kernel that reads two streams in one loop. */
    static void touch(float[] a, int aOff, float[] b, int bOff, int len) {
        keep(lines(a, aOff, len) ^ lines(b, bOff, len));
    }

    /** One float of every cache line of a[off, off + len), folded into an int. */
    private static int lines(float[] a, int off, int len) {
        int h = 0;
        for (int i = 0; i < len; i += LINE) {
            h ^= Float.floatToRawIntBits(a[off + i]);
        }
        return h;
    }

    /** Makes h (and so the reads behind it) needed: a spin-wait hint, which changes no result, when h is one value. */
    private static void keep(int h) {
        if (h == 0x5EED) {
            Thread.onSpinWait();
        }
    }
}
