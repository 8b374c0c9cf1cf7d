/*
 * AtomicFiles: writes a whole file so that readers (and a crash) see either the old file or the complete new
 * one, never a half-written file: temp file in the same directory, FileChannel.force, atomic rename, then a
 * best-effort fsync of the directory. On any failure the temp file is removed. Content can be streamed (a
 * checkpoint is written without first building it as one byte array), and every channel write is at most
 * 64 KiB: the JDK copies a heap buffer through a temporary native buffer of the size of the write and keeps
 * it per thread, so one large write would pin megabytes of native memory (a growing checkpoint: at every epoch).
 */
package dev.vectrain.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Atomic whole-file writes. */
public final class AtomicFiles {
    /** Largest single channel write. */
    private static final int WRITE_CHUNK = 1 << 16;

    private AtomicFiles() {
    }

    /** Streams the content of a file; the stream must not be closed. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole file content to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code target} atomically (replacing an existing file). */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, ByteBuffer.wrap(bytes));
    }

    /** Writes the remaining bytes of {@code data} to {@code target} atomically (and consumes them). */
    public static void write(Path target, ByteBuffer data) throws IOException {
        write(target, out -> {
            byte[] chunk = new byte[Math.min(WRITE_CHUNK, data.remaining())];
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        });
    }

    /** Writes what {@code content} streams to {@code target} atomically. */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try {
                // createTempFile makes the file owner-only; outputs should be as readable as any other file.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(new ChunkedOutput(ch));
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** An unbuffered stream into a channel that hands it at most WRITE_CHUNK bytes per write. */
    private static final class ChunkedOutput extends OutputStream {
        private final FileChannel ch;

        ChunkedOutput(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            for (int done = 0; done < len; ) {
                ByteBuffer chunk = ByteBuffer.wrap(b, off + done, Math.min(WRITE_CHUNK, len - done));
                done += chunk.remaining();
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // Not every platform can open a directory for fsync (Windows); the rename itself is still atomic.
        }
    }
}
