/*
 * ModelSpec: the architecture of a feed-forward model as data — input width plus an ordered list of
 * LayerSpecs — with a canonical one-line text form that parse() reads back (this is what a checkpoint
 * stores). Construction resolves default initializers (He before the ReLU family, Xavier uniform
 * otherwise), so a spec is always explicit. It is not a model: it holds no parameters.
 */
package dev.vectrain.nn;

import dev.vectrain.init.Initializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Immutable architecture description. Text form, e.g.
 * {@code input(784) dense(512,init=he_normal,bias=true) relu dense(10,init=xavier_uniform,bias=true)}.
 */
public final class ModelSpec {
    private final int inputSize;
    private final List<LayerSpec> layers;
    private final int outputSize;   // derived once: the evaluation path asks per call, and must not allocate

    /** A spec with input width {@code inputSize}; dense layers with a null initializer get the default. */
    public ModelSpec(int inputSize, List<LayerSpec> layers) {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize must be > 0, found " + inputSize);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        this.inputSize = inputSize;
        this.layers = List.copyOf(resolveDefaults(layers));
        this.outputSize = inputSizeOf(this.layers.size());
    }

    private static List<LayerSpec> resolveDefaults(List<LayerSpec> in) {
        List<LayerSpec> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            LayerSpec s = in.get(i);
            if (s instanceof LayerSpec.DenseSpec d && d.init() == null) {
                out.add(new LayerSpec.DenseSpec(d.units(), d.bias(), defaultInit(in, i)));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** He normal when the next activation after layer {@code i} is in the ReLU family, else Xavier uniform. */
    private static Initializer defaultInit(List<LayerSpec> layers, int i) {
        for (int j = i + 1; j < layers.size(); j++) {
            LayerSpec s = layers.get(j);
            if (s instanceof LayerSpec.DenseSpec) {
                break;
            }
            if (s instanceof LayerSpec.ActivationSpec a) {
                return a.kind().reluFamily() ? Initializer.heNormal() : Initializer.xavierUniform();
            }
        }
        return Initializer.xavierUniform();
    }

    /** Features per input row. */
    public int inputSize() {
        return inputSize;
    }

    /** The layers in order. */
    public List<LayerSpec> layers() {
        return layers;
    }

    /** Width of the model's output. */
    public int outputSize() {
        return outputSize;
    }

    /** Input width of layer {@code index}. */
    public int inputSizeOf(int index) {
        int w = inputSize;
        for (int i = 0; i < index; i++) {
            w = layers.get(i).outputSize(w);
        }
        return w;
    }

    /** Slice-name prefix of layer {@code index}, e.g. {@code "2."}. */
    public static String prefix(int index) {
        return index + ".";
    }

    /** Canonical text, readable by {@link #parse}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("input(").append(inputSize).append(')');
        for (LayerSpec s : layers) {
            b.append(' ').append(s);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && m.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /**
     * Reads the text form: whitespace-separated tokens, the first {@code input(N)}, then
     * {@code dense(units[,init=NAME][,bias=true|false])}, {@code relu}, {@code leaky_relu(α)}, {@code sigmoid},
     * {@code tanh}, {@code gelu}, {@code batch_norm[(momentum=M,eps=E)]}, {@code layer_norm[(eps=E)]},
     * {@code dropout(p)}.
     *
     * @throws IllegalArgumentException naming the token that could not be read
     */
    public static ModelSpec parse(String text) {
        String[] tokens = text.trim().split("\\s+");
        if (tokens.length < 2 || !tokens[0].toLowerCase(Locale.ROOT).startsWith("input(")) {
            throw new IllegalArgumentException("model spec must start with input(N) and have a layer: '" + text + "'");
        }
        int input = Integer.parseInt(args(tokens[0]).get(0));
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 1; i < tokens.length; i++) {
            try {
                layers.add(parseLayer(tokens[i]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot read layer '" + tokens[i] + "': " + e.getMessage(), e);
            }
        }
        return new ModelSpec(input, layers);
    }

    private static LayerSpec parseLayer(String token) {
        int p = token.indexOf('(');
        String name = (p < 0 ? token : token.substring(0, p)).toLowerCase(Locale.ROOT);
        List<String> a = p < 0 ? List.of() : args(token);
        return switch (name) {
            case "dense" -> {
                int units = Integer.parseInt(a.get(0));
                Initializer init = null;
                boolean bias = true;
                for (String kv : a.subList(1, a.size())) {
                    String v = value(kv);
                    if (kv.startsWith("init=")) {
                        init = v.equals("auto") ? null : Initializer.parse(v);
                    } else if (kv.startsWith("bias=")) {
                        bias = Boolean.parseBoolean(v);
                    } else {
                        throw new IllegalArgumentException("unknown dense option " + kv);
                    }
                }
                yield new LayerSpec.DenseSpec(units, bias, init);
            }
            case "relu" -> new LayerSpec.ActivationSpec(Activation.Kind.RELU, 0f);
            case "leaky_relu" -> new LayerSpec.ActivationSpec(Activation.Kind.LEAKY_RELU,
                    a.isEmpty() ? 0.01f : Float.parseFloat(a.get(0)));
            case "sigmoid" -> new LayerSpec.ActivationSpec(Activation.Kind.SIGMOID, 0f);
            case "tanh" -> new LayerSpec.ActivationSpec(Activation.Kind.TANH, 0f);
            case "gelu" -> new LayerSpec.ActivationSpec(Activation.Kind.GELU, 0f);
            case "batch_norm" -> new LayerSpec.BatchNormSpec(option(a, "momentum", 0.1f), option(a, "eps", 1e-5f));
            case "layer_norm" -> new LayerSpec.LayerNormSpec(option(a, "eps", 1e-5f));
            case "dropout" -> new LayerSpec.DropoutSpec(Float.parseFloat(a.get(0)));
            default -> throw new IllegalArgumentException("unknown layer kind '" + name + "'");
        };
    }

    private static float option(List<String> args, String key, float dflt) {
        for (String kv : args) {
            if (kv.startsWith(key + "=")) {
                return Float.parseFloat(value(kv));
            }
        }
        return dflt;
    }

    private static String value(String kv) {
        return kv.substring(kv.indexOf('=') + 1);
    }

    /** Top-level comma-separated arguments inside the outer parentheses of {@code token}. */
    private static List<String> args(String token) {
        int open = token.indexOf('(');
        if (open < 0 || !token.endsWith(")")) {
            throw new IllegalArgumentException("expected NAME(ARGS) in '" + token + "'");
        }
        String inner = token.substring(open + 1, token.length() - 1);
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(inner.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (!inner.isBlank()) {
            out.add(inner.substring(start).trim());
        }
        return out;
    }
}
