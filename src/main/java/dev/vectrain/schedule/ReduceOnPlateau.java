/*
 * ReduceOnPlateau: the one stateful learning-rate rule, kept apart from the pure schedules. Fed the
 * validation loss once per epoch, it multiplies a scale by `factor` after `patience` epochs without an
 * improvement larger than `minDelta`. The trainer multiplies the schedule's rate by scale(). Its state
 * is three numbers, exportable for checkpoints. It is not thread-safe.
 */
package dev.vectrain.schedule;

/** Reduce-learning-rate-on-plateau, as in PyTorch's {@code ReduceLROnPlateau} (mode min, absolute threshold). */
public final class ReduceOnPlateau {
    /**
     * Exportable state.
     *
     * @param best      best loss seen so far (+∞ before the first)
     * @param badEpochs epochs since the last improvement
     * @param scale     current multiplier of the schedule's rate
     */
    public record State(double best, int badEpochs, double scale) {
    }

    private final double factor;
    private final int patience;
    private final double minDelta;
    private final double minScale;
    private double best = Double.POSITIVE_INFINITY;
    private int badEpochs;
    private double scale = 1.0;

    /**
     * @param factor   multiplier in (0, 1) applied on a plateau
     * @param patience epochs without improvement tolerated before reducing
     * @param minDelta an improvement must lower the loss by more than this
     * @param minScale the scale never drops below this
     */
    public ReduceOnPlateau(double factor, int patience, double minDelta, double minScale) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1), found " + factor);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, found " + patience);
        }
        if (!(minDelta >= 0) || !(minScale >= 0)) {
            throw new IllegalArgumentException("minDelta and minScale must be >= 0, found " + minDelta + ", " + minScale);
        }
        this.factor = factor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.minScale = minScale;
    }

    /** Feeds one epoch's validation loss; returns true when the scale was reduced. NaN counts as no improvement. */
    public boolean observe(double validationLoss) {
        if (validationLoss < best - minDelta) {
            best = validationLoss;
            badEpochs = 0;
            return false;
        }
        badEpochs++;
        if (badEpochs > patience) {
            badEpochs = 0;
            double next = Math.max(minScale, scale * factor);
            boolean changed = next < scale;
            scale = next;
            return changed;
        }
        return false;
    }

    /** Current multiplier of the base schedule (1 until the first plateau). */
    public double scale() {
        return scale;
    }

    /** The state to save. */
    public State state() {
        return new State(best, badEpochs, scale);
    }

    /** Restores a saved state. */
    public void restore(State s) {
        this.best = s.best();
        this.badEpochs = s.badEpochs();
        this.scale = s.scale();
    }

    /** A new rule with the same settings in the initial state. */
    public ReduceOnPlateau freshCopy() {
        return new ReduceOnPlateau(factor, patience, minDelta, minScale);
    }

    /** Back to the initial state. */
    public void reset() {
        best = Double.POSITIVE_INFINITY;
        badEpochs = 0;
        scale = 1.0;
    }

    @Override
    public String toString() {
        return "reduceOnPlateau(factor=" + factor + ", patience=" + patience + ", minDelta=" + minDelta
                + ", minScale=" + minScale + ")";
    }
}
