/*
 * Dataset's storage and views: byte-stored images read (and standardized, split, shuffled) bitwise as the float
 * path produced them before images were kept as bytes — the reader scaled every pixel to a float, the
 * standardizer rewrote the float array in place, the split copied rows, the trainer copied rows into its batch.
 * Plus views, classes, dense access and argument checks.
 */
package dev.vectrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private static final int ROWS = 301;
    private static final int FEATURES = 37;   // not a multiple of any vector length

    private static byte[] pixels(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] b = new byte[ROWS * FEATURES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % FEATURES == 5 ? 17 : rnd.nextInt(256));   // feature 5 is constant
        }
        return b;
    }

    private static int[] labels(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] l = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            l[i] = rnd.nextInt(10);
        }
        return l;
    }

    /** The float path as it was: pixels scaled to floats up front. */
    private static float[] scaled(byte[] px) {
        float[] f = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            f[i] = (px[i] & 0xFF) * (1f / 255f);
        }
        return f;
    }

    private static void assertBitwise(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    @Test
    void byteStoredSplitStandardizedGatherIsBitwiseTheOldFloatPath() {
        byte[] px = pixels(1);
        int[] lab = labels(2);
        // old path: float pixels, split by copying rows, fit on the training copy, standardize copies in place
        float[] all = scaled(px);
        int[] perm = Splits.permutation(ROWS, 7);
        int nVal = 30;
        int[] val = Arrays.copyOf(perm, nVal);
        int[] train = Arrays.copyOfRange(perm, nVal, ROWS);
        Arrays.sort(val);
        Arrays.sort(train);
        float[] oldTrain = rows(all, train);
        float[] oldVal = rows(all, val);
        Standardizer oldSt = Standardizer.fit(oldTrain, train.length, FEATURES);
        oldSt.apply(oldTrain, train.length, FEATURES);
        oldSt.apply(oldVal, val.length, FEATURES);

        // new path: bytes, index views, standardized as read
        Dataset bytes = Dataset.classification(px, 1f / 255f, lab, FEATURES, 10);
        Splits.Split split = Splits.trainValidation(bytes, (double) nVal / ROWS, 7);
        Standardizer st = Standardizer.fit(split.train());
        assertBitwise("mean", oldSt.mean(), st.mean());
        assertBitwise("std", oldSt.std(), st.std());
        Dataset tr = split.train().standardized(st);
        Dataset va = split.validation().standardized(st);

        // the trainer's gather: a shuffled order over the training rows, in odd batch sizes
        int[] order = Splits.permutation(tr.rows(), 11);
        for (int from = 0; from < order.length; from += 13) {
            int count = Math.min(13, order.length - from);
            float[] got = new float[count * FEATURES + 4];
            float[] want = new float[count * FEATURES + 4];
            tr.gatherRows(order, from, count, got, 4);
            for (int i = 0; i < count; i++) {
                System.arraycopy(oldTrain, order[from + i] * FEATURES, want, 4 + i * FEATURES, FEATURES);
            }
            assertBitwise("gather from " + from, want, got);
        }
        float[] got = new float[va.rows() * FEATURES];
        va.copyRows(0, va.rows(), got, 0);
        assertBitwise("validation rows", oldVal, got);
        assertArrayEquals(select(lab, train), tr.labels());
        assertArrayEquals(select(lab, val), va.labels());

        // the same through float storage: float and byte datasets agree
        Dataset floats = Dataset.classification(all, lab, FEATURES, 10);
        Splits.Split fs = Splits.trainValidation(floats, (double) nVal / ROWS, 7);
        Dataset ftr = fs.train().standardized(Standardizer.fit(fs.train()));
        float[] a = new float[13 * FEATURES];
        float[] b = new float[13 * FEATURES];
        ftr.gatherRows(order, 26, 13, a, 0);
        tr.gatherRows(order, 26, 13, b, 0);
        assertBitwise("float vs byte storage", a, b);
    }

    private static float[] rows(float[] all, int[] idx) {
        float[] out = new float[idx.length * FEATURES];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(all, idx[i] * FEATURES, out, i * FEATURES, FEATURES);
        }
        return out;
    }

    private static int[] select(int[] a, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = a[idx[i]];
        }
        return out;
    }

    @Test
    void viewsShareStorageAndCompose() {
        byte[] px = pixels(3);
        Dataset d = Dataset.classification(px, 1f / 255f, labels(4), FEATURES, 10);
        assertFalse(d.isDense());
        assertEquals(px.length, d.featureBytes());
        Dataset view = d.select(new int[] {9, 2, 2, 300}).select(new int[] {3, 0});
        assertEquals(2, view.rows());
        assertEquals(px.length, view.featureBytes());
        float[] got = new float[2 * FEATURES];
        view.copyRows(0, 2, got, 0);
        float[] all = scaled(px);
        float[] want = new float[2 * FEATURES];
        System.arraycopy(all, 300 * FEATURES, want, 0, FEATURES);
        System.arraycopy(all, 9 * FEATURES, want, FEATURES, FEATURES);
        assertBitwise("select of select", want, got);
        assertArrayEquals(new int[] {d.labels()[300], d.labels()[9]}, view.labels());
        assertBitwise("toDense", want, view.toDense().features());
    }

    @Test
    void denseFloatDataHandsOutItsArrayAndOthersSayWhyNot() {
        float[] f = new float[ROWS * FEATURES];
        Dataset dense = Dataset.classification(f, labels(5), FEATURES, 10);
        assertTrue(dense.isDense());
        assertSame(f, dense.features());
        Standardizer st = Standardizer.fit(dense);
        for (Dataset d : new Dataset[] {dense.standardized(st), dense.select(new int[] {1}),
                Dataset.classification(pixels(6), 1f / 255f, labels(5), FEATURES, 10)}) {
            assertFalse(d.isDense());
            String m = assertThrows(IllegalStateException.class, d::features).getMessage();
            assertTrue(m.contains("copyRows") && m.contains("toDense"), m);
        }
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> dense.standardized(st).standardized(st));
        assertTrue(twice.getMessage().contains("already standardized"));
        assertThrows(IllegalArgumentException.class, () -> dense.standardized(Standardizer.identity(3)));
    }

    @Test
    void regressionViewsCarryTargets() {
        float[] f = {0, 1, 2, 3, 4, 5};
        float[] t = {10, 11, 20, 21, 30, 31};
        Dataset d = Dataset.regression(f, t, 2, 2);
        Dataset v = d.select(new int[] {2, 0});
        assertArrayEquals(new float[] {30, 31, 10, 11}, v.targets());
        float[] got = new float[4];
        v.copyRows(0, 2, got, 0);
        assertArrayEquals(new float[] {4, 5, 0, 1}, got);
        assertThrows(IllegalStateException.class, () -> d.withClasses(3));
    }

    @Test
    void withClassesChecksLabels() {
        Dataset d = Dataset.classification(pixels(7), 1f / 255f, labels(8), FEATURES, 10);
        assertEquals(12, d.withClasses(12).classes());
        String m = assertThrows(IllegalArgumentException.class, () -> d.withClasses(3)).getMessage();
        assertTrue(m.contains("expected a value in [0, 3)"), m);
    }

    @Test
    void rejectsBadArguments() {
        Dataset d = Dataset.classification(pixels(9), 1f / 255f, labels(10), FEATURES, 10);
        float[] dst = new float[2 * FEATURES];
        assertThrows(IllegalArgumentException.class, () -> d.copyRows(ROWS - 1, 2, dst, 0));
        assertThrows(IllegalArgumentException.class, () -> d.copyRows(0, 2, dst, 1));
        assertThrows(IllegalArgumentException.class, () -> d.gatherRows(new int[] {0, ROWS}, 0, 2, dst, 0));
        assertThrows(IllegalArgumentException.class, () -> d.gatherRows(new int[] {0}, 0, 2, dst, 0));
        assertThrows(IllegalArgumentException.class, () -> d.select(new int[] {-1}));
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(new byte[4], 0f, new int[] {0, 1}, 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(new byte[5], 1f, new int[] {0, 1}, 2, 2));
    }
}
