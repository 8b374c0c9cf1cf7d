/*
 * OverfitCheck: the body of Trainer.overfitOneBatch — train on one small batch until the loss falls far enough
 * or the step budget runs out, then write a verdict with hints (zero learning rate, all-zero weights, non-finite
 * loss). Package-private; the trainer saves and restores its own state around it.
 */
package dev.vectrain.train;

import dev.vectrain.data.Dataset;
import dev.vectrain.nn.Parameters;

final class OverfitCheck {
    private OverfitCheck() {
    }

    static OverfitReport run(Trainer trainer, Predictor evaluator, Dataset data, int rows, int maxSteps,
                             double targetRatio, boolean zeroLearningRate) {
        Evaluation e = new Evaluation();
        int[] first = new int[rows];
        for (int i = 0; i < rows; i++) {
            first[i] = i;
        }
        Dataset batch = data.select(first);
        float[] x = new float[rows * data.featureCount()];   // (rows, features) the batch as read
        batch.copyRows(0, rows, x, 0);
        double initial = evaluator.evaluate(batch, e).loss();
        double last = initial;
        int steps = 0;
        while (steps < maxSteps && !(last <= targetRatio * initial)) {
            if (data.isClassification()) {
                trainer.step(x, 0, batch.labels(), 0, rows);
            } else {
                trainer.step(x, 0, batch.targets(), 0, rows);
            }
            steps++;
            last = evaluator.evaluate(batch, e).loss();
        }
        boolean passed = last <= targetRatio * initial;
        String base = String.format("loss on one batch went from %.6g to %.6g in %d steps", initial, last, steps);
        if (passed) {
            return new OverfitReport(true, initial, last, steps, "PASSED: " + base);
        }
        StringBuilder hints = new StringBuilder("FAILED: ").append(base).append(". Check:");
        if (zeroLearningRate) {
            hints.append(" the learning rate is 0 at step 0;");
        }
        if (allDenseWeightsZero(trainer.model().parameters())) {
            hints.append(" every dense weight is zero (zero init keeps all units identical; use He or Xavier);");
        }
        if (!Double.isFinite(last)) {
            hints.append(" the loss became non-finite (lower the learning rate or clip gradients);");
        }
        hints.append(" learning rate, initialization, loss/label mismatch, or too few steps.");
        return new OverfitReport(false, initial, last, steps, hints.toString());
    }

    private static boolean allDenseWeightsZero(Parameters params) {
        float[] v = params.values();
        for (Parameters.Slice s : params.slices()) {
            if (s.trainable() && s.name().endsWith("weight")) {
                for (int i = s.offset(); i < s.offset() + s.length(); i++) {
                    if (v[i] != 0f) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
