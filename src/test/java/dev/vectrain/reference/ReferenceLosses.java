/*
 * ReferenceLosses: scalar double-precision twins of SoftmaxCrossEntropy, Mse and BceWithLogits.
 * The loss functions here are also the objectives of the finite-difference checks.
 */
package dev.vectrain.reference;

public final class ReferenceLosses {
    private ReferenceLosses() {
    }

    /** Softmax probabilities into probs (float), returns the mean cross-entropy in double. */
    public static double softmaxCrossEntropyForward(int rows, int classes, float[] logits, int lOff, int[] labels,
            int labOff, float[] probs, int pOff) {
        if (rows == 0) {
            return 0;
        }
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[lOff + r * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[lOff + r * classes + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                probs[pOff + r * classes + c] = (float) (Math.exp(logits[lOff + r * classes + c] - max) / sum);
            }
            loss += Math.log(sum) + max - logits[lOff + r * classes + labels[labOff + r]];
        }
        return loss / rows;
    }

    /** Mean cross-entropy of double logits (row-major), for finite differences. */
    public static double softmaxCrossEntropyLoss(int rows, int classes, double[] logits, int[] labels) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[r * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[r * classes + c] - max);
            }
            loss += Math.log(sum) + max - logits[r * classes + labels[r]];
        }
        return loss / rows;
    }

    public static void softmaxCrossEntropyBackward(int rows, int classes, float[] probs, int pOff, int[] labels,
            int labOff, float[] d, int dOff) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < classes; c++) {
                double p = probs[pOff + r * classes + c];
                d[dOff + r * classes + c] = (float) ((p - (c == labels[labOff + r] ? 1 : 0)) / rows);
            }
        }
    }

    public static double mseForward(int n, float[] p, int pOff, float[] t, int tOff) {
        if (n == 0) {
            return 0;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) p[pOff + i] - t[tOff + i];
            s += d * d;
        }
        return s / n;
    }

    public static double mseLoss(int n, double[] p, float[] t) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = p[i] - t[i];
            s += d * d;
        }
        return s / n;
    }

    public static void mseBackward(int n, float[] p, int pOff, float[] t, int tOff, float[] d, int dOff) {
        for (int i = 0; i < n; i++) {
            d[dOff + i] = (float) (2.0 * ((double) p[pOff + i] - t[tOff + i]) / n);
        }
    }

    public static double bce(double z, double t) {
        return Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
    }

    public static double bceForward(int n, float[] z, int zOff, float[] t, int tOff) {
        if (n == 0) {
            return 0;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += bce(z[zOff + i], t[tOff + i]);
        }
        return s / n;
    }

    public static double bceLoss(int n, double[] z, float[] t) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += bce(z[i], t[i]);
        }
        return s / n;
    }

    public static void bceBackward(int n, float[] z, int zOff, float[] t, int tOff, float[] d, int dOff) {
        for (int i = 0; i < n; i++) {
            d[dOff + i] = (float) ((ReferenceActivations.sigmoid(z[zOff + i]) - t[tOff + i]) / n);
        }
    }
}
