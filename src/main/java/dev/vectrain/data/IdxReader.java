/*
 * IdxReader: reads the IDX files of the MNIST family (MNIST, Fashion-MNIST, KMNIST ...), gzip-compressed or
 * plain (detected from the content, not the name). Images become floats scaled to [0, 1]. Every check names
 * the file: magic number, dimensions, image count = label count, labels in range, truncation (with the byte
 * offset where the data ran out). It does not standardize or split; see Standardizer and Splits.
 */
package dev.vectrain.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reader for IDX image and label files (unsigned-byte data only, which is what the MNIST family uses). */
public final class IdxReader {
    /** Magic number of an unsigned-byte, 3-dimensional IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte, 1-dimensional IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Images of one IDX file: {@code count × rows × cols} pixels scaled to [0, 1], row-major per image. */
    public record Images(int count, int rows, int cols, float[] pixels) {
        /** Pixels per image. */
        public int featureCount() {
            return rows * cols;
        }
    }

    /** Reads an image file and its label file into a classification dataset with {@code classes} classes. */
    public static Dataset read(Path images, Path labels, int classes) throws IOException {
        Images im = readImages(images);
        int[] lab = readLabels(labels, classes);
        if (im.count() != lab.length) {
            throw new DataException(images + " has " + im.count() + " images but " + labels + " has "
                    + lab.length + " labels; they must match one to one");
        }
        return Dataset.classification(im.pixels(), lab, im.featureCount(), classes);
    }

    /** Reads an IDX image file (magic 0x00000803); pixels are divided by 255. */
    public static Images readImages(Path file) throws IOException {
        return readImages(file.toString(), openFile(file));
    }

    /** Reads IDX images from a stream (closed afterwards); {@code file} names it in messages. */
    public static Images readImages(String file, InputStream stream) throws IOException {
        try (Counting in = open(file, stream)) {
            int magic = in.readInt("the magic number");
            if (magic != IMAGES_MAGIC) {
                throw new DataException(file + ": not an IDX image file: magic number " + hex(magic)
                        + ", expected " + hex(IMAGES_MAGIC) + " (unsigned bytes, 3 dimensions)"
                        + (magic == LABELS_MAGIC ? "; this looks like a label file" : ""));
            }
            int count = in.readInt("the image count");
            int rows = in.readInt("the row count");
            int cols = in.readInt("the column count");
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new DataException(file + ": bad dimensions " + count + " × " + rows + " × " + cols);
            }
            if (count == 0) {
                throw new DataException(file + ": contains no images (the data set is empty)");
            }
            long total = (long) count * rows * cols;
            if (total > Integer.MAX_VALUE - 16) {
                throw new DataException(file + ": " + count + " × " + rows + " × " + cols
                        + " pixels do not fit in one Java array");
            }
            byte[] raw = in.readBytes((int) total, count + " images of " + rows + " × " + cols + " pixels");
            float[] pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = (raw[i] & 0xFF) * (1f / 255f);
            }
            return new Images(count, rows, cols, pixels);
        }
    }

    /**
     * Reads an IDX label file (magic 0x00000801).
     *
     * @param classes every label must lie in {@code [0, classes)}
     */
    public static int[] readLabels(Path file, int classes) throws IOException {
        return readLabels(file.toString(), openFile(file), classes);
    }

    /** Reads IDX labels from a stream (closed afterwards); {@code file} names it in messages. */
    public static int[] readLabels(String file, InputStream stream, int classes) throws IOException {
        try (Counting in = open(file, stream)) {
            int magic = in.readInt("the magic number");
            if (magic != LABELS_MAGIC) {
                throw new DataException(file + ": not an IDX label file: magic number " + hex(magic)
                        + ", expected " + hex(LABELS_MAGIC) + " (unsigned bytes, 1 dimension)"
                        + (magic == IMAGES_MAGIC ? "; this looks like an image file" : ""));
            }
            int count = in.readInt("the label count");
            if (count < 0) {
                throw new DataException(file + ": bad label count " + count);
            }
            if (count == 0) {
                throw new DataException(file + ": contains no labels (the data set is empty)");
            }
            byte[] raw = in.readBytes(count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                int v = raw[i] & 0xFF;
                if (v >= classes) {
                    throw new DataException(file + ": label " + v + " of sample " + i + " (byte offset "
                            + (8 + i) + ") is outside [0, " + classes + ")");
                }
                labels[i] = v;
            }
            return labels;
        }
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }

    private static InputStream openFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new DataException(file + ": file not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": not a regular file");
        }
        return Files.newInputStream(file);
    }

    private static Counting open(String file, InputStream stream) throws IOException {
        InputStream raw = new BufferedInputStream(stream, 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        try {
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new Counting(file, in, gzip);
        } catch (IOException e) {
            raw.close();
            throw new DataException(file + ": corrupt gzip header (" + e.getMessage() + ")", e);
        }
    }

    /** An input stream that knows its (decompressed) offset so truncation can be reported precisely. */
    private static final class Counting implements AutoCloseable {
        private final String file;
        private final InputStream in;
        private final boolean gzip;
        private long offset;

        Counting(String file, InputStream in, boolean gzip) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
        }

        int readInt(String what) throws IOException {
            byte[] b = readBytes(4, what);
            return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        }

        byte[] readBytes(int n, String what) throws IOException {
            byte[] out = new byte[n];
            long start = offset;
            int got = 0;
            try {
                while (got < n) {
                    int r = in.read(out, got, n - got);
                    if (r < 0) {
                        break;
                    }
                    got += r;
                    offset += r;
                }
            } catch (EOFException | ZipException e) {
                throw new DataException(file + ": truncated or corrupt " + (gzip ? "gzip " : "") + "data while reading "
                        + what + " at " + (gzip ? "uncompressed " : "") + "byte offset " + offset
                        + " (" + e.getMessage() + ")", e);
            }
            if (got < n) {
                throw new DataException(file + ": truncated: " + what + " need " + n + " bytes from "
                        + (gzip ? "uncompressed " : "") + "byte offset " + start + ", but the file ends at offset "
                        + offset);
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
