package dev.vectrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.io.Checkpoint;
import dev.vectrain.train.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill a training child process with SIGKILL after its first checkpoint, resume it, and check that the final
 * weights are bitwise those of an uninterrupted run.
 */
class ResumeTest {
    @TempDir
    Path dir;

    private List<String> trainArgs(Path data, Path out) {
        // Dropout and a warmup-cosine schedule make the RNG and schedule-step state matter.
        return new ArrayList<>(List.of("train", "--data", data.toString(), "--layers", "24,12", "--dropout", "0.1",
                "--schedule", "warmup-cosine", "--batch", "32", "--epochs", "5", "--patience", "0", "--seed", "11",
                "--threads", "2", "--checkpoint-every", "1", "--quiet", "--out", out.toString()));
    }

    @Test
    void killedAndResumedRunEndsWithTheSameWeights() throws Exception {
        Path data = Cli.blobs(dir.resolve("blobs.csv"), 400, 10, 4, 3);
        Path killed = dir.resolve("killed");
        List<String> cmd = new ArrayList<>(ChildJvm.command(List.of(), Main.class));
        cmd.addAll(trainArgs(data, killed));
        cmd.add("--epoch-delay-ms");
        cmd.add("1500");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        Path ckpt = killed.resolve("model.ckpt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ckpt) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(ckpt), "checkpoint appeared; child log:\n" + log(dir.resolve("child.log")));
        assertTrue(child.isAlive(), "child still training when killed");
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        long epochAtKill = Checkpoint.read(ckpt).getLong(ModelCheckpoint.EPOCH);
        assertTrue(epochAtKill >= 1 && epochAtKill < 5, "killed mid-run, after epoch " + epochAtKill);
        try (var files = Files.list(killed)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp files");
        }

        List<String> resume = trainArgs(data, killed);
        resume.add("--resume");
        resume.add(ckpt.toString());
        Cli.Result r = Cli.run(resume.toArray(new String[0]));
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err(), "same settings: no warning");

        Path straight = dir.resolve("straight");
        Cli.Result s = Cli.run(trainArgs(data, straight).toArray(new String[0]));
        assertEquals(0, s.code(), s.toString());

        Checkpoint a = Checkpoint.read(ckpt);
        Checkpoint b = Checkpoint.read(straight.resolve("model.ckpt"));
        assertEquals(5, a.getLong(ModelCheckpoint.EPOCH));
        assertBitwise(b.floats(Checkpoint.PARAMETERS), a.floats(Checkpoint.PARAMETERS));
        assertBitwise(b.floats(ModelCheckpoint.OPTIMIZER_STATE + "0"), a.floats(ModelCheckpoint.OPTIMIZER_STATE + "0"));
        assertArrayEquals(b.doubles(ModelCheckpoint.LR_STEPS), a.doubles(ModelCheckpoint.LR_STEPS));
        assertArrayEquals(b.doubles(ModelCheckpoint.HISTORY + "0"), a.doubles(ModelCheckpoint.HISTORY + "0"),
                "training loss per epoch");
    }

    private static void assertBitwise(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }

    private static String log(Path p) throws Exception {
        return Files.exists(p) ? Files.readString(p) : "(none)";
    }

}
