/*
 * ModelBuilder: the fluent way to describe a model, layer by layer, and then build it with a seed.
 * It only collects LayerSpecs; ModelSpec resolves default initializers and Model allocates and initializes.
 */
package dev.vectrain.nn;

import dev.vectrain.init.Initializer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fluent model description, e.g.
 * {@code Model.builder(784).dense(512).relu().dense(10).seed(42).build()}.
 */
public final class ModelBuilder {
    private final int inputs;
    private final List<LayerSpec> layers = new ArrayList<>();
    private long seed = 42L;

    ModelBuilder(int inputs) {
        this.inputs = inputs;
    }

    /** Dense layer with bias and the default initializer (He before ReLU-family, Xavier otherwise). */
    public ModelBuilder dense(int units) {
        return add(new LayerSpec.DenseSpec(units, true, null));
    }

    /** Dense layer with bias and the given weight initializer. */
    public ModelBuilder dense(int units, Initializer init) {
        return add(new LayerSpec.DenseSpec(units, true, init));
    }

    /** Dense layer with full control ({@code init} may be null for the default). */
    public ModelBuilder dense(int units, Initializer init, boolean bias) {
        return add(new LayerSpec.DenseSpec(units, bias, init));
    }

    /** ReLU. */
    public ModelBuilder relu() {
        return add(new LayerSpec.ActivationSpec(Activation.Kind.RELU, 0f));
    }

    /** Leaky ReLU with slope {@code alpha} for negative inputs. */
    public ModelBuilder leakyRelu(float alpha) {
        return add(new LayerSpec.ActivationSpec(Activation.Kind.LEAKY_RELU, alpha));
    }

    /** Logistic sigmoid. */
    public ModelBuilder sigmoid() {
        return add(new LayerSpec.ActivationSpec(Activation.Kind.SIGMOID, 0f));
    }

    /** Hyperbolic tangent. */
    public ModelBuilder tanh() {
        return add(new LayerSpec.ActivationSpec(Activation.Kind.TANH, 0f));
    }

    /** GELU (tanh approximation). */
    public ModelBuilder gelu() {
        return add(new LayerSpec.ActivationSpec(Activation.Kind.GELU, 0f));
    }

    /** Batch normalization with momentum 0.1 and eps 1e-5. */
    public ModelBuilder batchNorm() {
        return batchNorm(0.1f, 1e-5f);
    }

    /** Batch normalization. */
    public ModelBuilder batchNorm(float momentum, float eps) {
        return add(new LayerSpec.BatchNormSpec(momentum, eps));
    }

    /** Layer normalization with eps 1e-5. */
    public ModelBuilder layerNorm() {
        return layerNorm(1e-5f);
    }

    /** Layer normalization. */
    public ModelBuilder layerNorm(float eps) {
        return add(new LayerSpec.LayerNormSpec(eps));
    }

    /** Inverted dropout with drop probability {@code rate}. */
    public ModelBuilder dropout(float rate) {
        return add(new LayerSpec.DropoutSpec(rate));
    }

    /** Any layer description. */
    public ModelBuilder add(LayerSpec layer) {
        layers.add(layer);
        return this;
    }

    /** Seed of the parameter initialization (default 42). */
    public ModelBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The architecture described so far. */
    public ModelSpec spec() {
        return new ModelSpec(inputs, layers);
    }

    /** Allocates and initializes the model. */
    public Model build() {
        return Model.create(spec(), seed);
    }
}
