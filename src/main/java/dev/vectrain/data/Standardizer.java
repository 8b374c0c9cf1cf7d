/*
 * Standardizer: per-feature zero mean / unit variance, fitted on training data only and then applied to
 * training, validation, test and prediction inputs alike: to a Dataset as its rows are read
 * (Dataset.standardized), to a plain float array in place. Constant features (std 0) keep std 1 so
 * they map to 0 instead of NaN. Statistics use two passes in double (never E[x²] − μ²). It is saved inside
 * the model checkpoint (see dev.vectrain.io.Checkpoint) through mean()/std() and of(mean, std).
 */
package dev.vectrain.data;

import java.util.Objects;

/** Per-feature standardization {@code x' = (x − mean) / std}. Immutable. */
public final class Standardizer {
    private final float[] mean;   // (features)
    private final float[] std;    // (features), > 0
    private final float[] invStd; // (features)

    private Standardizer(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
        this.invStd = new float[std.length];
        for (int j = 0; j < std.length; j++) {
            invStd[j] = 1f / std[j];
        }
    }

    /** A standardizer from saved statistics (copied); every std must be finite and > 0. */
    public static Standardizer of(float[] mean, float[] std) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must have the same, non-zero length, found "
                    + mean.length + " and " + std.length);
        }
        for (int j = 0; j < std.length; j++) {
            if (!Float.isFinite(mean[j]) || !Float.isFinite(std[j]) || std[j] <= 0) {
                throw new IllegalArgumentException("feature " + j + " has mean " + mean[j] + " and std " + std[j]
                        + "; expected finite values and std > 0");
            }
        }
        return new Standardizer(mean.clone(), std.clone());
    }

    /** The identity transform for {@code features} features (mean 0, std 1). */
    public static Standardizer identity(int features) {
        float[] ones = new float[features];
        java.util.Arrays.fill(ones, 1f);
        return of(new float[features], ones);
    }

    /**
     * Fits mean and (population) standard deviation per feature on a training dataset, on its features as
     * read (one row at a time, so byte-stored images are never expanded to floats all at once). The result is
     * bitwise that of {@link #fit(float[], int, int)} on a float copy.
     *
     * @throws IllegalArgumentException when there are no rows or a value is NaN/Inf (naming row and feature)
     */
    public static Standardizer fit(Dataset train) {
        int rows = train.rows();
        int cols = train.featureCount();
        if (rows <= 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on an empty data set");
        }
        float[] row = new float[cols];   // (cols) the current row
        double[] sum = new double[cols];
        for (int r = 0; r < rows; r++) {
            train.copyRows(r, 1, row, 0);
            accumulateSums(row, 0, r, cols, sum);
        }
        double[] mu = means(sum, rows);
        double[] ss = new double[cols];
        for (int r = 0; r < rows; r++) {
            train.copyRows(r, 1, row, 0);
            accumulateSquares(row, 0, cols, mu, ss);
        }
        return fromMoments(mu, ss, rows);
    }

    /**
     * Fits on {@code rows × cols} row-major features.
     *
     * @throws IllegalArgumentException when there are no rows or a value is NaN/Inf (naming row and feature)
     */
    public static Standardizer fit(float[] x, int rows, int cols) {
        if (rows <= 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on an empty data set");
        }
        double[] sum = new double[cols];
        for (int r = 0; r < rows; r++) {
            accumulateSums(x, r * cols, r, cols, sum);
        }
        double[] mu = means(sum, rows);
        double[] ss = new double[cols];
        for (int r = 0; r < rows; r++) {
            accumulateSquares(x, r * cols, cols, mu, ss);
        }
        return fromMoments(mu, ss, rows);
    }

    private static void accumulateSums(float[] x, int o, int r, int cols, double[] sum) {
        for (int j = 0; j < cols; j++) {
            float v = x[o + j];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("feature " + j + " of row " + r + " is " + v
                        + "; features must be finite");
            }
            sum[j] += v;
        }
    }

    private static double[] means(double[] sum, int rows) {
        double[] mu = new double[sum.length];
        for (int j = 0; j < sum.length; j++) {
            mu[j] = sum[j] / rows;
        }
        return mu;
    }

    private static void accumulateSquares(float[] x, int o, int cols, double[] mu, double[] ss) {
        for (int j = 0; j < cols; j++) {
            double d = x[o + j] - mu[j];
            ss[j] += d * d;
        }
    }

    private static Standardizer fromMoments(double[] mu, double[] ss, int rows) {
        int cols = mu.length;
        float[] mean = new float[cols];
        float[] std = new float[cols];
        for (int j = 0; j < cols; j++) {
            mean[j] = (float) mu[j];
            double s = Math.sqrt(ss[j] / rows);
            // Constant (or numerically constant) features: keep them at 0 after centring instead of dividing
            // by ~0, which would turn float noise into huge values.
            std[j] = s > 1e-6 * Math.max(1.0, Math.abs(mu[j])) ? (float) s : 1f;
        }
        return new Standardizer(mean, std);
    }

    /** Standardizes {@code rows × cols} row-major features in place; cols must equal featureCount(). */
    public void apply(float[] x, int rows, int cols) {
        if (cols != mean.length) {
            throw new IllegalArgumentException("data has " + cols + " features but the standardizer was fitted on "
                    + mean.length);
        }
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                x[o + j] = (x[o + j] - mean[j]) * invStd[j];
            }
        }
    }

    /** Number of features. */
    public int featureCount() {
        return mean.length;
    }

    /** The means themselves, for Dataset's reads (never written). */
    float[] meanArray() {
        return mean;
    }

    /** 1 / std per feature, for Dataset's reads (never written). */
    float[] invStdArray() {
        return invStd;
    }

    /** Per-feature means (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    /** Per-feature standard deviations, constant features reported as 1 (a copy). */
    public float[] std() {
        return std.clone();
    }
}
