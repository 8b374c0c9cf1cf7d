/*
 * Optimizer: an immutable recipe naming an update rule and its hyper-parameters (SGD with optional L2
 * decay, classic or Nesterov momentum, Adam, AdamW with decoupled decay). The learning rate is not part of
 * it (it comes from a Schedule each step) and neither is clipping (Clipping). It holds no state: the
 * flat state arrays live in the Updater that runs the fused kernel.
 */
package dev.vectrain.optim;

import java.util.Locale;

/** An update rule and its hyper-parameters. Create with the static factories; immutable. */
public final class Optimizer {
    /** The update rules. */
    public enum Kind {
        /** w −= lr·(g + λw). */
        SGD,
        /** v = μv + g; w −= lr·v (PyTorch convention). */
        MOMENTUM,
        /** v = μv + g; w −= lr·(g + μv). */
        NESTEROV,
        /** Adam with bias correction; weight decay, if any, is L2 added to the gradient. */
        ADAM,
        /** Adam with decoupled weight decay: w −= lr·λ·w before the Adam step. */
        ADAMW
    }

    private final Kind kind;
    private final double momentum;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;

    private Optimizer(Kind kind, double momentum, double beta1, double beta2, double epsilon, double weightDecay) {
        check("momentum", momentum, 0, 1, true);
        check("beta1", beta1, 0, 1, true);
        check("beta2", beta2, 0, 1, true);
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, found " + epsilon);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, found " + weightDecay);
        }
        this.kind = kind;
        this.momentum = momentum;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    private static void check(String name, double v, double lo, double hi, boolean hiOpen) {
        if (!(v >= lo) || (hiOpen ? v >= hi : v > hi)) {
            throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + (hiOpen ? ")" : "]")
                    + ", found " + v);
        }
    }

    /** Plain SGD. */
    public static Optimizer sgd() {
        return new Optimizer(Kind.SGD, 0, 0.9, 0.999, 1e-8, 0);
    }

    /** SGD with classic (heavy-ball) momentum μ. */
    public static Optimizer momentum(double mu) {
        return new Optimizer(Kind.MOMENTUM, mu, 0.9, 0.999, 1e-8, 0);
    }

    /** SGD with Nesterov momentum μ. */
    public static Optimizer nesterov(double mu) {
        return new Optimizer(Kind.NESTEROV, mu, 0.9, 0.999, 1e-8, 0);
    }

    /** Adam with β₁ 0.9, β₂ 0.999, ε 1e-8. */
    public static Optimizer adam() {
        return adam(0.9, 0.999, 1e-8);
    }

    /** Adam with the given β₁, β₂, ε. */
    public static Optimizer adam(double beta1, double beta2, double epsilon) {
        return new Optimizer(Kind.ADAM, 0, beta1, beta2, epsilon, 0);
    }

    /** AdamW with β₁ 0.9, β₂ 0.999, ε 1e-8 and decoupled decay λ. */
    public static Optimizer adamW(double weightDecay) {
        return new Optimizer(Kind.ADAMW, 0, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** AdamW with all hyper-parameters. */
    public static Optimizer adamW(double beta1, double beta2, double epsilon, double weightDecay) {
        return new Optimizer(Kind.ADAMW, 0, beta1, beta2, epsilon, weightDecay);
    }

    /** A copy with weight decay λ: L2 on the gradient for SGD/momentum/Adam, decoupled for AdamW. */
    public Optimizer withWeightDecay(double lambda) {
        return new Optimizer(kind, momentum, beta1, beta2, epsilon, lambda);
    }

    /** The update rule. */
    public Kind kind() {
        return kind;
    }

    /** Momentum μ (MOMENTUM, NESTEROV). */
    public double momentum() {
        return momentum;
    }

    /** Adam β₁. */
    public double beta1() {
        return beta1;
    }

    /** Adam β₂. */
    public double beta2() {
        return beta2;
    }

    /** Adam ε. */
    public double epsilon() {
        return epsilon;
    }

    /** Weight decay λ. */
    public double weightDecay() {
        return weightDecay;
    }

    /** Number of state arrays of arena length the rule keeps: 0 (SGD), 1 (momentum), 2 (Adam). */
    public int stateArrays() {
        return switch (kind) {
            case SGD -> 0;
            case MOMENTUM, NESTEROV -> 1;
            case ADAM, ADAMW -> 2;
        };
    }

    @Override
    public String toString() {
        String k = kind.name().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case SGD -> k + "(weightDecay=" + weightDecay + ")";
            case MOMENTUM, NESTEROV -> k + "(mu=" + momentum + ", weightDecay=" + weightDecay + ")";
            case ADAM, ADAMW -> k + "(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon
                    + ", weightDecay=" + weightDecay + ")";
        };
    }
}
