/*
 * Model: a ModelSpec together with its Parameters (trainable values, gradients, running statistics).
 * It is the thing a checkpoint saves. It does not run: newNetwork(maxBatch, seed) binds a fresh chain of
 * layers with its own buffers to these parameters (the trainer keeps one, every inference handle another).
 */
package dev.vectrain.nn;

import dev.vectrain.init.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Architecture plus parameter arena. Create with {@link #builder(int)}, {@link #create} or {@link #restore}. */
public final class Model {
    private final ModelSpec spec;
    private final Parameters params;

    private Model(ModelSpec spec, Parameters params) {
        this.spec = spec;
        this.params = params;
    }

    /** Starts a fluent description of a model taking {@code inputs} features per row. */
    public static ModelBuilder builder(int inputs) {
        return new ModelBuilder(inputs);
    }

    /** Allocates the arena for {@code spec} and initializes it from {@code seed} (layer by layer, in order). */
    public static Model create(ModelSpec spec, long seed) {
        Model m = new Model(spec, layout(spec).allocate());
        Rng rng = new Rng(seed);
        int in = spec.inputSize();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec s = spec.layers().get(i);
            s.initialize(m.params, ModelSpec.prefix(i), in, rng);
            in = s.outputSize(in);
        }
        return m;
    }

    /** A model with the given parameter values and state (copied), e.g. read from a checkpoint. */
    public static Model restore(ModelSpec spec, float[] values, float[] state) {
        Model m = new Model(spec, layout(spec).allocate());
        m.params.copyFrom(values, state);
        return m;
    }

    private static Parameters.Layout layout(ModelSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Parameters.Layout layout = new Parameters.Layout();
        int in = spec.inputSize();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec s = spec.layers().get(i);
            s.declare(layout, ModelSpec.prefix(i), in);
            in = s.outputSize(in);
        }
        return layout;
    }

    /**
     * Binds a new chain of layers to this model's parameters with buffers for {@code maxBatch} rows.
     * {@code seed} seeds the dropout layers (each its own stream). The result is in training mode.
     */
    public Sequential newNetwork(int maxBatch, long seed) {
        if (maxBatch <= 0) {
            throw new IllegalArgumentException("maxBatch must be > 0, found " + maxBatch);
        }
        Rng seeds = new Rng(seed);
        List<Layer> layers = new ArrayList<>();
        int in = spec.inputSize();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec s = spec.layers().get(i);
            layers.add(s.bind(params, ModelSpec.prefix(i), in, maxBatch, seeds.split()));
            in = s.outputSize(in);
        }
        return new Sequential(layers);
    }

    /** The architecture. */
    public ModelSpec spec() {
        return spec;
    }

    /** The parameter arena (shared, live). */
    public Parameters parameters() {
        return params;
    }

    /** Features per input row. */
    public int inputSize() {
        return spec.inputSize();
    }

    /** Features per output row. */
    public int outputSize() {
        return spec.outputSize();
    }

    @Override
    public String toString() {
        return spec + " (" + params.size() + " parameters)";
    }
}
