/*
 * Clipping: an immutable description of gradient clipping by global L2 norm and/or by value. It does no
 * arithmetic itself: the Updater turns the norm limit into one scalar gradScale and hands both limits to
 * the fused optimizer kernel. Order when both are set: scale by the norm first, then clip each value.
 */
package dev.vectrain.optim;

/** Gradient clipping settings; {@link #none()} disables both kinds. */
public record Clipping(double maxNorm, double maxValue) {
    /** Added to the norm in {@code gradScale = min(1, maxNorm / (norm + EPS))}. */
    public static final double EPS = 1e-6;

    /**
     * @param maxNorm  global L2 norm limit, or +∞ for none
     * @param maxValue absolute value limit per gradient entry, or +∞ for none
     */
    public Clipping {
        if (!(maxNorm > 0) || !(maxValue > 0)) {
            throw new IllegalArgumentException("clipping limits must be > 0 (use none()), found maxNorm " + maxNorm
                    + ", maxValue " + maxValue);
        }
    }

    /** No clipping. */
    public static Clipping none() {
        return new Clipping(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /** Rescale the whole gradient so its global L2 norm is at most {@code maxNorm}. */
    public static Clipping byGlobalNorm(double maxNorm) {
        return new Clipping(maxNorm, Double.POSITIVE_INFINITY);
    }

    /** Clamp each gradient entry to {@code [−maxValue, maxValue]}. */
    public static Clipping byValue(double maxValue) {
        return new Clipping(Double.POSITIVE_INFINITY, maxValue);
    }

    /** This clipping plus a per-value clamp (applied after the norm scaling). */
    public Clipping andByValue(double value) {
        return new Clipping(maxNorm, value);
    }

    /** This clipping plus a global-norm limit. */
    public Clipping andByGlobalNorm(double norm) {
        return new Clipping(norm, maxValue);
    }

    /** The scalar the optimizer multiplies every gradient by for a gradient of global norm {@code norm}. */
    public double gradScale(double norm) {
        if (maxNorm == Double.POSITIVE_INFINITY) {
            return 1.0;
        }
        return Math.min(1.0, maxNorm / (norm + EPS));
    }
}
