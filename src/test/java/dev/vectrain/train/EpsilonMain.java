/*
 * EpsilonMain: a tiny training run for a child JVM started with the Epsilon (no-op) garbage collector: build
 * a model, run training steps and evaluations, print the loss. Exits 0 when the run finished with a finite,
 * lower loss. Used by EpsilonGcTest; not a benchmark.
 */
package dev.vectrain.train;

import dev.vectrain.data.Dataset;
import dev.vectrain.nn.Model;
import dev.vectrain.optim.Clipping;

final class EpsilonMain {
    private EpsilonMain() {
    }

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        Dataset data = Synthetic.blobs(256, 32, 4, 1.0, 0.0, 1);
        Model m = Model.builder(32).dense(64).relu().dense(4).build();
        try (Trainer t = Trainer.builder(m).learningRate(1e-2).clipping(Clipping.byGlobalNorm(1.0)).batchSize(64)
                .threads(2).build()) {
            Evaluation e = new Evaluation();
            double before = t.evaluate(data, e).loss();
            for (int s = 0; s < steps; s++) {
                int off = (s % 4) * 64;
                t.step(data.features(), off * 32, data.labels(), off, 64);
            }
            double after = t.evaluate(data, e).loss();
            System.out.println("loss " + before + " -> " + after + " after " + steps + " steps");
            System.exit(Double.isFinite(after) && after < before ? 0 : 1);
        }
    }
}
