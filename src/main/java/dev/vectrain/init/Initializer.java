/*
 * Initializer: how a parameter slice gets its starting values, given its fan-in and fan-out.
 * Factories for the standard schemes (zeros, small normal, Xavier/Glorot, He/Kaiming) and their
 * bound / standard-deviation formulas live here. It is not a layer and knows nothing of the arena.
 */
package dev.vectrain.init;

import java.util.Locale;

/**
 * Fills {@code a[off, off+len)} for a tensor with the given fan-in and fan-out.
 *
 * <p>Formulas (PyTorch's {@code torch.nn.init} conventions):
 * <ul>
 *   <li>Xavier/Glorot uniform: U(−b, b), b = √(6/(fanIn+fanOut)); normal: N(0, σ²), σ = √(2/(fanIn+fanOut))</li>
 *   <li>He/Kaiming uniform: b = √(6/fanIn); normal: σ = √(2/fanIn)</li>
 *   <li>small normal: N(0, σ²), σ = 0.01 unless given</li>
 * </ul>
 * Each initializer has a stable {@link #name()} (e.g. {@code he_normal}, {@code normal(0.01)}) that
 * {@link #parse} reads back, so a model description can be saved as text.
 */
public interface Initializer {
    /** Fills {@code len} values at {@code off} drawing from {@code rng}. */
    void fill(float[] a, int off, int len, int fanIn, int fanOut, Rng rng);

    /** Stable name, readable by {@link #parse}. */
    String name();

    /** All zeros (draws nothing from the generator). */
    static Initializer zeros() {
        return Named.ZEROS;
    }

    /** N(0, 0.01²). */
    static Initializer normal() {
        return normal(0.01);
    }

    /** N(0, sigma²). */
    static Initializer normal(double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and >= 0, found " + sigma);
        }
        return new Gaussian("normal(" + sigma + ")", (in, out) -> sigma);
    }

    /** Xavier/Glorot uniform, bound √(6/(fanIn+fanOut)). */
    static Initializer xavierUniform() {
        return Named.XAVIER_UNIFORM;
    }

    /** Xavier/Glorot normal, σ = √(2/(fanIn+fanOut)). */
    static Initializer xavierNormal() {
        return Named.XAVIER_NORMAL;
    }

    /** He/Kaiming uniform, bound √(6/fanIn). */
    static Initializer heUniform() {
        return Named.HE_UNIFORM;
    }

    /** He/Kaiming normal, σ = √(2/fanIn). */
    static Initializer heNormal() {
        return Named.HE_NORMAL;
    }

    /** Xavier uniform bound √(6/(fanIn+fanOut)); 0.0884 for a 512→256 layer. */
    static double xavierUniformBound(int fanIn, int fanOut) {
        return Math.sqrt(6.0 / (fanIn + fanOut));
    }

    /** Xavier normal σ √(2/(fanIn+fanOut)); 0.0510 for a 512→256 layer. */
    static double xavierNormalSigma(int fanIn, int fanOut) {
        return Math.sqrt(2.0 / (fanIn + fanOut));
    }

    /** He uniform bound √(6/fanIn); 0.1082 for fan-in 512. */
    static double heUniformBound(int fanIn) {
        return Math.sqrt(6.0 / fanIn);
    }

    /** He normal σ √(2/fanIn); 0.0625 for fan-in 512. */
    static double heNormalSigma(int fanIn) {
        return Math.sqrt(2.0 / fanIn);
    }

    /**
     * Reads a {@link #name()}: {@code zeros}, {@code normal}, {@code normal(σ)}, {@code xavier_uniform},
     * {@code xavier_normal}, {@code he_uniform}, {@code he_normal}.
     *
     * @throws IllegalArgumentException for anything else, listing the accepted names
     */
    static Initializer parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("normal(") && t.endsWith(")")) {
            return normal(Double.parseDouble(t.substring(7, t.length() - 1)));
        }
        return switch (t) {
            case "zeros", "zero" -> zeros();
            case "normal" -> normal();
            case "xavier_uniform", "glorot_uniform", "xavier" -> xavierUniform();
            case "xavier_normal", "glorot_normal" -> xavierNormal();
            case "he_uniform", "kaiming_uniform" -> heUniform();
            case "he_normal", "kaiming_normal", "he" -> heNormal();
            default -> throw new IllegalArgumentException("unknown initializer '" + text
                    + "'; expected zeros, normal, normal(σ), xavier_uniform, xavier_normal, he_uniform or he_normal");
        };
    }

    /** How a scale (bound or σ) follows from fan-in and fan-out. */
    @FunctionalInterface
    interface Scale {
        double of(int fanIn, int fanOut);
    }

    /** N(0, σ²) with σ from a {@link Scale}. */
    record Gaussian(String name, Scale sigma) implements Initializer {
        @Override
        public void fill(float[] a, int off, int len, int fanIn, int fanOut, Rng rng) {
            double s = sigma.of(fanIn, fanOut);
            for (int i = 0; i < len; i++) {
                a[off + i] = (float) (s * rng.nextGaussian());
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** U(−b, b) with b from a {@link Scale}. */
    record Uniform(String name, Scale bound) implements Initializer {
        @Override
        public void fill(float[] a, int off, int len, int fanIn, int fanOut, Rng rng) {
            double b = bound.of(fanIn, fanOut);
            for (int i = 0; i < len; i++) {
                a[off + i] = (float) ((2.0 * rng.nextDouble() - 1.0) * b);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
