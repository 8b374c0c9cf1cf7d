/*
 * Dataset: an in-memory table of samples — features plus either int class labels (classification) or float
 * targets (regression). The features live in a FeatureStore: plain floats, or unsigned bytes with a scale
 * (IDX images stay at one byte per pixel). A dataset can be a view of chosen rows of a store (a split, a
 * shuffled order) and can carry a Standardizer; both are applied as rows are read, so splitting and
 * standardizing never copy the features. Rows are read as floats with copyRows / gatherRows, which is how the
 * trainer and the predictor fill their batch buffers. It is not a reader and not a batch iterator.
 */
package dev.vectrain.data;

import java.util.Objects;

/**
 * Samples and their labels or targets. Sample {@code i} has {@code featureCount()} features, read with
 * {@link #copyRows} or {@link #gatherRows}; exactly one of {@code labels()} (values in {@code [0, classes)}) and
 * {@code targets()} ({@code rows × targetCount}) is non-null. Datasets are immutable apart from the arrays
 * handed to the factories, which are shared, not copied: views of a dataset see later writes to them.
 */
public final class Dataset {
    private final FeatureStore store;          // the features, shared by every view of them
    private final int[] index;                 // (rows) store row of each row, or null: row i is store row i
    private final Standardizer standardizer;   // applied as rows are read, or null
    private final int[] labels;                // (rows) or null
    private final float[] targets;             // (rows, targetCount) or null
    private final int rows;
    private final int classes;
    private final int targetCount;

    private Dataset(FeatureStore store, int[] index, Standardizer standardizer, int[] labels, float[] targets,
                    int rows, int classes, int targetCount) {
        this.store = store;
        this.index = index;
        this.standardizer = standardizer;
        this.labels = labels;
        this.targets = targets;
        this.rows = rows;
        this.classes = classes;
        this.targetCount = targetCount;
    }

    /**
     * A classification dataset over row-major float features {@code (labels.length, featureCount)}. Checks
     * sizes and that every label lies in {@code [0, classes)}.
     *
     * @throws IllegalArgumentException naming the first inconsistency
     */
    public static Dataset classification(float[] features, int[] labels, int featureCount, int classes) {
        Objects.requireNonNull(features, "features");
        checkShape(features.length, labels, featureCount, classes);
        return new Dataset(new FloatRows(features, featureCount), null, null, labels, null, labels.length, classes, 0);
    }

