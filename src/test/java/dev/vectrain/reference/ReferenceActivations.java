/*
 * ReferenceActivations: scalar twins of dev.vectrain.kernel.Activations, computed in double, plus the
 * plain functions f(x) in double used by finite-difference checks.
 */
package dev.vectrain.reference;

public final class ReferenceActivations {
    public static final double GELU_K = Math.sqrt(2.0 / Math.PI);
    public static final double GELU_C = 0.044715;

    private ReferenceActivations() {
    }

    public static double relu(double x) {
        return x < 0 ? 0 : x;
    }

    public static double leakyRelu(double alpha, double x) {
        return x < 0 ? alpha * x : x;
    }

    public static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    public static double tanh(double x) {
        return Math.tanh(x);
    }

    public static double gelu(double x) {
        return 0.5 * x * (1.0 + Math.tanh(GELU_K * (x + GELU_C * x * x * x)));
    }

    public static double geluGrad(double x) {
        double t = Math.tanh(GELU_K * (x + GELU_C * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * x * x);
    }

    public static void reluForward(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) relu(x[xOff + i]);
        }
    }

    public static void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] = x[xOff + i] > 0 ? dy[dyOff + i] : 0f;
        }
    }

    public static void leakyReluForward(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) leakyRelu(alpha, x[xOff + i]);
        }
    }

    public static void leakyReluBackward(int n, float alpha, float[] x, int xOff, float[] dy, int dyOff, float[] dx,
            int dxOff) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] = x[xOff + i] > 0 ? dy[dyOff + i] : (float) ((double) alpha * dy[dyOff + i]);
        }
    }

    public static void sigmoidForward(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) sigmoid(x[xOff + i]);
        }
    }

    public static void sigmoidBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            double s = y[yOff + i];
            dx[dxOff + i] = (float) (dy[dyOff + i] * s * (1 - s));
        }
    }

    public static void tanhForward(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) Math.tanh(x[xOff + i]);
        }
    }

    public static void tanhBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            double t = y[yOff + i];
            dx[dxOff + i] = (float) (dy[dyOff + i] * (1 - t * t));
        }
    }

    public static void geluForward(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) gelu(x[xOff + i]);
        }
    }

    public static void geluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] = (float) (dy[dyOff + i] * geluGrad(x[xOff + i]));
        }
    }
}
