package dev.vectrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.data.IdxFiles;
import dev.vectrain.data.IdxReader;
import dev.vectrain.io.Checkpoint;
import dev.vectrain.kernel.Vec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input: non-zero exit, one line naming the file/option and the problem, no trace, no output. */
class CliErrorsTest {
    @TempDir
    static Path shared;
    static Path ckpt;
    static Path csv;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        csv = Cli.blobs(shared.resolve("blobs.csv"), 120, 6, 3, 1);
        Cli.Result r = Cli.run("train", "--data", csv.toString(), "--layers", "16", "--epochs", "2", "--threads", "1",
                "--out", shared.resolve("run").toString(), "--quiet");
        assertEquals(0, r.code(), r.toString());
        ckpt = shared.resolve("run/model.ckpt");
        assertTrue(Files.exists(ckpt));
    }

    /** Runs train with {@code args} into a fresh --out and checks the failure contract. */
    private Cli.Result failTrain(String expected, String... args) {
        Path out = dir.resolve("out");
        List<String> a = new ArrayList<>(List.of("train", "--threads", "1", "--epochs", "1", "--out", out.toString()));
        a.addAll(Arrays.asList(args));
        Cli.Result r = Cli.run(a.toArray(new String[0]));
        assertFailure(r, expected);
        assertFalse(Files.exists(out), "no output left behind: " + r);
        return r;
    }

    private static void assertFailure(Cli.Result r, String expected) {
        assertTrue(r.code() != 0, r.toString());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "exactly one line: " + r);
        assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace / exception names: " + err);
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.csv");
        failTrain(p + ": file not found", "--data", p.toString());
    }

    @Test
    void wrongIdxMagic() throws Exception {
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte"), IdxFiles.labels(IdxReader.LABELS_MAGIC, 1, new byte[1]), false);
        IdxFiles.write(dir.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(IdxReader.LABELS_MAGIC, 1, new byte[1]), false);
        failTrain("train-images-idx3-ubyte: not an IDX image file: magic number 0x00000801", "--data", dir.toString());
    }

    @Test
    void truncatedIdx() throws Exception {
        byte[] full = IdxFiles.images(IdxReader.IMAGES_MAGIC, 10, 2, 2, new byte[40]);
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(full, 30), true);
        IdxFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.labels(IdxReader.LABELS_MAGIC, 10, new byte[10]), true);
        failTrain("train-images-idx3-ubyte.gz: truncated", "--data", dir.toString());
    }

    @Test
    void imageCountDiffersFromLabelCount() throws Exception {
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte"), IdxFiles.images(IdxReader.IMAGES_MAGIC, 3, 2, 2, new byte[12]), false);
        IdxFiles.write(dir.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(IdxReader.LABELS_MAGIC, 4, new byte[4]), false);
        failTrain("has 3 images but", "--data", dir.toString());
    }

    @Test
    void labelOutOfRange() throws Exception {
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte"), IdxFiles.images(IdxReader.IMAGES_MAGIC, 3, 2, 2, new byte[12]), false);
        IdxFiles.write(dir.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(IdxReader.LABELS_MAGIC, 3, new byte[] {0, 7, 1}), false);
        failTrain("label 7 of sample 1 (byte offset 9) is outside [0, 3)", "--data", dir.toString(), "--classes", "3");
    }

    @Test
    void nonNumericCsv() throws Exception {
        Path p = dir.resolve("d.csv");
        Files.writeString(p, "label,a\n0,1\n1,abc\n");
        failTrain("d.csv: line 3, column 2 (a): 'abc' is not a number", "--data", p.toString());
    }

    @Test
    void raggedCsv() throws Exception {
        Path p = dir.resolve("d.csv");
        Files.writeString(p, "label,a,b\n0,1,2\n1,3\n");
        failTrain("d.csv: line 3 has 2 columns, expected 3", "--data", p.toString());
    }

    @Test
    void nanAndInfInFeatures() throws Exception {
        Path p = dir.resolve("d.csv");
        Files.writeString(p, "label,a\n0,1\n1,NaN\n");
        failTrain("not finite", "--data", p.toString());
        Files.writeString(p, "label,a\n0,Infinity\n1,2\n");
        failTrain("line 2, column 2 (a): feature value 'Infinity' is not finite", "--data", p.toString());
    }

    @Test
    void emptyDataset() throws Exception {
        Path p = dir.resolve("d.csv");
        Files.writeString(p, "label,a,b\n");
        failTrain("d.csv: has a header but no data rows (the data set is empty)", "--data", p.toString());
        Path idx = dir.resolve("e");
        Files.createDirectories(idx);
        IdxFiles.write(idx.resolve("train-images-idx3-ubyte"), IdxFiles.images(IdxReader.IMAGES_MAGIC, 0, 2, 2, new byte[0]), false);
        IdxFiles.write(idx.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(IdxReader.LABELS_MAGIC, 0, new byte[0]), false);
        failTrain("contains no images (the data set is empty)", "--data", idx.toString());
    }

    @Test
    void truncatedCheckpoint() throws Exception {
        Path bad = dir.resolve("t.ckpt");
        byte[] b = Files.readAllBytes(ckpt);
        Files.write(bad, Arrays.copyOf(b, b.length - 100));
        failTrain(bad + ": truncated checkpoint", "--data", csv.toString(), "--layers", "16", "--resume", bad.toString());
        assertFailure(Cli.run("eval", "--model", bad.toString(), "--data", csv.toString()), "truncated checkpoint");
    }

    @Test
    void badCrcCheckpoint() throws Exception {
        Path bad = dir.resolve("c.ckpt");
        byte[] b = Files.readAllBytes(ckpt);
        b[b.length / 2] ^= 1;
        Files.write(bad, b);
        failTrain(bad + ": checkpoint checksum mismatch", "--data", csv.toString(), "--layers", "16", "--resume", bad.toString());
        assertFailure(Cli.run("predict", "--model", bad.toString(), "--input", csv.toString()), "checksum mismatch");
    }

    @Test
    void newerCheckpointVersion() throws Exception {
        Path bad = dir.resolve("v.ckpt");
        byte[] b = Files.readAllBytes(ckpt);
        ByteBuffer.wrap(b).putInt(8, Checkpoint.FORMAT_VERSION + 1);
        Files.write(bad, b);
        failTrain(bad + ": checkpoint format version 2 is newer", "--data", csv.toString(), "--layers", "16",
                "--resume", bad.toString());
    }

    @Test
    void differentArchitecture() {
        failTrain(ckpt + ": the checkpoint holds a different architecture", "--data", csv.toString(), "--layers", "32",
                "--epochs", "3", "--resume", ckpt.toString());
    }

    @Test
    void resumingWithOtherSettingsWarns() throws Exception {
        Path copy = dir.resolve("copy.ckpt");
        Files.copy(ckpt, copy);
        Cli.Result r = Cli.run("train", "--data", csv.toString(), "--layers", "16", "--epochs", "3", "--threads", "1",
                "--seed", "5", "--resume", copy.toString(), "--out", dir.resolve("o").toString(), "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("warning: the run in " + copy + " used other settings") && r.err().contains("seed 5"),
                r.toString());
    }

    @Test
    void resumingWithOtherVectorWidthWarns() throws Exception {
        Path other = dir.resolve("other-width.ckpt");
        int bits = Vec.SPECIES.vectorBitSize();
        int otherBits = bits == 128 ? 256 : 128;
        Checkpoint c = Checkpoint.read(ckpt);
        assertEquals(bits, c.getLong(ModelCheckpoint.VECTOR_BITS));
        c.putLong(ModelCheckpoint.VECTOR_BITS, otherBits).write(other);
        Cli.Result r = Cli.run("train", "--data", csv.toString(), "--layers", "16", "--epochs", "3", "--threads", "1",
                "--resume", other.toString(), "--out", dir.resolve("o").toString(), "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("warning: the run in " + other + " computed with " + otherBits
                + "-bit vectors and this JVM uses " + bits + "-bit ones"), r.toString());
        assertFalse(r.err().contains("used other settings"), r.toString());
    }

    @Test
    void layersNotPositiveIntegers() {
        for (String bad : new String[] {"512,x", "0", "-3", "12,,4", "1.5"}) {
            failTrain("--layers", "--layers", bad);
            failTrain("is not a comma-separated list of positive integers", "--layers", bad);
        }
    }

    @Test
    void unknownOptimizerOrSchedule() {
        failTrain("--optimizer", "--optimizer", "adagrad");
        failTrain("unknown value 'adagrad'; expected one of sgd, momentum, nesterov, adam, adamw", "--optimizer", "adagrad");
        failTrain("unknown value 'linear'; expected one of constant, step, cosine, warmup-cosine, plateau", "--schedule", "linear");
        failTrain("--activation", "--activation", "swish");
        failTrain("Unknown option: '--bogus'", "--bogus");
    }

    @Test
    void badNumbers() {
        failTrain("--dropout must be in [0, 1)", "--data", csv.toString(), "--dropout", "1.5");
        failTrain("--val-fraction must be in [0, 1)", "--data", csv.toString(), "--val-fraction", "1");
        failTrain("--lr must be a positive number", "--data", csv.toString(), "--lr", "-1");
        failTrain("is not a positive batch size or 'full'", "--batch", "0");
    }

    @Test
    void debugPrintsTheStackTrace() {
        Cli.Result r = Cli.run("train", "--data", dir.resolve("nope.csv").toString(), "--debug", "--out",
                dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("\tat "), r.toString());
    }
}
