/*
 * FeatureStore: where a Dataset's feature values live — rows × featureCount of them, row-major — and how one
 * row is read out as floats (decoded, then standardized when the reader asks). Two kinds: FloatRows (plain
 * floats) and ByteRows (unsigned bytes times a scale: IDX images at one byte per pixel, a quarter of the float
 * size). A store is shared by every view of a dataset (selected rows, a standardized copy of the metadata), so
 * it is never written after construction. It is not a dataset: labels, targets and row order live in Dataset.
 */
package dev.vectrain.data;

/** Row-major feature storage; package-private, reached through {@link Dataset}. */
sealed interface FeatureStore permits FloatRows, ByteRows {
    /** Stored rows. */
    int rows();

    /** Features per row. */
    int featureCount();

    /**
     * Writes stored row {@code row} into {@code dst[dstOff, dstOff + featureCount())} as floats; with a
     * non-null {@code mean}, each value x becomes {@code (x − mean[j]) · invStd[j]}, in exactly those float steps.
     */
    void read(int row, float[] mean, float[] invStd, float[] dst, int dstOff);

    /** Bytes of feature data held (for messages about memory). */
    long bytes();
}
