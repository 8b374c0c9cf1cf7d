/*
 * Shapes: the immutable implementations behind the Schedule factories. Package-private; each checks its
 * arguments once and then is a pure function of the step.
 */
package dev.vectrain.schedule;

import java.util.Objects;

final class Shapes {
    private Shapes() {
    }

    static double finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, found " + v);
        }
        return v;
    }

    static long positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, found " + v);
        }
        return v;
    }

    record Constant(double lr) implements Schedule {
        Constant {
            finite("lr", lr);
        }

        @Override
        public double at(long step) {
            return lr;
        }

        @Override
        public String toString() {
            return "constant(" + lr + ")";
        }
    }

    record StepDecay(double lr0, double gamma, long stepSize) implements Schedule {
        StepDecay {
            finite("lr0", lr0);
            finite("gamma", gamma);
            positive("stepSize", stepSize);
        }

        @Override
        public double at(long step) {
            return lr0 * Math.pow(gamma, step / stepSize);
        }

        @Override
        public String toString() {
            return "step(" + lr0 + ", gamma=" + gamma + ", every=" + stepSize + ")";
        }
    }

    record Exponential(double lr0, double gamma) implements Schedule {
        Exponential {
            finite("lr0", lr0);
            finite("gamma", gamma);
        }

        @Override
        public double at(long step) {
            return lr0 * Math.pow(gamma, step);
        }

        @Override
        public String toString() {
            return "exponential(" + lr0 + ", gamma=" + gamma + ")";
        }
    }

    record Cosine(double lr0, long totalSteps, double floor) implements Schedule {
        Cosine {
            finite("lr0", lr0);
            finite("floor", floor);
            positive("totalSteps", totalSteps);
        }

        @Override
        public double at(long step) {
            long t = Math.min(step, totalSteps);
            return floor + (lr0 - floor) * 0.5 * (1.0 + Math.cos(Math.PI * t / totalSteps));
        }

        @Override
        public String toString() {
            return "cosine(" + lr0 + ", steps=" + totalSteps + ", floor=" + floor + ")";
        }
    }

    record Linear(double from, double to, long steps) implements Schedule {
        Linear {
            finite("from", from);
            finite("to", to);
            if (steps < 0) {
                throw new IllegalArgumentException("steps must be >= 0, found " + steps);
            }
        }

        @Override
        public double at(long step) {
            if (step >= steps) {
                return to;
            }
            return from + (to - from) * ((double) step / steps);
        }

        @Override
        public String toString() {
            return "linear(" + from + " -> " + to + ", steps=" + steps + ")";
        }
    }

    record Join(Schedule first, long boundary, Schedule second) implements Schedule {
        Join {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(second, "second");
            if (boundary < 0) {
                throw new IllegalArgumentException("boundary must be >= 0, found " + boundary);
            }
        }

        @Override
        public double at(long step) {
            return step < boundary ? first.at(step) : second.at(step - boundary);
        }

        @Override
        public String toString() {
            return "join(" + first + ", at=" + boundary + ", " + second + ")";
        }
    }

    record ByEpoch(Schedule perEpoch, long stepsPerEpoch) implements Schedule {
        ByEpoch {
            Objects.requireNonNull(perEpoch, "perEpoch");
            positive("stepsPerEpoch", stepsPerEpoch);
        }

        @Override
        public double at(long step) {
            return perEpoch.at(step / stepsPerEpoch);
        }

        @Override
        public String toString() {
            return "byEpoch(" + perEpoch + ", stepsPerEpoch=" + stepsPerEpoch + ")";
        }
    }
}
