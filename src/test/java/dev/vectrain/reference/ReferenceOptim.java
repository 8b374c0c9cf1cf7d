/*
 * ReferenceOptim: the unfused, scalar, double-precision twins of the fused optimizer kernels — one plain
 * pass per idea (norm, clip by norm, clip by value, decay, moments, weight update), written like the
 * textbook formulas. Test oracle only; slow on purpose.
 */
package dev.vectrain.reference;

/** Plain twins of dev.vectrain.optim.FusedUpdate and the Updater's clipping. */
public final class ReferenceOptim {
    private ReferenceOptim() {
    }

    /** Global L2 norm in double. */
    public static double norm(float[] g) {
        double s = 0;
        for (float v : g) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /** The clipped gradient: scaled to norm ≤ maxNorm (with eps 1e-6), then each value clamped to ±maxValue. */
    public static double[] clip(float[] g, double maxNorm, double maxValue) {
        double n = norm(g);
        double scale = maxNorm == Double.POSITIVE_INFINITY ? 1.0 : Math.min(1.0, maxNorm / (n + 1e-6));
        double[] out = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = g[i] * scale;
        }
        for (int i = 0; i < g.length; i++) {
            out[i] = Math.max(-maxValue, Math.min(maxValue, out[i]));
        }
        return out;
    }

    /** w −= lr·(g + λw). */
    public static void sgd(double[] w, double[] g, double lr, double l2) {
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + l2 * w[i];
            w[i] = w[i] - lr * gi;
        }
    }

    /** v = μv + (g + λw); w −= lr·v, or lr·(g + λw + μv) with Nesterov. */
    public static void momentum(double[] w, double[] g, double[] vel, double lr, double l2, double mu,
                                boolean nesterov) {
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + l2 * w[i];
            vel[i] = mu * vel[i] + gi;
            double d = nesterov ? gi + mu * vel[i] : vel[i];
            w[i] = w[i] - lr * d;
        }
    }

    /**
     * Adam step number {@code t} (1-based): L2 λ added to the gradient for Adam, decoupled decay
     * w ← w − lr·λ·w for AdamW, then the bias-corrected update.
     */
    public static void adam(double[] w, double[] g, double[] m, double[] v, long t, double lr, double b1, double b2,
                            double eps, double l2, double decoupled) {
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] - lr * decoupled * w[i];
        }
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + l2 * w[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        }
        for (int i = 0; i < w.length; i++) {
            double mhat = m[i] / (1 - Math.pow(b1, t));
            double vhat = v[i] / (1 - Math.pow(b2, t));
            w[i] = w[i] - lr * mhat / (Math.sqrt(vhat) + eps);
        }
    }
}
