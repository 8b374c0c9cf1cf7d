/*
 * LayerSpec: the immutable description of one layer (kind and hyper-parameters), the unit of a ModelSpec.
 * A spec declares its parameter slices, initializes them, and binds a Layer with buffers for a batch size.
 * Its toString() is the canonical text that ModelSpec.parse reads back (checkpoints store it).
 * It is not a layer instance and holds no buffers.
 */
package dev.vectrain.nn;

import dev.vectrain.init.Initializer;
import dev.vectrain.init.Rng;
import java.util.Objects;

/** Description of one layer. {@code prefix} arguments are the layer's unique slice-name prefix, e.g. "0.". */
public sealed interface LayerSpec {
    /** Output width for input width {@code in}. */
    int outputSize(int in);

    /** Declares this layer's slices in {@code layout}. */
    default void declare(Parameters.Layout layout, String prefix, int in) {
    }

    /** Initializes this layer's slices. */
    default void initialize(Parameters p, String prefix, int in, Rng rng) {
    }

    /** A layer bound to {@code p} with buffers for {@code maxBatch} rows; {@code seed} feeds dropout. */
    Layer bind(Parameters p, String prefix, int in, int maxBatch, long seed);

    /**
     * Fully connected layer.
     *
     * @param units output width
     * @param bias  whether it has a bias (initialized to zero)
     * @param init  weight initializer, or null to let the model builder choose (He before the ReLU family,
     *              Xavier otherwise)
     */
    record DenseSpec(int units, boolean bias, Initializer init) implements LayerSpec {
        public DenseSpec {
            if (units <= 0) {
                throw new IllegalArgumentException("dense units must be > 0, found " + units);
            }
        }

        @Override
        public int outputSize(int in) {
            return units;
        }

        @Override
        public void declare(Parameters.Layout layout, String prefix, int in) {
            layout.add(prefix + "weight", units * in, in, units);
            if (bias) {
                layout.add(prefix + "bias", units, in, units);
            }
        }

        @Override
        public void initialize(Parameters p, String prefix, int in, Rng rng) {
            Parameters.Slice w = p.slice(prefix + "weight");
            Objects.requireNonNull(init, "DenseSpec.init (resolve defaults before initializing)")
                    .fill(p.values(), w.offset(), w.length(), in, units, rng);
        }

        @Override
        public Layer bind(Parameters p, String prefix, int in, int maxBatch, long seed) {
            int b = bias ? p.slice(prefix + "bias").offset() : -1;
            return new Dense(p, in, units, p.slice(prefix + "weight").offset(), b, maxBatch);
        }

        @Override
        public String toString() {
            return "dense(" + units + ",init=" + (init == null ? "auto" : init.name()) + ",bias=" + bias + ")";
        }
    }

    /** Elementwise activation; {@code alpha} is the LeakyReLU slope. */
    record ActivationSpec(Activation.Kind kind, float alpha) implements LayerSpec {
        public ActivationSpec {
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public int outputSize(int in) {
            return in;
        }

        @Override
        public Layer bind(Parameters p, String prefix, int in, int maxBatch, long seed) {
            return new Activation(kind, alpha, in, maxBatch);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case RELU -> "relu";
                case LEAKY_RELU -> "leaky_relu(" + alpha + ")";
                case SIGMOID -> "sigmoid";
                case TANH -> "tanh";
                case GELU -> "gelu";
            };
        }
    }

    /** Batch normalization (γ = 1, β = 0, running mean 0, running variance 1 at start). */
    record BatchNormSpec(float momentum, float eps) implements LayerSpec {
        public BatchNormSpec {
            if (!(momentum >= 0f && momentum <= 1f) || !(eps > 0f)) {
                throw new IllegalArgumentException("batchNorm needs momentum in [0, 1] and eps > 0, found "
                        + momentum + ", " + eps);
            }
        }

        @Override
        public int outputSize(int in) {
            return in;
        }

        @Override
        public void declare(Parameters.Layout layout, String prefix, int in) {
            layout.add(prefix + "gamma", in, 0, 0);
            layout.add(prefix + "beta", in, 0, 0);
            layout.addState(prefix + "running_mean", in);
            layout.addState(prefix + "running_var", in);
        }

        @Override
        public void initialize(Parameters p, String prefix, int in, Rng rng) {
            fill(p.values(), p.slice(prefix + "gamma"), 1f);
            fill(p.state(), p.slice(prefix + "running_var"), 1f);
        }

        @Override
        public Layer bind(Parameters p, String prefix, int in, int maxBatch, long seed) {
            return new BatchNorm(p, in, momentum, eps, p.slice(prefix + "gamma").offset(),
                    p.slice(prefix + "beta").offset(), p.slice(prefix + "running_mean").offset(),
                    p.slice(prefix + "running_var").offset(), maxBatch);
        }

        @Override
        public String toString() {
            return "batch_norm(momentum=" + momentum + ",eps=" + eps + ")";
        }
    }

    /** Layer normalization (γ = 1, β = 0 at start). */
    record LayerNormSpec(float eps) implements LayerSpec {
        public LayerNormSpec {
            if (!(eps > 0f)) {
                throw new IllegalArgumentException("layerNorm eps must be > 0, found " + eps);
            }
        }

        @Override
        public int outputSize(int in) {
            return in;
        }

        @Override
        public void declare(Parameters.Layout layout, String prefix, int in) {
            layout.add(prefix + "gamma", in, 0, 0);
            layout.add(prefix + "beta", in, 0, 0);
        }

        @Override
        public void initialize(Parameters p, String prefix, int in, Rng rng) {
            fill(p.values(), p.slice(prefix + "gamma"), 1f);
        }

        @Override
        public Layer bind(Parameters p, String prefix, int in, int maxBatch, long seed) {
            return new LayerNorm(p, in, eps, p.slice(prefix + "gamma").offset(), p.slice(prefix + "beta").offset(),
                    maxBatch);
        }

        @Override
        public String toString() {
            return "layer_norm(eps=" + eps + ")";
        }
    }

    /** Inverted dropout with drop probability {@code rate}. */
    record DropoutSpec(float rate) implements LayerSpec {
        public DropoutSpec {
            if (!(rate >= 0f && rate < 1f)) {
                throw new IllegalArgumentException("dropout rate must be in [0, 1), found " + rate);
            }
        }

        @Override
        public int outputSize(int in) {
            return in;
        }

        @Override
        public Layer bind(Parameters p, String prefix, int in, int maxBatch, long seed) {
            return new Dropout(in, rate, seed, maxBatch);
        }

        @Override
        public String toString() {
            return "dropout(" + rate + ")";
        }
    }

    private static void fill(float[] a, Parameters.Slice s, float v) {
        java.util.Arrays.fill(a, s.offset(), s.offset() + s.length(), v);
    }
}
