/*
 * A Java heap too small for the data or the model: the CLI, in a child JVM with a tiny -Xmx, ends with one error
 * line that names what was being loaded or built, its size, the maximum heap and how to raise it
 * (VECTRAIN_JAVA_OPTS=-Xmx…), exit code 2, and no output directory — instead of an OutOfMemoryError trace.
 */
package dev.vectrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.data.IdxFiles;
import dev.vectrain.data.IdxReader;
import dev.vectrain.train.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapLimitTest {
    @TempDir
    Path dir;

    /** The error line of a run that must have failed with exit code 2 and written nothing. */
    private static String errorLine(ChildJvm.Result r, Path out) {
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.output());
        List<String> lines = r.output().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(1, lines.size(), "exactly one line:\n" + r.output());
        String line = lines.get(0);
        assertFalse(line.contains("Exception") || line.contains("Error:") || line.contains("\tat "), line);
        assertTrue(line.contains("VECTRAIN_JAVA_OPTS=-Xmx"), line);
        assertTrue(line.matches(".*maximum (Java )?heap is \\d+\\.\\d MiB.*"), line);
        assertFalse(Files.exists(out), "no output directory: " + line);
        return line;
    }

    @Test
    void imagesLargerThanTheHeapNameTheFileTheirSizeAndTheCure() throws Exception {
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        int n = 60_000;   // 44.9 MiB of pixels, gzip-compressed to almost nothing
        IdxFiles.write(images, IdxFiles.images(IdxReader.IMAGES_MAGIC, n, 28, 28, new byte[n * 784]), true);
        byte[] labels = new byte[n];
        IdxFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.labels(IdxReader.LABELS_MAGIC, n, labels), true);
        Path out = dir.resolve("out");
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx32m", "-XX:+UseSerialGC"), Main.class, "train", "--data",
                dir.toString(), "--epochs", "1", "--threads", "1", "--quiet", "--out", out.toString());
        String line = errorLine(r, out);
        assertTrue(line.contains(images.toString()) && line.contains("60000 images of 28 × 28 pixels")
                && line.contains("44.9 MiB"), line);
    }

    @Test
    void aModelLargerThanTheHeapNamesItsParametersAndTheCure() throws Exception {
        Path csv = Cli.blobs(dir.resolve("b.csv"), 60, 6, 3, 1);
        Path out = dir.resolve("out");
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx32m", "-XX:+UseSerialGC"), Main.class, "train", "--data",
                csv.toString(), "--layers", "4096,4096", "--epochs", "1", "--threads", "1", "--quiet", "--out",
                out.toString());
        String line = errorLine(r, out);
        assertTrue(line.contains("not enough Java heap to build the model") && line.contains("16,822,275 parameters"),
                line);
    }
}