    /**
     * A classification dataset over row-major unsigned-byte features {@code (labels.length, featureCount)}:
     * feature value = {@code (b & 0xFF) · scale}, computed in float as rows are read (IDX images use scale
     * 1/255). A quarter of the memory of float features, and bitwise the same values.
     *
     * @throws IllegalArgumentException naming the first inconsistency, or a scale that is not finite and > 0
     */
    public static Dataset classification(byte[] features, float scale, int[] labels, int featureCount, int classes) {
        Objects.requireNonNull(features, "features");
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, found " + scale);
        }
        checkShape(features.length, labels, featureCount, classes);
        return new Dataset(new ByteRows(features, scale, featureCount), null, null, labels, null, labels.length,
                classes, 0);
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
        return new Dataset(new FloatRows(features, featureCount), null, null, null, targets, rows, 0, targetCount);
    }

    private static void checkShape(int values, int[] labels, int featureCount, int classes) {
        Objects.requireNonNull(labels, "labels");
        if (featureCount <= 0) {
            throw new IllegalArgumentException("featureCount must be > 0, found " + featureCount);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, found " + classes);
        }
        int rows = labels.length;
        if ((long) rows * featureCount != values) {
            throw new IllegalArgumentException("features has " + values + " values, expected rows "
                    + rows + " × featureCount " + featureCount + " = " + (long) rows * featureCount);
        }
        checkLabels(labels, classes);
    }

    private static void checkLabels(int[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label of row " + i + " is " + labels[i]
                        + ", expected a value in [0, " + classes + ")");
            }
        }
    }

    /**
     * Writes the features of rows {@code row0 … row0 + count − 1} into {@code dst[dstOff …]}
     * ({@code count × featureCount} floats, row-major), standardized when this dataset carries a standardizer.
     * Allocates nothing.
     */
    public void copyRows(int row0, int count, float[] dst, int dstOff) {
        checkDst(count, dst, dstOff);
        if (row0 < 0 || count < 0 || (long) row0 + count > rows) {
            throw new IllegalArgumentException("rows [" + row0 + ", " + ((long) row0 + count) + ") are outside [0, "
                    + rows + ")");
        }
        int f = featureCount();
        for (int i = 0; i < count; i++) {
            readRow(row0 + i, dst, dstOff + i * f);
        }
    }

    /**
     * Writes the features of rows {@code order[from] … order[from + count − 1]} into {@code dst[dstOff …]}
     * ({@code count × featureCount} floats, row-major, in that order), standardized when this dataset carries a
     * standardizer. This is the trainer's mini-batch gather; it allocates nothing.
     */
    public void gatherRows(int[] order, int from, int count, float[] dst, int dstOff) {
        Objects.requireNonNull(order, "order");
        checkDst(count, dst, dstOff);
        if (from < 0 || count < 0 || (long) from + count > order.length) {
            throw new IllegalArgumentException("order positions [" + from + ", " + ((long) from + count)
                    + ") are outside the order array (length " + order.length + ")");
        }
        int f = featureCount();
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("row " + r + " at order position " + (from + i) + " is outside [0, "
                        + rows + ")");
            }
            readRow(r, dst, dstOff + i * f);
        }
    }

    private void checkDst(int count, float[] dst, int dstOff) {
        Objects.requireNonNull(dst, "dst");
        long need = (long) Math.max(count, 0) * featureCount();
        if (dstOff < 0 || dstOff + need > dst.length) {
            throw new IllegalArgumentException("dst needs " + need + " floats from offset " + dstOff
                    + ", but its length is " + dst.length);
        }
    }

    private void readRow(int row, float[] dst, int dstOff) {
        int s = index == null ? row : index[row];
        if (standardizer == null) {
            store.read(s, null, null, dst, dstOff);
        } else {
            store.read(s, standardizer.meanArray(), standardizer.invStdArray(), dst, dstOff);
        }
    }

    /**
     * This dataset with {@code st} applied to every row as it is read: {@code (x − mean[j]) / std[j]} per
     * feature, bitwise what {@link Standardizer#apply(float[], int, int)} writes. Shares the features, labels
     * and targets; copies nothing.
     *
     * @throws IllegalArgumentException when the feature counts differ
     * @throws IllegalStateException    when this dataset is already standardized
     */
    public Dataset standardized(Standardizer st) {
        Objects.requireNonNull(st, "st");
        if (st.featureCount() != featureCount()) {
            throw new IllegalArgumentException("data has " + featureCount() + " features but the standardizer was "
                    + "fitted on " + st.featureCount());
        }
        if (standardizer != null) {
            throw new IllegalStateException("this dataset is already standardized");
        }
        return new Dataset(store, index, st, labels, targets, rows, classes, targetCount);
    }

    /**
     * The given rows, in the given order, as a view: the features are shared (not copied), labels or targets are
     * copied (they are small), a standardizer is kept.
     */
    public Dataset select(int[] rowIndices) {
        Objects.requireNonNull(rowIndices, "rowIndices");
        int n = rowIndices.length;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            int r = rowIndices[i];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("row index " + r + " at position " + i + " is outside [0, " + rows + ")");
            }
            idx[i] = index == null ? r : index[r];
        }
        if (labels != null) {
            int[] l = new int[n];
            for (int i = 0; i < n; i++) {
                l[i] = labels[rowIndices[i]];
            }
            return new Dataset(store, idx, standardizer, l, null, n, classes, 0);
        }
        float[] t = new float[n * targetCount];
        for (int i = 0; i < n; i++) {
            System.arraycopy(targets, rowIndices[i] * targetCount, t, i * targetCount, targetCount);
        }
        return new Dataset(store, idx, standardizer, null, t, n, 0, targetCount);
    }

    /**
     * This classification dataset declared with {@code classes} classes (e.g. to match a model's outputs);
     * shares everything.
     *
     * @throws IllegalArgumentException when a label is outside {@code [0, classes)} or classes &lt; 2
     */
    public Dataset withClasses(int classes) {
        if (labels == null) {
            throw new IllegalStateException("a regression dataset has no classes");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, found " + classes);
        }
        checkLabels(labels, classes);
        return new Dataset(store, index, standardizer, labels, null, rows, classes, 0);
    }

    /** A dense float copy of the rows as read (standardized when this dataset is): {@link #features()} works on it. */
    public Dataset toDense() {
        float[] f = new float[Math.multiplyExact(rows, featureCount())];
        copyRows(0, rows, f, 0);
        return labels != null
                ? new Dataset(new FloatRows(f, featureCount()), null, null, labels, null, rows, classes, 0)
                : new Dataset(new FloatRows(f, featureCount()), null, null, null, targets, rows, 0, targetCount);
    }

    /**
     * True when the rows are one float array in order, unstandardized — the case in which {@link #features()}
     * can hand that array out.
     */
    public boolean isDense() {
        return store instanceof FloatRows && index == null && standardizer == null;
    }

    /**
     * The row-major float features {@code (rows, featureCount)} of a dense dataset; shared, not copied.
     *
     * @throws IllegalStateException when the features are bytes, a view of selected rows or standardized on read
     *                               (see {@link #isDense()}): read them with copyRows/gatherRows or make a
     *                               {@link #toDense()} copy
     */
    public float[] features() {
        if (!isDense()) {
            throw new IllegalStateException("this dataset computes its features as rows are read ("
                    + (store instanceof ByteRows ? "byte storage" : index != null ? "a view of selected rows" : "standardized")
                    + "); use copyRows/gatherRows, or toDense() for a float copy");
        }
        return ((FloatRows) store).values();
    }

    /** Bytes of feature storage this dataset reads from (shared with its views). */
    public long featureBytes() {
        return store.bytes();
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
        return store.featureCount();
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
}
