/*
 * Parameters: the one flat arena of trainable values, the one flat arena of their gradients (same
 * length), and a separate flat arena of non-trained state (batch-norm running statistics), each cut into
 * named slices. Layers keep offsets into it; the optimizer sees one array. It is not a layer and does
 * no arithmetic beyond zeroing and copying.
 */
package dev.vectrain.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Flat parameter storage: {@link #values()} and {@link #grads()} of length {@link #size()}, plus
 * {@link #state()} of length {@link #stateSize()} for non-trainable buffers. Built once with a
 * {@link Layout}; never resized.
 */
public final class Parameters {
    /**
     * One named region of an arena.
     *
     * @param name      unique name, e.g. {@code "0.dense.weight"}
     * @param offset    first index in the arena
     * @param length    number of floats
     * @param fanIn     inputs feeding each unit (for initializers), 0 when not meaningful
     * @param fanOut    outputs of the layer (for initializers), 0 when not meaningful
     * @param trainable true for a slice of {@link #values()}, false for a slice of {@link #state()}
     */
    public record Slice(String name, int offset, int length, int fanIn, int fanOut, boolean trainable) {
    }

    private final float[] values;   // (size)
    private final float[] grads;    // (size)
    private final float[] state;    // (stateSize)
    private final List<Slice> slices;
    private final Map<String, Slice> byName;

    private Parameters(Layout layout) {
        this.values = new float[layout.size];
        this.grads = new float[layout.size];
        this.state = new float[layout.stateSize];
        this.slices = Collections.unmodifiableList(new ArrayList<>(layout.slices));
        this.byName = new LinkedHashMap<>();
        for (Slice s : slices) {
            byName.put(s.name(), s);
        }
    }

    /** Trainable values, all slices back to back. */
    public float[] values() {
        return values;
    }

    /** Gradients, same layout as {@link #values()}. */
    public float[] grads() {
        return grads;
    }

    /** Non-trainable state (running statistics), its own layout. */
    public float[] state() {
        return state;
    }

    /** Number of trainable values. */
    public int size() {
        return values.length;
    }

    /** Number of non-trainable state values. */
    public int stateSize() {
        return state.length;
    }

    /** All slices in declaration order. */
    public List<Slice> slices() {
        return slices;
    }

    /** The slice called {@code name}. */
    public Slice slice(String name) {
        Slice s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter slice named '" + name + "'; have " + byName.keySet());
        }
        return s;
    }

    /** Sets every gradient to zero (one fill). */
    public void zeroGrads() {
        Arrays.fill(grads, 0f);
    }

    /** Copies values and state into {@code valuesDst} / {@code stateDst} (each of the matching length). */
    public void copyTo(float[] valuesDst, float[] stateDst) {
        System.arraycopy(values, 0, valuesDst, 0, values.length);
        System.arraycopy(state, 0, stateDst, 0, state.length);
    }

    /** Overwrites values and state from arrays of the matching lengths. */
    public void copyFrom(float[] valuesSrc, float[] stateSrc) {
        requireLength("values", valuesSrc, values.length);
        requireLength("state", stateSrc, state.length);
        System.arraycopy(valuesSrc, 0, values, 0, values.length);
        System.arraycopy(stateSrc, 0, state, 0, state.length);
    }

    private static void requireLength(String name, float[] a, int expected) {
        Objects.requireNonNull(a, name);
        if (a.length != expected) {
            throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + expected);
        }
    }

    /** Declares slices, then {@link #allocate()}s the arenas once. */
    public static final class Layout {
        private final List<Slice> slices = new ArrayList<>();
        private final Map<String, Slice> names = new LinkedHashMap<>();
        private int size;
        private int stateSize;

        /** Adds a trainable slice and returns its offset. */
        public int add(String name, int length, int fanIn, int fanOut) {
            Slice s = new Slice(name, size, length, fanIn, fanOut, true);
            put(s);
            size = Math.addExact(size, length);
            return s.offset();
        }

        /** Adds a non-trainable state slice and returns its offset in the state arena. */
        public int addState(String name, int length) {
            Slice s = new Slice(name, stateSize, length, 0, 0, false);
            put(s);
            stateSize = Math.addExact(stateSize, length);
            return s.offset();
        }

        private void put(Slice s) {
            if (s.length() < 0) {
                throw new IllegalArgumentException("slice " + s.name() + " has negative length " + s.length());
            }
            if (names.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("duplicate parameter slice name '" + s.name() + "'");
            }
            slices.add(s);
        }

        /** Allocates the arenas (all zero). */
        public Parameters allocate() {
            return new Parameters(this);
        }
    }
}
