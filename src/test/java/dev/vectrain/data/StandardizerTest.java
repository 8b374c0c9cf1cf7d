package dev.vectrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StandardizerTest {
    @Test
    void zeroMeanUnitVarianceAndConstantFeatures() {
        // 3 rows × 2 features; feature 1 is constant.
        float[] x = {1, 5, 2, 5, 3, 5};
        Standardizer s = Standardizer.fit(x, 3, 2);
        assertArrayEquals(new float[] {2, 5}, s.mean());
        assertEquals((float) Math.sqrt(2.0 / 3), s.std()[0], 1e-7f);
        assertEquals(1f, s.std()[1]);
        s.apply(x, 3, 2);
        assertEquals(0f, x[1]);
        assertEquals(0f, x[2], 1e-7f);
        assertEquals(-x[4], x[0], 1e-6f);
        assertEquals(1.0, (x[0] * x[0] + x[2] * x[2] + x[4] * x[4]) / 3, 1e-6);
    }

    @Test
    void fitOnTrainApplyElsewhere() {
        Standardizer s = Standardizer.fit(new float[] {0, 2}, 2, 1);
        float[] test = {4};
        s.apply(test, 1, 1);
        assertEquals(3f, test[0]);
        Standardizer t = Standardizer.of(s.mean(), s.std());
        assertArrayEquals(s.std(), t.std());
    }

    @Test
    void fitOnADatasetEqualsFitOnItsFloatsBitwise() {
        float[] x = {1, 5, 2.5f, 5, 3, 5, -7, 5};
        Standardizer a = Standardizer.fit(x, 4, 2);
        Standardizer b = Standardizer.fit(Dataset.classification(x, new int[] {0, 1, 0, 1}, 2, 2));
        assertArrayEquals(a.mean(), b.mean());
        assertArrayEquals(a.std(), b.std());
        float[] bad = {1, Float.NaN};
        String m = assertThrows(IllegalArgumentException.class,
                () -> Standardizer.fit(Dataset.classification(bad, new int[] {0, 1}, 1, 2))).getMessage();
        assertTrue(m.contains("feature 0 of row 1"), m);
    }

    @Test
    void rejectsNonFiniteEmptyAndWrongWidth() {
        assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(new float[] {1, Float.NaN}, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(new float[0], 0, 3));
        Standardizer s = Standardizer.identity(2);
        assertThrows(IllegalArgumentException.class, () -> s.apply(new float[3], 1, 3));
    }

    @Test
    void seededSplitIsReproducibleAndDisjoint() {
        float[] f = new float[100];
        int[] l = new int[100];
        for (int i = 0; i < 100; i++) {
            f[i] = i;
            l[i] = i % 2;
        }
        Dataset d = Dataset.classification(f, l, 1, 2);
        Splits.Split a = Splits.trainValidation(d, 0.1, 7);
        Splits.Split b = Splits.trainValidation(d, 0.1, 7);
        assertEquals(90, a.train().rows());
        assertEquals(10, a.validation().rows());
        assertArrayEquals(a.validation().toDense().features(), b.validation().toDense().features());
        java.util.Set<Float> seen = new java.util.HashSet<>();
        for (float v : a.train().toDense().features()) {
            seen.add(v);
        }
        for (float v : a.validation().toDense().features()) {
            seen.add(v);
        }
        assertEquals(100, seen.size());
        assertThrows(IllegalArgumentException.class, () -> Splits.trainValidation(d, 1.0, 1));
    }
}
