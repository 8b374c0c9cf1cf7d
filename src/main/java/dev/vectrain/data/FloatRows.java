/*
 * FloatRows: a FeatureStore of plain floats (CSV data, float arrays handed to Dataset.classification/regression).
 * Reading a row is a copy, or the standardization kernel when a standardizer is applied on read. It does not
 * copy the array it wraps: the caller's float[] is the storage.
 */
package dev.vectrain.data;

import dev.vectrain.kernel.Decode;

/** Float feature rows. */
record FloatRows(float[] values, int featureCount) implements FeatureStore {   // values: (rows, featureCount)
    @Override
    public int rows() {
        return values.length / featureCount;
    }

    @Override
    public void read(int row, float[] mean, float[] invStd, float[] dst, int dstOff) {
        int src = row * featureCount;
        if (mean == null) {
            System.arraycopy(values, src, dst, dstOff, featureCount);
        } else {
            Decode.standardized(featureCount, values, src, mean, invStd, dst, dstOff);
        }
    }

    @Override
    public long bytes() {
        return 4L * values.length;
    }
}
