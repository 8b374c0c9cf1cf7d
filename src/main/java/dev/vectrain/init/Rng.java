/*
 * Rng: the seeded, reproducible random number generator of vectrain (SplitMix64), whose whole state is
 * one long that can be exported and restored. It is not thread-safe and not cryptographic. Gaussians come
 * from Box–Muller with no cached second value, so the exported state is the complete state.
 */
package dev.vectrain.init;

/**
 * SplitMix64 generator (Steele, Lea, Flood 2014): period 2^64, one {@code long} of state.
 *
 * <p>Two generators with the same {@link #state()} produce the same sequence forever. Use one instance
 * per consumer (initialization, shuffling, each dropout layer) so that consumers do not disturb each other.
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final double TWO_PI = 2.0 * Math.PI;
    private long state;

    /** A generator whose sequence is fully determined by {@code seed}. */
    public Rng(long seed) {
        this.state = seed;
    }

    /** The complete state; {@code new Rng(0).setState(s)} continues exactly where this one is. */
    public long state() {
        return state;
    }

    /** Restores a state obtained from {@link #state()}. */
    public void setState(long state) {
        this.state = state;
    }

    /** A seed for a derived, independent stream (e.g. per layer), advancing this generator once. */
    public long split() {
        return nextLong() ^ 0x5DEECE66DL;
    }

    /** Next 64 uniformly distributed bits. */
    public long nextLong() {
        long z = (state += GOLDEN);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in {@code [0, 1)} with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in {@code [0, 1)} with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform integer in {@code [0, bound)}, unbiased (Lemire's multiply-and-reject). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, found " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Standard normal sample by Box–Muller (uses two uniforms, keeps no cached value). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();   // (0, 1]: log is finite
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(TWO_PI * u2);
    }

    /** Fisher–Yates shuffle of {@code a[0, n)} in place. */
    public void shuffle(int[] a, int n) {
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
