/* Synthetic: small seeded datasets for trainer tests (Gaussian class blobs, noisy labels, linear regression). */
package dev.vectrain.train;

import dev.vectrain.data.Dataset;
import java.util.SplittableRandom;

final class Synthetic {
    private Synthetic() {
    }

    /** {@code rows} points around {@code classes} random centres; {@code labelNoise} of labels are random. */
    static Dataset blobs(int rows, int features, int classes, double spread, double labelNoise, long seed) {
        SplittableRandom centresRnd = new SplittableRandom(12345);
        float[] centres = new float[classes * features];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) centresRnd.nextGaussian();
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            int c = rnd.nextInt(classes);
            for (int f = 0; f < features; f++) {
                x[r * features + f] = (float) (centres[c * features + f] + spread * rnd.nextGaussian());
            }
            y[r] = rnd.nextDouble() < labelNoise ? rnd.nextInt(classes) : c;
        }
        return Dataset.classification(x, y, features, classes);
    }

    /** y = x·a + noise with {@code targets} outputs. */
    static Dataset linear(int rows, int features, int targets, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[features * targets];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) new SplittableRandom(7 + i).nextGaussian();
        }
        float[] x = new float[rows * features];
        float[] t = new float[rows * targets];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < features; f++) {
                x[r * features + f] = (float) rnd.nextGaussian();
            }
            for (int j = 0; j < targets; j++) {
                double s = 0;
                for (int f = 0; f < features; f++) {
                    s += x[r * features + f] * a[f * targets + j];
                }
                t[r * targets + j] = (float) (s + 0.01 * rnd.nextGaussian());
            }
        }
        return Dataset.regression(x, t, features, targets);
    }
}
