/*
 * Named: the shared instances of the parameterless initializers. Package-private; users go through
 * the factories on Initializer. Holds no mutable state.
 */
package dev.vectrain.init;

import java.util.Arrays;

final class Named {
    static final Initializer ZEROS = new Initializer() {
        @Override
        public void fill(float[] a, int off, int len, int fanIn, int fanOut, Rng rng) {
            Arrays.fill(a, off, off + len, 0f);
        }

        @Override
        public String name() {
            return "zeros";
        }

        @Override
        public String toString() {
            return "zeros";
        }
    };
    static final Initializer XAVIER_UNIFORM =
            new Initializer.Uniform("xavier_uniform", Initializer::xavierUniformBound);
    static final Initializer XAVIER_NORMAL =
            new Initializer.Gaussian("xavier_normal", Initializer::xavierNormalSigma);
    static final Initializer HE_UNIFORM =
            new Initializer.Uniform("he_uniform", (in, out) -> Initializer.heUniformBound(in));
    static final Initializer HE_NORMAL =
            new Initializer.Gaussian("he_normal", (in, out) -> Initializer.heNormalSigma(in));

    private Named() {
    }
}
