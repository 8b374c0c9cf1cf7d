/*
 * Activations: agreement with the double-precision scalar twins over every tail size, and backward
 * kernels against central finite differences of the double-precision forward functions.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.KernelTesting.SIZES;
import static dev.vectrain.kernel.KernelTesting.assertBitwise;
import static dev.vectrain.kernel.KernelTesting.assertClose;
import static dev.vectrain.kernel.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectrain.reference.ReferenceActivations;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class ActivationsTest {
    /** Transcendental forwards (SVML exp/tanh in float): absolute 2e-6 plus 4 ulp-ish relative. */
    private static final double TRANS_ABS = 2e-6;
    private static final double TRANS_REL = 5e-7;
    /** Backward formulas in float vs double twin: relative to |dy|·|f'|. */
    private static final double GRAD_ABS = 5e-6;
    private static final double GRAD_REL = 1e-5;
    /** Finite differences (double, h = 1e-5) vs float backward. */
    private static final double FD_TOL = 2e-5;

    private interface Fwd {
        void run(int n, float[] x, int xOff, float[] y, int yOff);
    }

    private interface Bwd {
        void run(int n, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff);
    }

    private static final float ALPHA = 0.01f;

    @Test
    void forwardAgreesWithTwins() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int n : SIZES) {
            float[] x = random(rnd, n + 4, -6, 6);
            check("relu", n, x, Activations::reluForward, ReferenceActivations::reluForward, 0, 0);
            check("leakyRelu", n, x, (a, b, c, d, e) -> Activations.leakyReluForward(a, ALPHA, b, c, d, e),
                    (a, b, c, d, e) -> ReferenceActivations.leakyReluForward(a, ALPHA, b, c, d, e), 0, 0);
            check("sigmoid", n, x, Activations::sigmoidForward, ReferenceActivations::sigmoidForward, TRANS_ABS,
                    TRANS_REL);
            check("tanh", n, x, Activations::tanhForward, ReferenceActivations::tanhForward, TRANS_ABS, TRANS_REL);
            check("gelu", n, x, Activations::geluForward, ReferenceActivations::geluForward, TRANS_ABS, TRANS_REL);
        }
    }

    private static void check(String name, int n, float[] x, Fwd kernel, Fwd twin, double abs, double rel) {
        float[] y = new float[n + 6];
        float[] y2 = new float[n + 6];
        kernel.run(n, x, 4, y, 6);
        twin.run(n, x, 4, y2, 6);
        if (abs == 0 && rel == 0) {
            assertBitwise(name + " n=" + n, y2, y);
        } else {
            assertClose(name + " n=" + n, y2, 0, y, 0, y.length, abs, rel);
        }
        // in place gives the same result
        float[] z = x.clone();
        kernel.run(n, z, 4, z, 4);
        for (int i = 0; i < n; i++) {
            assertEquals(y[6 + i], z[4 + i], 0f, name + " in place");
        }
    }

    @Test
    void extremeInputsSaturateCleanly() {
        float[] x = {-1e4f, -100f, -20f, 20f, 100f, 1e4f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        int n = x.length;
        float[] y = new float[n];
        Activations.sigmoidForward(n, x, 0, y, 0);
        assertEquals(0f, y[0]);
        assertEquals(1f, y[5]);
        Activations.tanhForward(n, x, 0, y, 0);
        assertEquals(-1f, y[0]);
        assertEquals(1f, y[5]);
        Activations.geluForward(n, x, 0, y, 0);
        assertEquals(0f, y[0], 0f);
        assertEquals(1e4f, y[5]);
        float[] dy = {1, 1, 1, 1, 1, 1, 1, 1};
        float[] dx = new float[n];
        Activations.geluBackward(n, x, 0, null, 0, dy, 0, dx, 0);
        for (int i = 0; i < n; i++) {
            assertEquals(x[i] > 0 ? 1f : 0f, dx[i], 1e-6f, "gelu' at " + x[i]);
        }
        float[] nan = {Float.NaN};
        Activations.reluForward(1, nan, 0, y, 0);
        assertEquals(Float.NaN, y[0]);
    }

    @Test
    void backwardAgreesWithTwins() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int n : SIZES) {
            float[] x = random(rnd, n + 2, -6, 6);
            float[] dy = random(rnd, n + 3, -1, 1);
            float[] y = new float[n + 2];
            float[] dx = new float[n + 5];
            float[] dx2 = new float[n + 5];

            Activations.reluBackward(n, x, 2, null, 0, dy, 3, dx, 5);
            ReferenceActivations.reluBackward(n, x, 2, dy, 3, dx2, 5);
            assertBitwise("relu' n=" + n, dx2, dx);

            Activations.leakyReluBackward(n, ALPHA, x, 2, null, 0, dy, 3, dx, 5);
            ReferenceActivations.leakyReluBackward(n, ALPHA, x, 2, dy, 3, dx2, 5);
            assertBitwise("leakyRelu' n=" + n, dx2, dx);

            Activations.sigmoidForward(n, x, 2, y, 2);
            Activations.sigmoidBackward(n, null, 0, y, 2, dy, 3, dx, 5);
            ReferenceActivations.sigmoidBackward(n, y, 2, dy, 3, dx2, 5);
            assertClose("sigmoid' n=" + n, dx2, 0, dx, 0, dx.length, GRAD_ABS, GRAD_REL);

            Activations.tanhForward(n, x, 2, y, 2);
            Activations.tanhBackward(n, null, 0, y, 2, dy, 3, dx, 5);
            ReferenceActivations.tanhBackward(n, y, 2, dy, 3, dx2, 5);
            assertClose("tanh' n=" + n, dx2, 0, dx, 0, dx.length, GRAD_ABS, GRAD_REL);

            Activations.geluBackward(n, x, 2, null, 0, dy, 3, dx, 5);
            ReferenceActivations.geluBackward(n, x, 2, dy, 3, dx2, 5);
            assertClose("gelu' n=" + n, dx2, 0, dx, 0, dx.length, GRAD_ABS, GRAD_REL);
        }
    }

    /** Backward with dx the same slice as dy (how the layers call it) is bitwise the out-of-place result. */
    @Test
    void backwardInPlaceIsBitwiseOutOfPlace() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int n : SIZES) {
            float[] x = random(rnd, n + 2, -6, 6);
            float[] y = new float[n + 2];
            float[] dy = random(rnd, n + 3, -1, 1);
            Activations.sigmoidForward(n, x, 2, y, 2);
            inPlace("relu' n=" + n, n, x, y, dy, Activations::reluBackward);
            inPlace("leakyRelu' n=" + n, n, x, y, dy,
                    (a, b, c, d, e, f, g, h, i) -> Activations.leakyReluBackward(a, ALPHA, b, c, d, e, f, g, h, i));
            inPlace("sigmoid' n=" + n, n, x, y, dy, Activations::sigmoidBackward);
            inPlace("tanh' n=" + n, n, x, y, dy, Activations::tanhBackward);
            inPlace("gelu' n=" + n, n, x, y, dy, Activations::geluBackward);
        }
    }

    private static void inPlace(String name, int n, float[] x, float[] y, float[] dy, Bwd bwd) {
        float[] dx = new float[n + 3];
        bwd.run(n, x, 2, y, 2, dy, 3, dx, 3);
        float[] g = dy.clone();
        bwd.run(n, x, 2, y, 2, g, 3, g, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(dy[i], g[i], 0f, name + " touched the prefix");
        }
        float[] expected = dy.clone();
        System.arraycopy(dx, 3, expected, 3, n);
        assertBitwise(name + " in place", expected, g);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 33;
        float[] x = random(rnd, n, -4, 4);
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[i]) < 1e-2) {
                x[i] = 0.5f; // keep away from the ReLU kinks
            }
        }
        float[] dy = random(rnd, n, -1, 1);
        fd("relu", x, dy, ReferenceActivations::relu, Activations::reluForward, Activations::reluBackward);
        fd("leakyRelu", x, dy, v -> ReferenceActivations.leakyRelu(ALPHA, v),
                (a, b, c, d, e) -> Activations.leakyReluForward(a, ALPHA, b, c, d, e),
                (a, b, c, d, e, f, g, h, i) -> Activations.leakyReluBackward(a, ALPHA, b, c, d, e, f, g, h, i));
        fd("sigmoid", x, dy, ReferenceActivations::sigmoid, Activations::sigmoidForward,
                Activations::sigmoidBackward);
        fd("tanh", x, dy, ReferenceActivations::tanh, Activations::tanhForward, Activations::tanhBackward);
        fd("gelu", x, dy, ReferenceActivations::gelu, Activations::geluForward, Activations::geluBackward);
    }

    private static void fd(String name, float[] x, float[] dy, DoubleUnaryOperator f, Fwd fwd, Bwd bwd) {
        int n = x.length;
        float[] y = new float[n];
        float[] dx = new float[n];
        fwd.run(n, x, 0, y, 0);
        bwd.run(n, x, 0, y, 0, dy, 0, dx, 0);
        double h = 1e-5;
        for (int i = 0; i < n; i++) {
            double num = (f.applyAsDouble(x[i] + h) - f.applyAsDouble(x[i] - h)) / (2 * h) * dy[i];
            assertClose(name + " finite difference at x=" + x[i], num, dx[i], FD_TOL, 1e-4);
        }
    }

    /** A forward kernel over x into y: one of Activations' exp/tanh forwards. */
    private interface Forward {
        void run(int n, float[] x, int xOff, float[] y, int yOff);
    }

    /**
     * The exp/tanh kernels load full vectors without a mask and only the last, partial one with a mask: a slice
     * cut into pieces of every length from 1 to two vectors and a half (so pieces shorter than a vector, exactly
     * one, and with every tail length) gives bitwise what one call over the whole slice gives, out of place, in
     * place and at odd offsets, with NaN, ±∞ and ±0 in x. Every element goes through the same arithmetic wherever
     * it lies.
     */
    @Test
    void resultsDoNotDependOnWhereASliceEnds() {
        SplittableRandom rnd = new SplittableRandom(41);
        int lanes = Vec.LANES;
        int n = 0;
        for (int piece = 1; piece <= 2 * lanes + lanes / 2; piece++) {
            n += piece;
        }
        float[] x = random(rnd, n + 5, -12, 12);
        x[7] = Float.NaN;
        x[lanes + 1] = Float.POSITIVE_INFINITY;
        x[n - 2] = Float.NEGATIVE_INFINITY;
        x[n / 2] = -0f;
        Forward[] kernels = {Activations::sigmoidForward, Activations::tanhForward, Activations::geluForward};
        String[] names = {"sigmoid", "tanh", "gelu"};
        for (int k = 0; k < kernels.length; k++) {
            Forward f = kernels[k];
            float[] y = new float[n + 3];
            f.run(n, x, 5, y, 3);
            float[] pieces = new float[n + 3];
            float[] inPlace = Arrays.copyOf(x, n + 5);
            for (int b = 0, piece = 1; b < n; b += piece, piece++) {
                f.run(piece, x, 5 + b, pieces, 3 + b);
                f.run(piece, inPlace, 5 + b, inPlace, 5 + b);
            }
            assertBitwise(names[k] + " in pieces", y, pieces);
            assertBitwise(names[k] + " in place in pieces", Arrays.copyOfRange(y, 3, n + 3),
                    Arrays.copyOfRange(inPlace, 5, n + 5));
        }
        float[] dy = random(rnd, n + 2, -1, 1);
        float[] dx = new float[n + 3];
        Activations.geluBackward(n, x, 5, null, 0, dy, 2, dx, 3);
        float[] pieces = new float[n + 3];
        float[] inPlace = Arrays.copyOf(dy, n + 2);
        for (int b = 0, piece = 1; b < n; b += piece, piece++) {
            Activations.geluBackward(piece, x, 5 + b, null, 0, dy, 2 + b, pieces, 3 + b);
            Activations.geluBackward(piece, x, 5 + b, null, 0, inPlace, 2 + b, inPlace, 2 + b);
        }
        assertBitwise("GELU backward in pieces", dx, pieces);
        assertBitwise("GELU backward in place in pieces", Arrays.copyOfRange(dx, 3, n + 3),
                Arrays.copyOfRange(inPlace, 2, n + 2));
    }
}
