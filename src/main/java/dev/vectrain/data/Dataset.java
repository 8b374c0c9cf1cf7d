/*
 * Dataset: an in-memory table of samples as one flat row-major float[] of features plus either int class
 * labels (classification) or a flat float[] of targets (regression). It is not a reader and not a batch
 * iterator; readers build it and the trainer slices it.
 */
package dev.vectrain.data;

import java.util.Objects;

/**
 * Samples stored row-major: sample {@code i} has features {@code features[i*featureCount ...]}.
 * Exactly one of {@code labels} (values in {@code [0, classes)}) and {@code targets}
 * ({@code rows × targetCount}) is non-null.
 */
public final class Dataset {
    private final float[] features;   // (rows, featureCount)
    private final int[] labels;       // (rows) or null
    private final float[] targets;    // (rows, targetCount) or null
    private final int rows;
    private final int featureCount;
    private final int classes;
    private final int targetCount;

    private Dataset(float[] features, int[] labels, float[] targets, int rows, int featureCount, int classes,
                    int targetCount) {
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.rows = rows;
        this.featureCount = featureCount;
        this.classes = classes;
        this.targetCount = targetCount;
    }

    /**
     * A classification dataset. Checks sizes and that every label lies in {@code [0, classes)}.
     *
     * @throws IllegalArgumentException naming the first inconsistency
     */
    public static Dataset classification(float[] features, int[] labels, int featureCount, int classes) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (featureCount <= 0) {
            throw new IllegalArgumentException("featureCount must be > 0, found " + featureCount);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, found " + classes);
        }
        int rows = labels.length;
        if ((long) rows * featureCount != features.length) {
            throw new IllegalArgumentException("features has " + features.length + " values, expected rows "
                    + rows + " × featureCount " + featureCount + " = " + (long) rows * featureCount);
        }
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label of row " + i + " is " + labels[i]
                        + ", expected a value in [0, " + classes + ")");
            }
        }
        return new Dataset(features, labels, null, rows, featureCount, classes, 0);
    }

    /** A regression dataset with {@code targetCount} float targets per row. */
    public static Dataset regression(float[] features, float[] targets, int featureCount, int targetCount) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(targets, "targets");
        if (featureCount <= 0 || targetCount <= 0) {
            throw new IllegalArgumentException("featureCount and targetCount must be > 0, found "
                    + featureCount + " and " + targetCount);
        }
        if (features.length % featureCount != 0) {
            throw new IllegalArgumentException("features length " + features.length
                    + " is not a multiple of featureCount " + featureCount);
        }
        int rows = features.length / featureCount;
        if ((long) rows * targetCount != targets.length) {
            throw new IllegalArgumentException("targets has " + targets.length + " values, expected rows "
                    + rows + " × targetCount " + targetCount);
        }
        return new Dataset(features, null, targets, rows, featureCount, 0, targetCount);
    }

    /** Row-major features, {@code rows × featureCount}; shared, not copied. */
    public float[] features() {
        return features;
    }

    /** Class labels, or null for a regression dataset; shared, not copied. */
    public int[] labels() {
        return labels;
    }

    /** Row-major regression targets, or null for a classification dataset; shared, not copied. */
    public float[] targets() {
        return targets;
    }

    /** Number of samples. */
    public int rows() {
        return rows;
    }

    /** Features per sample. */
    public int featureCount() {
        return featureCount;
    }

    /** Number of classes (0 for regression). */
    public int classes() {
        return classes;
    }

    /** Targets per sample (0 for classification). */
    public int targetCount() {
        return targetCount;
    }

    /** True when this dataset has class labels. */
    public boolean isClassification() {
        return labels != null;
    }

    /** A new dataset holding the given rows, in the given order (copies the data). */
    public Dataset select(int[] rowIndices) {
        Objects.requireNonNull(rowIndices, "rowIndices");
        float[] f = new float[rowIndices.length * featureCount];
        for (int i = 0; i < rowIndices.length; i++) {
            int r = rowIndices[i];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("row index " + r + " at position " + i + " is outside [0, " + rows + ")");
            }
            System.arraycopy(features, r * featureCount, f, i * featureCount, featureCount);
        }
        if (labels != null) {
            int[] l = new int[rowIndices.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = labels[rowIndices[i]];
            }
            return new Dataset(f, l, null, l.length, featureCount, classes, 0);
        }
        float[] t = new float[rowIndices.length * targetCount];
        for (int i = 0; i < rowIndices.length; i++) {
            System.arraycopy(targets, rowIndices[i] * targetCount, t, i * targetCount, targetCount);
        }
        return new Dataset(f, null, t, rowIndices.length, featureCount, 0, targetCount);
    }
}
