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

    /** The block length for n floats: BLOCK when staging pays, else all of n at once. */
    static int block(int n) {
        return n >= MIN_FLOATS ? BLOCK : n;
    }
}
