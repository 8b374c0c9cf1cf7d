/*
 * Sequential: a chain of bound layers, each feeding the next. forward returns the last layer's output
 * buffer, backward walks the chain backwards and lets the first layer skip its input gradient. It is
 * not the model description (ModelSpec) nor the parameter store (Parameters); several Sequentials can be
 * bound to one Parameters (the trainer's and each inference handle's).
 */
package dev.vectrain.nn;

import dev.vectrain.parallel.WorkerPool;
import java.util.List;

/** Layers run in order. Not thread-safe; one thread per instance. */
public final class Sequential {
    private final Layer[] layers;
    private final int maxBatch;

    /** Chains {@code layers}; each layer's input size must equal the previous output size. */
    public Sequential(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        this.layers = layers.toArray(new Layer[0]);
        int mb = this.layers[0].maxBatch();
        for (int i = 1; i < this.layers.length; i++) {
            if (this.layers[i].inputSize() != this.layers[i - 1].outputSize()) {
                throw new IllegalArgumentException("layer " + i + " expects " + this.layers[i].inputSize()
                        + " inputs but layer " + (i - 1) + " produces " + this.layers[i - 1].outputSize());
            }
            mb = Math.min(mb, this.layers[i].maxBatch());
        }
        this.maxBatch = mb;
    }

    /** The layers, in order (the live array's copy). */
    public List<Layer> layers() {
        return List.of(layers);
    }

    /** Features per input row. */
    public int inputSize() {
        return layers[0].inputSize();
    }

    /** Features per output row. */
    public int outputSize() {
        return layers[layers.length - 1].outputSize();
    }

    /** Largest batch every layer holds. */
    public int maxBatch() {
        return maxBatch;
    }

    /** Runs all layers; returns the last one's output buffer (offset 0, stride {@link #outputSize()}). */
    public float[] forward(WorkerPool pool, float[] x, int xOff, int rows) {
        float[] h = x;
        int off = xOff;
        for (Layer l : layers) {
            h = l.forward(pool, h, off, rows);
            off = 0;
        }
        return h;
    }

    /** Back-propagates {@code dOut} (offset 0; overwritten) and accumulates every parameter gradient. */
    public void backward(WorkerPool pool, float[] dOut, int rows) {
        float[] d = dOut;
        for (int i = layers.length - 1; i >= 0; i--) {
            d = layers[i].backward(pool, d, rows, i > 0);
        }
    }

    /** Sets training or evaluation mode on every layer. */
    public void setTraining(boolean training) {
        for (Layer l : layers) {
            l.setTraining(training);
        }
    }

    /** States of the dropout generators, in layer order (empty without dropout). */
    public long[] dropoutStates() {
        int count = 0;
        for (Layer l : layers) {
            if (l instanceof Dropout) {
                count++;
            }
        }
        long[] s = new long[count];
        int i = 0;
        for (Layer l : layers) {
            if (l instanceof Dropout d) {
                s[i++] = d.rng().state();
            }
        }
        return s;
    }

    /** Restores states from {@link #dropoutStates()}. */
    public void restoreDropoutStates(long[] states) {
        int i = 0;
        for (Layer l : layers) {
            if (l instanceof Dropout d) {
                if (i >= states.length) {
                    throw new IllegalArgumentException("too few dropout states: " + states.length);
                }
                d.rng().setState(states[i++]);
            }
        }
        if (i != states.length) {
            throw new IllegalArgumentException("expected " + i + " dropout states, found " + states.length);
        }
    }
}
