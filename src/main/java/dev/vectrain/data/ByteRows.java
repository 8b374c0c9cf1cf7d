/*
 * ByteRows: a FeatureStore of unsigned bytes, each read as (b & 0xFF) · scale — how IDX images are kept: one
 * byte per pixel instead of a float, with the scaling to [0, 1] done as a row is read. The float steps are the
 * ones the reader used to apply when it stored floats, so every value read is bitwise the float it stored then.
 * It does not copy the array it wraps.
 */
package dev.vectrain.data;

import dev.vectrain.kernel.Decode;

/** Unsigned-byte feature rows with one scale for all features. */
record ByteRows(byte[] values, float scale, int featureCount) implements FeatureStore {   // values: (rows, featureCount)
    @Override
    public int rows() {
        return values.length / featureCount;
    }

    @Override
    public void read(int row, float[] mean, float[] invStd, float[] dst, int dstOff) {
        int src = row * featureCount;
        if (mean == null) {
            Decode.uint8(featureCount, values, src, scale, dst, dstOff);
        } else {
            Decode.uint8Standardized(featureCount, values, src, scale, mean, invStd, dst, dstOff);
        }
    }

    @Override
    public long bytes() {
        return values.length;
    }
}
