/*
 * The README's training example, compiled and run on small synthetic data so that it cannot rot:
 * build a model, optimizer, schedule, clipping, fit with validation and early stopping, evaluate, predict.
 */
package dev.vectrain.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.data.Dataset;
import dev.vectrain.loss.Loss;
import dev.vectrain.nn.Model;
import dev.vectrain.optim.Clipping;
import dev.vectrain.optim.Optimizer;
import dev.vectrain.schedule.Schedule;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeExampleRuns() {
        Dataset train = Synthetic.blobs(1000, 20, 4, 1.0, 0.05, 1);
        Dataset validation = Synthetic.blobs(200, 20, 4, 1.0, 0.0, 2);
        Dataset test = Synthetic.blobs(200, 20, 4, 1.0, 0.0, 3);
        int epochs = 8;
        int batch = 64;
        long stepsPerEpoch = (train.rows() + batch - 1) / batch;

        // --- README example starts here ---
        Model model = Model.builder(train.featureCount())    // 20 features in
                .dense(64).relu()                              // He init chosen for ReLU
                .dense(64).relu()
                .dense(train.classes())                        // logits
                .seed(42)
                .build();

        try (Trainer trainer = Trainer.builder(model)
                .loss(Loss.softmaxCrossEntropy())
                .optimizer(Optimizer.adamW(1e-4))
                .schedule(Schedule.warmupCosine(3e-3, stepsPerEpoch, epochs * stepsPerEpoch, 1e-5))
                .clipping(Clipping.byGlobalNorm(1.0))
                .batchSize(batch)
                .epochs(epochs)
                .earlyStopping(3, 1e-4)                        // restores the best weights at the end
                .seed(7)
                .threads(2)
                .build()) {
            OverfitReport sanity = trainer.overfitOneBatch(train, batch, 200, 0.05);
            System.out.println(sanity.message());

            History history = trainer.fit(train, validation);
            history.writeCsv(dir.resolve("history.csv"));

            Evaluation result = trainer.evaluate(test);
            System.out.printf("test loss %.4f, accuracy %.3f%n", result.loss(), result.accuracy());

            try (Predictor predictor = trainer.newPredictor(256)) {   // one per thread; allocation-free
                int[] classes = new int[test.rows()];
                predictor.predictClasses(test.features(), 0, test.rows(), classes, 0);
            }
            // --- README example ends here ---
            assertTrue(sanity.passed(), sanity.message());
            assertTrue(result.accuracy() > 0.9, result.toString());
            assertTrue(Files.exists(dir.resolve("history.csv")));
        }
    }
}
