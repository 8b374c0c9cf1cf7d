/*
 * IdxReader: reads the IDX files of the MNIST family (MNIST, Fashion-MNIST, KMNIST ...), gzip-compressed or
 * plain (detected from the content, not the name). The pixels stream straight into their final array: bytes
 * for a Dataset (read as (b & 0xFF) / 255 when a batch is gathered), or floats scaled to [0, 1] for
 * prediction input, converted through a small buffer. Every check names the file: magic number, dimensions,
 * image count = label count, labels in range, truncation (with the byte offset where the data ran out), and a
 * heap too small for the pixels (OutOfHeapException). It does not standardize or split; see Standardizer and
 * Splits.
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
    /** Pixel value = {@code (b & 0xFF) * PIXEL_SCALE}, in [0, 1]. */
    public static final float PIXEL_SCALE = 1f / 255f;
    private static final int HEADER_BYTES = 16;
    private static final int CHUNK = 1 << 16;

    private IdxReader() {
    }

    /** Images of one IDX file: {@code count × rows × cols} pixels scaled to [0, 1], row-major per image. */
    public record Images(int count, int rows, int cols, float[] pixels) {
        /** Pixels per image. */
        public int featureCount() {
            return rows * cols;
        }
    }

    /** Images of one IDX file as stored: {@code count × rows × cols} unsigned bytes, row-major per image. */
    public record ImageBytes(int count, int rows, int cols, byte[] pixels) {
        /** Pixels per image. */
        public int featureCount() {
            return rows * cols;
        }
    }

    /**
     * Reads an image file and its label file into a classification dataset with {@code classes} classes. The
     * pixels stay bytes (one per pixel); the dataset reads them as {@code (b & 0xFF) * PIXEL_SCALE}.
     */
    public static Dataset read(Path images, Path labels, int classes) throws IOException {
        ImageBytes im = readImageBytes(images);
        int[] lab = readLabels(labels, classes);
        if (im.count() != lab.length) {
            throw new DataException(images + " has " + im.count() + " images but " + labels + " has "
                    + lab.length + " labels; they must match one to one");
        }
        return dataset(im, lab, classes);
    }

    /** A classification dataset over {@code images}' bytes (not copied) scaled by {@link #PIXEL_SCALE}. */
    public static Dataset dataset(ImageBytes images, int[] labels, int classes) {
        return Dataset.classification(images.pixels(), PIXEL_SCALE, labels, images.featureCount(), classes);
    }

    /** Reads an IDX image file (magic 0x00000803) into one byte per pixel. */
    public static ImageBytes readImageBytes(Path file) throws IOException {
        return readImageBytes(file.toString(), openFile(file), plainSize(file));
    }

    /** Reads IDX images from a stream (closed afterwards) into one byte per pixel; {@code file} names it in messages. */
    public static ImageBytes readImageBytes(String file, InputStream stream) throws IOException {
        return readImageBytes(file, stream, -1);
    }

    private static ImageBytes readImageBytes(String file, InputStream stream, long fileSize) throws IOException {
        try (Counting in = open(file, stream)) {
            Header h = header(file, in, fileSize);
            byte[] pixels;
            try {
                pixels = new byte[(int) h.pixels()];   // (count, rows, cols)
            } catch (OutOfMemoryError e) {
                throw OutOfHeapException.of(file, h.what(), h.pixels(), e);
            }
            in.readFully(pixels, 0, pixels.length, h.what(), HEADER_BYTES, h.pixels());
            return new ImageBytes(h.count(), h.rows(), h.cols(), pixels);
        }
    }

    /** Reads an IDX image file (magic 0x00000803); pixels are divided by 255. */
    public static Images readImages(Path file) throws IOException {
        return readImages(file.toString(), openFile(file), plainSize(file));
    }

    /** Reads IDX images from a stream (closed afterwards); {@code file} names it in messages. */
    public static Images readImages(String file, InputStream stream) throws IOException {
        return readImages(file, stream, -1);
    }

    private static Images readImages(String file, InputStream stream, long fileSize) throws IOException {
        try (Counting in = open(file, stream)) {
            Header h = header(file, in, fileSize);
            float[] pixels;
            try {
                pixels = new float[(int) h.pixels()];   // (count, rows, cols)
            } catch (OutOfMemoryError e) {
                throw OutOfHeapException.of(file, h.what() + " as floats", 4 * h.pixels(), e);
            }
            byte[] chunk = new byte[(int) Math.min(CHUNK, pixels.length)];
            for (int done = 0; done < pixels.length; ) {
                int n = Math.min(chunk.length, pixels.length - done);
                in.readFully(chunk, 0, n, h.what(), HEADER_BYTES, h.pixels());
                for (int i = 0; i < n; i++) {
                    pixels[done + i] = (chunk[i] & 0xFF) * PIXEL_SCALE;
                }
                done += n;
            }
            return new Images(h.count(), h.rows(), h.cols(), pixels);
        }
    }

    /** Dimensions of an image file, checked; {@code pixels()} = count · rows · cols. */
    private record Header(int count, int rows, int cols) {
        long pixels() {
            return (long) count * rows * cols;
        }

        String what() {
            return count + " images of " + rows + " × " + cols + " pixels";
        }
    }

    private static Header header(String file, Counting in, long fileSize) throws IOException {
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
        Header h = new Header(count, rows, cols);
        if (h.pixels() > Integer.MAX_VALUE - 16) {
            throw new DataException(file + ": " + count + " × " + rows + " × " + cols
                    + " pixels do not fit in one Java array");
        }
        if (!in.gzip && fileSize >= 0 && fileSize < HEADER_BYTES + h.pixels()) {
            // known before anything is allocated: a damaged header must not ask for a huge array first
            throw in.truncated(h.what(), h.pixels(), HEADER_BYTES, fileSize);
        }
        return h;
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
            int[] labels;
            try {
                labels = new int[count];
            } catch (OutOfMemoryError e) {
                throw OutOfHeapException.of(file, count + " labels", 4L * count, e);
            }
            byte[] chunk = new byte[Math.min(CHUNK, count)];
            for (int done = 0; done < count; ) {
                int n = Math.min(chunk.length, count - done);
                in.readFully(chunk, 0, n, count + " labels", 8, count);
                for (int i = 0; i < n; i++) {
                    int v = chunk[i] & 0xFF;
                    if (v >= classes) {
                        throw new DataException(file + ": label " + v + " of sample " + (done + i) + " (byte offset "
                                + (8 + done + i) + ") is outside [0, " + classes + ")");
                    }
                    labels[done + i] = v;
                }
                done += n;
            }
            return labels;
        }
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }

    /** The size of a file that may be plain IDX (used only when the content turns out not to be gzip). */
    private static long plainSize(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.size(file) : -1;
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
            byte[] b = new byte[4];
            readFully(b, 0, 4, what, offset, 4);
            return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        }

        /**
         * Fills {@code dst[off, off + n)}; {@code what}, {@code whatStart} and {@code whatBytes} describe the
         * whole item this is part of, for the truncation message.
         */
        void readFully(byte[] dst, int off, int n, String what, long whatStart, long whatBytes) throws IOException {
            int got = 0;
            try {
                while (got < n) {
                    int r = in.read(dst, off + got, n - got);
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
                throw truncated(what, whatBytes, whatStart, offset);
            }
        }

        DataException truncated(String what, long need, long start, long end) {
            return new DataException(file + ": truncated: " + what + " need " + need + " bytes from "
                    + (gzip ? "uncompressed " : "") + "byte offset " + start + ", but the file ends at offset " + end);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
