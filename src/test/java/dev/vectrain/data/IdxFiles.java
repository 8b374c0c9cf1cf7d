/*
 * IdxFiles: writes small IDX files (plain or gzip) for tests, including deliberately broken ones.
 */
package dev.vectrain.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Test helper: builds IDX byte arrays and files. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /** Image file bytes: magic, count, rows, cols, then {@code pixels} (count·rows·cols bytes). */
    public static byte[] images(int magic, int count, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    /** Label file bytes. */
    public static byte[] labels(int magic, int count, byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(count).put(labels);
        return b.array();
    }

    /** A consistent pair of n images (rows×cols, deterministic pixels) and labels i % classes. */
    public static void writePair(Path images, Path labels, int n, int rows, int cols, int classes, boolean gzip)
            throws IOException {
        byte[] px = new byte[n * rows * cols];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) ((i * 37 + i / 7) & 0xFF);
        }
        byte[] lb = new byte[n];
        for (int i = 0; i < n; i++) {
            lb[i] = (byte) (i % classes);
        }
        write(images, images(IdxReader.IMAGES_MAGIC, n, rows, cols, px), gzip);
        write(labels, labels(IdxReader.LABELS_MAGIC, n, lb), gzip);
    }

    public static void write(Path file, byte[] data, boolean gzip) throws IOException {
        if (!gzip) {
            Files.write(file, data);
            return;
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
        }
        Files.write(file, bos.toByteArray());
    }
}
