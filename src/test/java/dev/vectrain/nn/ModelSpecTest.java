/*
 * ModelSpec text round trip, default initializer choice (He before the ReLU family, Xavier otherwise),
 * arena layout, and the symmetry argument: zero init keeps every unit of a layer identical through training,
 * random init does not.
 */
package dev.vectrain.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.init.Initializer;
import dev.vectrain.loss.Loss;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.NonFinitePolicy;
import dev.vectrain.optim.Optimizer;
import dev.vectrain.optim.Updater;
import dev.vectrain.parallel.WorkerPool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelSpecTest {
    @Test
    void textFormRoundTripsAndDefaultsAreResolved() {
        ModelSpec spec = Model.builder(784).dense(512).relu().dense(256).tanh().dense(64).leakyRelu(0.2f)
                .batchNorm().layerNorm(1e-3f).dropout(0.5f).dense(32, Initializer.normal(0.05), false).gelu()
                .dense(10).sigmoid().spec();
        String text = spec.toString();
        assertTrue(text.startsWith("input(784) dense(512,init=he_normal,bias=true) relu "
                + "dense(256,init=xavier_uniform,bias=true) tanh dense(64,init=he_normal,bias=true)"), text);
        assertTrue(text.contains("dense(32,init=normal(0.05),bias=false) gelu dense(10,init=xavier_uniform,bias=true) sigmoid"),
                text);
        assertEquals(spec, ModelSpec.parse(text));
        assertEquals(text, ModelSpec.parse(text).toString());
        assertEquals(10, spec.outputSize());
        assertEquals("dense(4,init=xavier_uniform,bias=true)",
                ModelSpec.parse("input(3) dense(4)").layers().get(0).toString());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("input(3) conv(4)"));
    }

    @Test
    void arenaHoldsEverySliceBackToBack() {
        Model m = Model.builder(5).dense(4).batchNorm().relu().dense(3, null, false).build();
        Parameters p = m.parameters();
        assertEquals(5 * 4 + 4 + 4 + 4 + 4 * 3, p.size());
        assertEquals(8, p.stateSize());
        assertEquals(24, p.slice("1.gamma").offset());
        assertEquals(4, p.slice("1.running_var").offset());
        assertEquals(1f, p.state()[4]);
        assertEquals(1f, p.values()[24]);
        assertEquals(5, p.slice("0.weight").fanIn());
        assertEquals(4, p.slice("0.weight").fanOut());
    }

    @Test
    void zeroInitKeepsUnitsIdenticalRandomInitDoesNot() {
        assertTrue(unitsIdenticalAfterTraining(Initializer.zeros()));
        assertFalse(unitsIdenticalAfterTraining(Initializer.heNormal()));
    }

    /** Trains a 6-8-3 tanh network for 20 steps and reports whether all rows of the first weight are equal. */
    private static boolean unitsIdenticalAfterTraining(Initializer init) {
        Model m = Model.builder(6).dense(8, init).tanh().dense(3, init).seed(3).build();
        SplittableRandom rnd = new SplittableRandom(1);
        int rows = 16;
        float[] x = new float[rows * 6];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = rnd.nextInt(3);
        }
        float[] grad = new float[rows * 3];
        try (WorkerPool pool = new WorkerPool(1)) {
            Sequential net = m.newNetwork(rows, 1);
            Updater u = new Updater(Optimizer.sgd(), Clipping.none(), NonFinitePolicy.FAIL, m.parameters(), pool);
            for (int s = 0; s < 20; s++) {
                m.parameters().zeroGrads();
                float[] out = net.forward(pool, x, 0, rows);
                Loss.softmaxCrossEntropy().forwardBackward(rows, 3, out, 0, y, 0, null, 0, grad);
                net.backward(pool, grad, rows);
                u.step(0.5);
            }
        }
        float[] w = m.parameters().values();
        int off = m.parameters().slice("0.weight").offset();
        for (int unit = 1; unit < 8; unit++) {
            for (int i = 0; i < 6; i++) {
                if (w[off + unit * 6 + i] != w[off + i]) {
                    return false;
                }
            }
        }
        return true;
    }
}
