/*
 * Schedule: a learning-rate schedule as a pure function of the optimizer step, with factories for the
 * usual shapes (constant, step decay, exponential, cosine, linear) and combinators (join, warmup + cosine,
 * per-epoch). It is not stateful: reduce-on-plateau, which is driven by validation loss, is ReduceOnPlateau.
 */
package dev.vectrain.schedule;

/**
 * A pure function {@code step -> learning rate}; step 0 is the first update. Implementations are immutable
 * and safe to share. Their {@code toString()} describes the schedule.
 */
@FunctionalInterface
public interface Schedule {
    /** The learning rate for update {@code step} (>= 0). */
    double at(long step);

    /** η₀ at every step. */
    static Schedule constant(double lr) {
        return new Shapes.Constant(lr);
    }

    /** Step decay η₀·γ^⌊t/s⌋. */
    static Schedule stepDecay(double lr0, double gamma, long stepSize) {
        return new Shapes.StepDecay(lr0, gamma, stepSize);
    }

    /** Exponential decay η₀·γ^t. */
    static Schedule exponential(double lr0, double gamma) {
        return new Shapes.Exponential(lr0, gamma);
    }

    /** Cosine decay from η₀ to 0 over {@code totalSteps}: η₀/2·(1+cos(πt/T)); stays at 0 after T. */
    static Schedule cosine(double lr0, long totalSteps) {
        return cosine(lr0, totalSteps, 0.0);
    }

    /** Cosine decay from η₀ to {@code floor}: floor + (η₀−floor)/2·(1+cos(π·min(t,T)/T)). */
    static Schedule cosine(double lr0, long totalSteps, double floor) {
        return new Shapes.Cosine(lr0, totalSteps, floor);
    }

    /** Linear from {@code from} at step 0 to {@code to} at {@code steps}, then {@code to}. */
    static Schedule linear(double from, double to, long steps) {
        return new Shapes.Linear(from, to, steps);
    }

    /** {@code first(t)} for t &lt; boundary, then {@code second(t − boundary)}. */
    static Schedule join(Schedule first, long boundary, Schedule second) {
        return new Shapes.Join(first, boundary, second);
    }

    /**
     * Linear warmup 0 → η₀ over {@code warmupSteps}, then cosine from η₀ to {@code floor} over the remaining
     * {@code totalSteps − warmupSteps}: {@code join(linear(0, η₀, w), w, cosine(η₀, T − w, floor))}.
     * Continuous at the join (both sides tend to η₀).
     */
    static Schedule warmupCosine(double lr0, long warmupSteps, long totalSteps, double floor) {
        if (warmupSteps < 0 || totalSteps < warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps, found " + warmupSteps
                    + " and " + totalSteps);
        }
        return join(linear(0.0, lr0, warmupSteps), warmupSteps, cosine(lr0, totalSteps - warmupSteps, floor));
    }

    /**
     * An epoch-based schedule run on steps: {@code perEpoch.at(⌊t / stepsPerEpoch⌋)}, e.g.
     * {@code byEpoch(stepDecay(0.1, 0.5, 10), 469)} halves the rate every 10 epochs.
     */
    static Schedule byEpoch(Schedule perEpoch, long stepsPerEpoch) {
        return new Shapes.ByEpoch(perEpoch, stepsPerEpoch);
    }
}
