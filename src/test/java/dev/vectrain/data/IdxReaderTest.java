package dev.vectrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzipAlike() throws Exception {
        IdxFiles.writePair(dir.resolve("a-images-idx3-ubyte"), dir.resolve("a-labels-idx1-ubyte"), 5, 3, 2, 4, false);
        IdxFiles.writePair(dir.resolve("b-images-idx3-ubyte.gz"), dir.resolve("b-labels-idx1-ubyte.gz"), 5, 3, 2, 4, true);
        Dataset a = IdxReader.read(dir.resolve("a-images-idx3-ubyte"), dir.resolve("a-labels-idx1-ubyte"), 4);
        Dataset b = IdxReader.read(dir.resolve("b-images-idx3-ubyte.gz"), dir.resolve("b-labels-idx1-ubyte.gz"), 4);
        assertEquals(5, a.rows());
        assertEquals(6, a.featureCount());
        assertEquals(30, a.featureBytes());   // one byte per pixel
        float[] fa = a.toDense().features();
        assertArrayEquals(fa, b.toDense().features());
        assertArrayEquals(new int[] {0, 1, 2, 3, 0}, b.labels());
        assertEquals((37 * 1 & 0xFF) / 255f, fa[1], 0f);
        for (float v : fa) {
            assertTrue(v >= 0 && v <= 1);
        }
        // the float reader (prediction input) gives the same values
        assertArrayEquals(fa, IdxReader.readImages(dir.resolve("b-images-idx3-ubyte.gz")).pixels());
    }

    @Test
    void floatImagesStreamThroughChunksBitwiseAsBytesScaled() throws Exception {
        int n = 200;   // 200 × 28 × 28 bytes: several 64 KiB chunks and a partial one
        IdxFiles.writePair(dir.resolve("c-images-idx3-ubyte.gz"), dir.resolve("c-labels-idx1-ubyte.gz"), n, 28, 28, 10, true);
        IdxReader.ImageBytes raw = IdxReader.readImageBytes(dir.resolve("c-images-idx3-ubyte.gz"));
        float[] f = IdxReader.readImages(dir.resolve("c-images-idx3-ubyte.gz")).pixels();
        assertEquals(raw.pixels().length, f.length);
        for (int i = 0; i < f.length; i++) {
            assertEquals(Float.floatToRawIntBits((raw.pixels()[i] & 0xFF) * IdxReader.PIXEL_SCALE),
                    Float.floatToRawIntBits(f[i]), "pixel " + i);
        }
    }

    @Test
    void plainFileTooShortForItsHeaderIsTruncatedBeforeAnythingIsAllocated() throws Exception {
        // claims 2,000,000 images of 28 × 28 (1.5 GB) but holds 16 bytes of pixels: reported as truncated, the
        // pixel array is never requested (it would not fit a small heap)
        Path p = dir.resolve("huge-images-idx3-ubyte");
        Files.write(p, IdxFiles.images(IdxReader.IMAGES_MAGIC, 2_000_000, 28, 28, new byte[16]));
        String m = assertThrows(DataException.class, () -> IdxReader.readImageBytes(p)).getMessage();
        assertTrue(m.contains("truncated") && m.contains("ends at offset 32") && m.contains(p.toString()), m);
    }

    @Test
    void wrongMagicNamesFileAndMagic() throws Exception {
        Path p = dir.resolve("x");
        Files.write(p, IdxFiles.labels(IdxReader.LABELS_MAGIC, 1, new byte[] {1}));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("magic number 0x00000801"), e.getMessage());
    }

    @Test
    void truncatedImagesReportOffset() throws Exception {
        byte[] full = IdxFiles.images(IdxReader.IMAGES_MAGIC, 4, 2, 2, new byte[16]);
        for (boolean gz : new boolean[] {false, true}) {
            Path p = dir.resolve("t" + gz);
            IdxFiles.write(p, Arrays.copyOf(full, full.length - 3), gz);
            DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(p));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            assertTrue(e.getMessage().contains("offset 29"), e.getMessage());
        }
        Path h = dir.resolve("h");
        Files.write(h, Arrays.copyOf(full, 10));
        assertTrue(assertThrows(DataException.class, () -> IdxReader.readImages(h)).getMessage().contains("truncated"));
    }

    @Test
    void truncatedGzipStreamIsReported() throws Exception {
        Path p = dir.resolve("g.gz");
        IdxFiles.write(p, IdxFiles.images(IdxReader.IMAGES_MAGIC, 50, 10, 10, new byte[5000]), true);
        byte[] gz = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(gz, gz.length / 2));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void countMismatchNamesBothFiles() throws Exception {
        Path im = dir.resolve("i");
        Path lb = dir.resolve("l");
        Files.write(im, IdxFiles.images(IdxReader.IMAGES_MAGIC, 2, 1, 1, new byte[2]));
        Files.write(lb, IdxFiles.labels(IdxReader.LABELS_MAGIC, 3, new byte[3]));
        String m = assertThrows(DataException.class, () -> IdxReader.read(im, lb, 10)).getMessage();
        assertTrue(m.contains("2 images") && m.contains("3 labels") && m.contains(lb.toString()), m);
    }

    @Test
    void labelOutOfRange() throws Exception {
        Path lb = dir.resolve("l");
        Files.write(lb, IdxFiles.labels(IdxReader.LABELS_MAGIC, 3, new byte[] {1, 12, 0}));
        String m = assertThrows(DataException.class, () -> IdxReader.readLabels(lb, 10)).getMessage();
        assertTrue(m.contains("label 12 of sample 1") && m.contains("[0, 10)"), m);
    }

    @Test
    void missingAndEmpty() throws Exception {
        Path none = dir.resolve("none");
        assertTrue(assertThrows(DataException.class, () -> IdxReader.readImages(none)).getMessage().contains("not found"));
        Path empty = dir.resolve("e");
        Files.write(empty, IdxFiles.images(IdxReader.IMAGES_MAGIC, 0, 28, 28, new byte[0]));
        assertTrue(assertThrows(DataException.class, () -> IdxReader.readImages(empty)).getMessage().contains("empty"));
    }

    @Test
    void bundledSampleIsRealFashionMnist() throws Exception {
        DataSources.Loaded s = DataSources.bundledSample();
        assertTrue(s.bundled());
        assertEquals(4000, s.train().rows());
        assertEquals(1000, s.test().rows());
        assertEquals(784, s.train().featureCount());
        assertEquals(10, s.train().classes());
        int[] counts = new int[10];
        for (int l : s.train().labels()) {
            counts[l]++;
        }
        for (int c : counts) {
            assertTrue(c > 300, Arrays.toString(counts));
        }
    }
}
