/*
 * Initializers: the guide's worked numbers for a 512→256 layer, empirical variance of sampled weights
 * against the formulas, names that parse back, and the reproducible RNG with exportable state.
 */
package dev.vectrain.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InitializerTest {
    private static final int IN = 512;
    private static final int OUT = 256;

    /** The guide prints 4 decimals (0.10825 shows as 0.1082), so agreement is to 1e-4. */
    @Test
    void workedExampleBoundsFor512To256() {
        assertEquals(0.0884, Initializer.xavierUniformBound(IN, OUT), 1e-4);
        assertEquals(0.0510, Initializer.xavierNormalSigma(IN, OUT), 1e-4);
        assertEquals(0.1082, Initializer.heUniformBound(IN), 1e-4);
        assertEquals(0.0625, Initializer.heNormalSigma(IN), 1e-4);
    }

    @Test
    void sampledVarianceMatchesTheFormulas() {
        double xu = Initializer.xavierUniformBound(IN, OUT);
        double hu = Initializer.heUniformBound(IN);
        check(Initializer.xavierUniform(), xu * xu / 3, xu);
        check(Initializer.xavierNormal(), Math.pow(Initializer.xavierNormalSigma(IN, OUT), 2), Double.NaN);
        check(Initializer.heUniform(), hu * hu / 3, hu);
        check(Initializer.heNormal(), Math.pow(Initializer.heNormalSigma(IN), 2), Double.NaN);
        check(Initializer.normal(), 1e-4, Double.NaN);
        check(Initializer.normal(0.2), 0.04, Double.NaN);
    }

    private static void check(Initializer init, double variance, double bound) {
        float[] w = new float[IN * OUT];
        init.fill(w, 0, w.length, IN, OUT, new Rng(7));
        double sum = 0;
        double sq = 0;
        for (float v : w) {
            sum += v;
            sq += (double) v * v;
            if (!Double.isNaN(bound)) {
                assertTrue(Math.abs(v) <= bound, init + " sample " + v + " outside ±" + bound);
            }
        }
        double mean = sum / w.length;
        double var = sq / w.length - mean * mean;
        assertEquals(variance, var, 0.02 * variance, init.name() + " variance");
        assertEquals(0, mean, 0.02 * Math.sqrt(variance), init.name() + " mean");
    }

    @Test
    void zerosAreZeros() {
        float[] w = {1, 2, 3};
        Initializer.zeros().fill(w, 1, 2, 3, 3, new Rng(1));
        assertEquals(1f, w[0]);
        assertEquals(0f, w[1]);
        assertEquals(0f, w[2]);
    }

    @Test
    void namesParseBack() {
        for (Initializer i : new Initializer[] {Initializer.zeros(), Initializer.xavierUniform(),
            Initializer.xavierNormal(), Initializer.heUniform(), Initializer.heNormal()}) {
            assertSame(i, Initializer.parse(i.name()));
        }
        assertEquals("normal(0.03)", Initializer.parse("normal(0.03)").name());
        assertThrows(IllegalArgumentException.class, () -> Initializer.parse("lecun"));
    }

    @Test
    void rngIsReproducibleAndItsStateIsComplete() {
        Rng a = new Rng(123);
        for (int i = 0; i < 10; i++) {
            a.nextGaussian();
        }
        Rng b = new Rng(0);
        b.setState(a.state());
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextGaussian(), b.nextGaussian());
            assertEquals(a.nextInt(17), b.nextInt(17));
        }
        assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
        int[] counts = new int[5];
        Rng r = new Rng(9);
        for (int i = 0; i < 50_000; i++) {
            counts[r.nextInt(5)]++;
        }
        for (int c : counts) {
            assertEquals(10_000, c, 400);
        }
        int[] perm = {0, 1, 2, 3, 4, 5, 6, 7};
        r.shuffle(perm, perm.length);
        int sum = 0;
        for (int p : perm) {
            sum += p;
        }
        assertEquals(28, sum);
    }
}
