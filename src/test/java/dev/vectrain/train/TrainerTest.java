/*
 * Trainer behaviour: batch modes on one path, validation and history, early stopping that restores the best
 * weights, overfit-one-batch verdicts, determinism over thread counts, exact resume, the non-copying state view,
 * byte-stored standardized views training like dense floats, non-finite policies, listeners, and thread-safe
 * inference.
 */
package dev.vectrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.data.Dataset;
import dev.vectrain.data.Splits;
import dev.vectrain.data.Standardizer;
import dev.vectrain.init.Initializer;
import dev.vectrain.loss.Loss;
import dev.vectrain.nn.Model;
import dev.vectrain.nn.ModelSpec;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.NonFiniteGradientException;
import dev.vectrain.optim.NonFinitePolicy;
import dev.vectrain.optim.Optimizer;
import dev.vectrain.schedule.Schedule;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final Dataset TRAIN = Synthetic.blobs(600, 20, 4, 0.8, 0.0, 1);
    private static final Dataset VAL = Synthetic.blobs(200, 20, 4, 0.8, 0.0, 2);

    private static Model mlp(long seed) {
        return Model.builder(20).dense(32).relu().dense(4).seed(seed).build();
    }

    @Test
    void miniBatchFullBatchAndPureSgdAllLearn() {
        for (int batch : new int[] {1, 32, TRAIN.rows()}) {
            Model m = mlp(3);
            double lr = batch == 1 ? 1e-3 : batch == 32 ? 3e-3 : 3e-2;
            try (Trainer t = Trainer.builder(m).optimizer(Optimizer.adam()).learningRate(lr).batchSize(batch)
                    .epochs(batch == TRAIN.rows() ? 30 : 3).threads(1).build()) {
                double before = t.evaluate(VAL).loss();
                History h = t.fit(TRAIN, VAL);
                double after = h.valLoss(h.epochs() - 1);
                assertTrue(after < 0.5 * before, "batch " + batch + ": val loss " + before + " -> " + after);
                assertTrue(h.valAccuracy(h.epochs() - 1) > 0.9, "batch " + batch + " accuracy");
                long stepsPerEpoch = (TRAIN.rows() + batch - 1) / batch;
                assertEquals(stepsPerEpoch * h.epochs(), t.globalStep());
            }
        }
    }

    @Test
    void historyRecordsEveryColumnAndWritesCsv() throws IOException {
        try (Trainer t = Trainer.builder(mlp(4)).schedule(Schedule.exponential(1e-2, 0.99)).batchSize(50).epochs(3)
                .clipping(Clipping.byGlobalNorm(1.0)).threads(1).build()) {
            History h = t.fit(TRAIN, VAL);
            assertEquals(3, h.epochs());
            for (int e = 0; e < 3; e++) {
                assertTrue(h.trainLoss(e) > 0 && h.valLoss(e) > 0 && h.gradNorm(e) > 0 && h.seconds(e) > 0
                        && h.samplesPerSecond(e) > 0);
                assertEquals(1e-2 * Math.pow(0.99, 12 * (e + 1) - 1), h.learningRate(e), 1e-12);
            }
            StringBuilder csv = new StringBuilder();
            h.writeCsv(csv);
            String[] lines = csv.toString().split("\n");
            assertEquals(4, lines.length);
            assertEquals("epoch,train_loss,val_loss,val_accuracy,learning_rate,grad_norm,seconds,samples_per_second,"
                    + "skipped_steps", lines[0]);
            assertTrue(lines[1].startsWith("1,"));
            assertEquals(9, lines[3].split(",").length);
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() {
        Dataset small = Synthetic.blobs(40, 20, 4, 1.6, 0.3, 5);
        Dataset val = Synthetic.blobs(400, 20, 4, 1.6, 0.0, 6);
        Model m = Model.builder(20).dense(256).relu().dense(256).relu().dense(4).seed(8).build();
        int patience = 3;
        try (Trainer t = Trainer.builder(m).learningRate(3e-3).batchSize(10).epochs(200).earlyStopping(patience, 0.0)
                .threads(1).build()) {
            History h = t.fit(small, val);
            int best = 0;
            for (int e = 1; e < h.epochs(); e++) {
                if (h.valLoss(e) < h.valLoss(best)) {
                    best = e;
                }
            }
            assertTrue(h.epochs() < 200, "stopped early");
            assertEquals(best + patience + 1, h.epochs(), "stopped exactly `patience` epochs after the best");
            assertTrue(h.valLoss(h.epochs() - 1) > h.valLoss(best), "val loss rose");
            assertTrue(h.trainLoss(h.epochs() - 1) < h.trainLoss(best), "train loss still fell (overfitting)");
            assertEquals(h.valLoss(best), t.evaluate(val).loss(), 0.0, "restored weights give the best val loss");
        }
    }

    @Test
    void reduceOnPlateauHalvesTheRateWhenValidationStalls() {
        Dataset small = Synthetic.blobs(40, 20, 4, 1.6, 0.3, 5);
        Dataset val = Synthetic.blobs(400, 20, 4, 1.6, 0.0, 6);
        Model m = Model.builder(20).dense(128).relu().dense(4).seed(8).build();
        try (Trainer t = Trainer.builder(m).learningRate(4e-3).batchSize(10).epochs(25)
                .reduceOnPlateau(0.5, 1, 0.0, 0.01).threads(1).build()) {
            History h = t.fit(small, val);
            double lr = 4e-3;
            int reductions = 0;
            for (int e = 0; e < h.epochs(); e++) {
                double r = h.learningRate(e);
                double halved = Math.max(lr / 2, 4e-3 * 0.01);     // never below minScale × lr0
                assertTrue(r == lr || Math.abs(r - halved) < 1e-12, "epoch " + e + ": lr " + r + " after " + lr);
                reductions += r < lr ? 1 : 0;
                lr = r;
            }
            assertTrue(reductions >= 2, "the rate was halved " + reductions + " times");
        }
    }

    @Test
    void overfitOneBatchPassesOnAHealthyModelAndExplainsFailures() {
        try (Trainer t = Trainer.builder(mlp(9)).learningRate(1e-2).batchSize(16).threads(1).build()) {
            float[] before = t.model().parameters().values().clone();
            OverfitReport r = t.overfitOneBatch(TRAIN, 16, 300, 0.05);
            assertTrue(r.passed(), r.message());
            assertTrue(r.finalLoss() <= 0.05 * r.initialLoss());
            assertTrue(r.message().startsWith("PASSED"));
            assertArrayEquals(before, t.model().parameters().values(), "the check leaves the model as it was");
            assertEquals(0, t.globalStep());
        }
        try (Trainer t = Trainer.builder(mlp(9)).learningRate(0.0).batchSize(16).threads(1).build()) {
            OverfitReport r = t.overfitOneBatch(TRAIN, 16, 100, 0.05);
            assertFalse(r.passed());
            assertEquals(100, r.steps());
            assertEquals(r.initialLoss(), r.finalLoss(), 1e-6 * r.initialLoss());
            assertTrue(r.message().contains("learning rate is 0"), r.message());
        }
        Model zero = Model.builder(20).dense(32, Initializer.zeros()).relu().dense(4, Initializer.zeros()).build();
        try (Trainer t = Trainer.builder(zero).learningRate(1e-2).batchSize(16).threads(1).build()) {
            OverfitReport r = t.overfitOneBatch(TRAIN, 16, 300, 0.05);
            assertFalse(r.passed(), r.message());
            assertTrue(r.message().contains("zero"), r.message());
        }
    }

    /** Runs cold and warm alike: the kernels use IEEE-exact lane operations only, so JIT tiers agree bitwise. */
    @Test
    void sameSeedGivesBitwiseIdenticalWeightsForAnyThreadCount() {
        Dataset train = Synthetic.blobs(300, 64, 10, 1.0, 0.05, 11);
        float[] reference = null;
        for (int threads : new int[] {1, 2, 4}) {
            Model m = Model.builder(64).dense(256).batchNorm().relu().dropout(0.1f).dense(128).relu().dense(10)
                    .seed(5).build();
            try (Trainer t = Trainer.builder(m).optimizer(Optimizer.adamW(0.01)).learningRate(1e-3)
                    .clipping(Clipping.byGlobalNorm(1.0)).batchSize(64).epochs(1).seed(77).threads(threads).build()) {
                t.fit(train, null);
            }
            float[] w = m.parameters().values();
            if (reference == null) {
                reference = w.clone();
            } else {
                assertArrayEquals(reference, w, threads + " threads");
            }
        }
    }

    @Test
    void resumedRunEndsBitwiseIdenticalToAnUninterruptedOne() {
        Dataset train = Synthetic.blobs(200, 20, 4, 1.2, 0.1, 12);
        Dataset val = Synthetic.blobs(100, 20, 4, 1.2, 0.0, 13);
        Model whole = resumable(21);
        float[] uninterrupted;
        History full;
        try (Trainer t = resumableTrainer(whole)) {
            full = t.fit(train, val);
            uninterrupted = whole.parameters().values().clone();
        }
        TrainerState[] saved = new TrainerState[1];
        Model first = resumable(21);
        try (Trainer t = Trainer.builder(first).optimizer(Optimizer.adam()).schedule(Schedule.cosine(3e-3, 60))
                .clipping(Clipping.byGlobalNorm(0.5)).batchSize(32).epochs(6).seed(4).earlyStopping(10, 0)
                .reduceOnPlateau(0.5, 1, 0, 0.1).threads(2)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(Trainer trainer, int epoch) {
                        if (epoch == 2) {
                            saved[0] = trainer.exportState();
                            trainer.requestStop();
                        }
                    }
                }).build()) {
            t.fit(train, val);
        }
        TrainerState s = saved[0];
        assertEquals(3, s.epoch());
        Model restored = Model.restore(ModelSpec.parse(s.modelSpec()), s.values(), s.modelState());
        try (Trainer t = resumableTrainer(restored)) {
            t.restore(s);
            History h = t.fit(train, val);
            assertEquals(full.epochs(), h.epochs());
            for (int e = 0; e < h.epochs(); e++) {
                assertEquals(full.valLoss(e), h.valLoss(e), 0.0, "val loss of epoch " + e);
            }
        }
        assertArrayEquals(uninterrupted, restored.parameters().values());
    }

    @Test
    void restoreRefusesAStateOfAnotherModelOrOptimizer() {
        TrainerState s;
        try (Trainer t = Trainer.builder(mlp(1)).optimizer(Optimizer.adam()).threads(1).build()) {
            s = t.exportState();
        }
        try (Trainer t = Trainer.builder(mlp(1)).optimizer(Optimizer.sgd()).threads(1).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.restore(s));
            assertTrue(e.getMessage().contains("adam"), e.getMessage());
        }
        Model other = Model.builder(20).dense(16).relu().dense(4).build();
        try (Trainer t = Trainer.builder(other).optimizer(Optimizer.adam()).threads(1).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.restore(s));
            assertTrue(e.getMessage().contains("dense(32"), e.getMessage());
        }
    }

    @Test
    void stateViewSharesTheLiveArraysAndHoldsWhatExportStateCopies() {
        Model m = mlp(3);
        try (Trainer t = Trainer.builder(m).optimizer(Optimizer.adam()).batchSize(32).epochs(1).earlyStopping(3, 0)
                .threads(1).build()) {
            t.fit(TRAIN, VAL);
            TrainerState view = t.stateView();
            TrainerState copy = t.exportState();
            assertSame(m.parameters().values(), view.values());
            assertNotSame(view.values(), copy.values());
            assertArrayEquals(copy.values(), view.values());
            assertEquals(2, view.optimizerState().length);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(copy.optimizerState()[i], view.optimizerState()[i]);
                assertNotSame(copy.optimizerState()[i], view.optimizerState()[i]);
            }
            assertArrayEquals(copy.permutation(), view.permutation());
            assertArrayEquals(copy.bestValues(), view.bestValues());
            assertEquals(copy.epoch(), view.epoch());
            t.step(TRAIN.features(), 0, TRAIN.labels(), 0, 32);
            assertFalse(Arrays.equals(copy.values(), view.values()), "the view follows the live weights");
        }
    }

    /** Training and evaluating on byte-stored, split, standardized views is bitwise training on dense float copies. */
    @Test
    void byteStoredStandardizedViewsTrainBitwiseLikeTheirDenseCopies() {
        SplittableRandom rnd = new SplittableRandom(8);
        int rows = 400;
        int features = 49;
        byte[] px = new byte[rows * features];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = rnd.nextInt(3);
            for (int f = 0; f < features; f++) {
                px[r * features + f] = (byte) Math.min(255, Math.max(0, 60 * labels[r] + f + rnd.nextInt(60)));
            }
        }
        Dataset all = Dataset.classification(px, 1f / 255f, labels, features, 3);
        Splits.Split split = Splits.trainValidation(all, 0.25, 3);
        Standardizer st = Standardizer.fit(split.train());
        Dataset train = split.train().standardized(st);
        Dataset val = split.validation().standardized(st);
        float[][] weights = new float[2][];
        double[] valLoss = new double[2];
        int[][] predicted = new int[2][val.rows()];
        for (int run = 0; run < 2; run++) {
            Dataset tr = run == 0 ? train : train.toDense();
            Dataset va = run == 0 ? val : val.toDense();
            Model m = Model.builder(features).dense(16).relu().dense(3).seed(9).build();
            try (Trainer t = Trainer.builder(m).optimizer(Optimizer.adam()).learningRate(1e-2).batchSize(30).epochs(2)
                    .seed(5).threads(1).build()) {
                History h = t.fit(tr, va);
                valLoss[run] = h.valLoss(1);
                try (Predictor p = t.newPredictor(64)) {
                    if (run == 0) {
                        p.predictClasses(va, predicted[run], 0);
                    } else {
                        p.predictClasses(va.features(), 0, va.rows(), predicted[run], 0);
                    }
                }
            }
            weights[run] = m.parameters().values();
        }
        assertArrayEquals(weights[1], weights[0]);
        assertEquals(valLoss[1], valLoss[0], 0.0);
        assertArrayEquals(predicted[1], predicted[0]);
    }

    private static Model resumable(long seed) {
        return Model.builder(20).dense(48).batchNorm().relu().dropout(0.2f).dense(4).seed(seed).build();
    }

    private static Trainer resumableTrainer(Model m) {
        return Trainer.builder(m).optimizer(Optimizer.adam()).schedule(Schedule.cosine(3e-3, 60))
                .clipping(Clipping.byGlobalNorm(0.5)).batchSize(32).epochs(6).seed(4).earlyStopping(10, 0)
                .reduceOnPlateau(0.5, 1, 0, 0.1).threads(2).build();
    }

    @Test
    void nonFiniteGradientFailsNamingTheStepOrIsSkippedAndCounted() {
        Dataset bad = Synthetic.blobs(64, 20, 4, 1.0, 0.0, 14);
        bad.features()[5 * 20 + 3] = Float.NaN;   // row 5, in the second batch of 4 rows
        Model m = mlp(15);
        try (Trainer t = Trainer.builder(m).batchSize(4).shuffle(false).threads(1).build()) {
            t.step(bad.features(), 0, bad.labels(), 0, 4);
            float[] before = m.parameters().values().clone();
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                    () -> t.step(bad.features(), 4 * 20, bad.labels(), 4, 4));
            assertEquals(1, e.step());
            assertTrue(e.getMessage().contains("step 1"));
            assertArrayEquals(before, m.parameters().values());
        }
        try (Trainer t = Trainer.builder(mlp(15)).batchSize(4).epochs(1).shuffle(false)
                .nonFinitePolicy(NonFinitePolicy.SKIP).threads(1).build()) {
            History h = t.fit(bad, null);
            assertEquals(1, t.skippedSteps());
            assertEquals(1.0, h.get(History.Column.SKIPPED_STEPS, 0));
            assertTrue(Double.isFinite(h.trainLoss(0)));
            for (float v : t.model().parameters().values()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void listenersSeeEveryStepAndEpoch() {
        AtomicInteger steps = new AtomicInteger();
        AtomicInteger epochs = new AtomicInteger();
        try (Trainer t = Trainer.builder(mlp(16)).batchSize(100).epochs(2).threads(1)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(Trainer trainer, long step, int epoch, double loss, double lr, double norm) {
                        assertEquals(steps.getAndIncrement(), step);
                        assertEquals(step / 6, epoch);
                    }

                    @Override
                    public void onEpochEnd(Trainer trainer, int epoch) {
                        assertEquals(epochs.getAndIncrement(), epoch);
                        assertEquals(epoch + 1, trainer.history().epochs());
                    }
                }).build()) {
            t.fit(TRAIN, VAL);
        }
        assertEquals(12, steps.get());
        assertEquals(2, epochs.get());
    }

    @Test
    void regressionWithMse() {
        Dataset d = Synthetic.linear(256, 8, 2, 17);
        Model m = Model.builder(8).dense(16).tanh().dense(2).build();
        try (Trainer t = Trainer.builder(m).loss(Loss.mse()).learningRate(1e-2).batchSize(32).epochs(20).threads(1)
                .build()) {
            double before = t.evaluate(d).loss();
            t.fit(d, d);
            Evaluation e = t.evaluate(d);
            assertTrue(e.loss() < 0.1 * before, before + " -> " + e.loss());
            assertTrue(Double.isNaN(e.accuracy()));
        }
    }

    @Test
    void binaryClassificationWithBceCountsAccuracyBySign() {
        Dataset lin = Synthetic.linear(400, 6, 1, 19);
        float[] targets = new float[lin.rows()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = lin.targets()[i] > 0 ? 1f : 0f;
        }
        Dataset d = Dataset.regression(lin.features(), targets, 6, 1);
        Model m = Model.builder(6).dense(16).relu().dense(1).build();
        try (Trainer t = Trainer.builder(m).loss(Loss.bceWithLogits()).learningRate(1e-2).batchSize(32).epochs(15)
                .threads(1).build()) {
            t.fit(d);
            Evaluation e = t.evaluate(d);
            assertTrue(e.accuracy() > 0.95, e.toString());
            assertTrue(e.loss() < 0.2, e.toString());
        }
    }

    @Test
    void concurrentPredictorsAgreeWithTheSerialOne() throws Exception {
        Model m = mlp(18);
        try (Trainer t = Trainer.builder(m).batchSize(32).epochs(1).threads(2).build()) {
            t.fit(TRAIN, null);
            Evaluation serial = t.evaluate(VAL);
            float[] expected = new float[VAL.rows() * 4];
            try (Predictor p = t.newPredictor(64)) {
                p.predict(VAL.features(), 0, VAL.rows(), expected, 0);
            }
            SharedPredictor shared = new SharedPredictor(m, Loss.softmaxCrossEntropy(), 64);
            ExecutorService ex = Executors.newFixedThreadPool(4);
            try {
                Future<?>[] fs = new Future<?>[8];
                for (int i = 0; i < fs.length; i++) {
                    fs[i] = ex.submit(() -> {
                        float[] out = new float[VAL.rows() * 4];
                        for (int rep = 0; rep < 5; rep++) {
                            shared.predict(VAL.features(), 0, VAL.rows(), out, 0);
                            assertArrayEquals(expected, out);
                            Evaluation e = shared.evaluate(VAL, new Evaluation());
                            assertEquals(serial.accuracy(), e.accuracy());
                            assertEquals(serial.loss(), e.loss(), 1e-6);
                        }
                        return null;
                    });
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                ex.shutdown();
            }
        }
    }
}
