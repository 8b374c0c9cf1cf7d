package dev.vectrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The happy paths of every subcommand on a small synthetic data set. */
class CliTourTest {
    @TempDir
    Path dir;

    @Test
    void trainEvalPredictOverfitLrFind() throws Exception {
        Path data = Cli.blobs(dir.resolve("train.csv"), 300, 8, 3, 5);
        Cli.blobs(dir.resolve("test.csv"), 90, 8, 3, 5);
        Path out = dir.resolve("run");
        Cli.Result t = Cli.run("train", "--data", dir.toString(), "--layers", "16", "--epochs", "3", "--threads", "1",
                "--schedule", "cosine", "--out", out.toString());
        assertEquals(0, t.code(), t.toString());
        assertTrue(t.out().contains("epoch 3/3") && t.out().contains("test accuracy"), t.out());
        for (String f : new String[] {"history.csv", "loss.png", "lr.png", "model.ckpt", "summary.json"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String summary = Files.readString(out.resolve("summary.json"));
        for (String key : new String[] {"test_accuracy", "best_val_loss", "best_epoch", "epochs_run", "samples_per_s",
                "stopped_early"}) {
            assertTrue(summary.contains("\"" + key + "\": "), key + " in " + summary);
        }
        assertTrue(Files.readString(out.resolve("history.csv"))
                .startsWith("epoch,train_loss,val_loss,val_accuracy,lr,grad_norm,seconds,samples_per_s"));
        assertEquals(4, Files.readAllLines(out.resolve("history.csv")).size());

        Cli.Result e = Cli.run("eval", "--model", out.resolve("model.ckpt").toString(), "--data", dir.resolve("test.csv").toString());
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().contains("accuracy: ") && e.out().contains("confusion matrix"), e.out());

        Path pred = dir.resolve("pred.csv");
        Cli.Result p = Cli.run("predict", "--model", out.resolve("model.ckpt").toString(), "--input",
                dir.resolve("test.csv").toString(), "--output", pred.toString());
        assertEquals(0, p.code(), p.toString());
        var lines = Files.readAllLines(pred);
        assertEquals(91, lines.size());
        assertEquals("row,label,p0,p1,p2", lines.get(0));

        Cli.Result o = Cli.run("overfit-check", "--data", data.toString(), "--layers", "32", "--threads", "1");
        assertEquals(0, o.code(), o.toString());
        assertTrue(o.out().contains("PASSED"), o.out());
        Cli.Result bad = Cli.run("overfit-check", "--data", data.toString(), "--layers", "32", "--init", "zeros",
                "--lr", "1e-9", "--steps", "20", "--threads", "1");
        assertEquals(1, bad.code(), bad.toString());
        assertTrue(bad.out().contains("FAILED"), bad.out());

        Path lr = dir.resolve("lr");
        Cli.Result l = Cli.run("lr-find", "--data", data.toString(), "--layers", "16", "--steps", "60", "--batch", "16",
                "--threads", "1", "--out", lr.toString());
        assertEquals(0, l.code(), l.toString());
        assertTrue(l.out().contains("suggested --lr"), l.out());
        assertTrue(Files.size(lr.resolve("lr_find.png")) > 0 && Files.size(lr.resolve("lr_find.csv")) > 0);

        for (String sub : new String[] {"train", "eval", "predict", "overfit-check", "lr-find"}) {
            Cli.Result h = Cli.run(sub, "--help");
            assertEquals(0, h.code(), sub);
            assertTrue(h.out().contains("Usage: vectrain " + sub), h.out());
        }
    }
}
