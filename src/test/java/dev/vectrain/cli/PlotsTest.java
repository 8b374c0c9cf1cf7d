package dev.vectrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    Path dir;

    @Test
    void writesPngs() throws Exception {
        Path out = System.getenv("VECTRAIN_PLOT_DIR") != null ? Path.of(System.getenv("VECTRAIN_PLOT_DIR")) : dir;
        double[] ep = {1, 2, 3, 4, 5, 6, 7, 8};
        double[] e40 = new double[40];
        for (int i = 0; i < 40; i++) {
            e40[i] = i + 1;
        }
        Plots.loss(out.resolve("loss40.png"), e40, range(40), null, 0, false);
        double[] tr = {0.9, 0.6, 0.5, 0.44, 0.4, 0.37, 0.35, 0.33};
        double[] va = {0.7, 0.55, 0.48, 0.45, 0.43, 0.44, 0.45, 0.47};
        Plots.loss(out.resolve("loss.png"), ep, tr, va, 5, true);
        double[] steps = new double[400];
        double[] lr = new double[400];
        for (int i = 0; i < 400; i++) {
            steps[i] = i + 1;
            lr[i] = System.getenv("VECTRAIN_PLOT_CONST") != null ? 1e-3 : i < 40 ? 1e-3 * (i + 1) / 40 : 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + Math.cos(Math.PI * (i - 40) / 360));
        }
        Plots.learningRate(out.resolve("lr.png"), steps, lr);
        double[] lrs = new double[100];
        double[] loss = new double[100];
        for (int i = 0; i < 100; i++) {
            lrs[i] = 1e-6 * Math.pow(1e7, i / 99.0);
            loss[i] = 2.3 - 1.8 / (1 + Math.exp(-(i - 40) / 6.0)) + (i > 80 ? (i - 80) * 0.3 : 0) + 0.05 * Math.sin(i);
        }
        Plots.lrFind(out.resolve("lr_find.png"), lrs, loss, loss, 3e-3);
        for (String f : new String[] {"loss.png", "lr.png", "lr_find.png"}) {
            byte[] b = Files.readAllBytes(out.resolve(f));
            assertArrayEquals(PNG, Arrays.copyOf(b, 4), f);
            assertTrue(b.length > 5000, f + " " + b.length);
        }
    }

    private static double[] range(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = i + 1 + (i % 3) * 0.1;
        }
        return r;
    }
}
