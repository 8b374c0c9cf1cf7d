/*
 * ChunkSink: writes big-endian primitives and arrays to an OutputStream through one 64 KiB buffer, keeping a
 * CRC32 of everything written — how a checkpoint is streamed to its file without first being built as one
 * byte array of its whole size. It is not a file format (see Checkpoint) and does not close the stream.
 */
package dev.vectrain.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/** A buffered big-endian writer with a running CRC32. */
final class ChunkSink {
    private static final int SIZE = 1 << 16;
    private final OutputStream out;
    private final ByteBuffer buf;   // (SIZE) bytes not yet handed to out
    private final CRC32 crc = new CRC32();

    ChunkSink(OutputStream out) {
        this.out = out;
        this.buf = ByteBuffer.allocate(SIZE);
    }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) {
            flush();
        }
    }

    ChunkSink put(byte v) throws IOException {
        room(1);
        buf.put(v);
        return this;
    }

    ChunkSink putShort(short v) throws IOException {
        room(2);
        buf.putShort(v);
        return this;
    }

    ChunkSink putInt(int v) throws IOException {
        room(4);
        buf.putInt(v);
        return this;
    }

    ChunkSink putLong(long v) throws IOException {
        room(8);
        buf.putLong(v);
        return this;
    }

    ChunkSink put(byte[] a) throws IOException {
        for (int i = 0; i < a.length; ) {
            room(1);
            int n = Math.min(buf.remaining(), a.length - i);
            buf.put(a, i, n);
            i += n;
        }
        return this;
    }

    void putFloats(float[] a) throws IOException {
        for (int i = 0; i < a.length; ) {
            room(4);
            int n = Math.min(buf.remaining() / 4, a.length - i);
            buf.asFloatBuffer().put(a, i, n);
            buf.position(buf.position() + 4 * n);
            i += n;
        }
    }

    void putInts(int[] a) throws IOException {
        for (int i = 0; i < a.length; ) {
            room(4);
            int n = Math.min(buf.remaining() / 4, a.length - i);
            buf.asIntBuffer().put(a, i, n);
            buf.position(buf.position() + 4 * n);
            i += n;
        }
    }

    void putLongs(long[] a) throws IOException {
        for (int i = 0; i < a.length; ) {
            room(8);
            int n = Math.min(buf.remaining() / 8, a.length - i);
            buf.asLongBuffer().put(a, i, n);
            buf.position(buf.position() + 8 * n);
            i += n;
        }
    }

    void putDoubles(double[] a) throws IOException {
        for (int i = 0; i < a.length; ) {
            room(8);
            int n = Math.min(buf.remaining() / 8, a.length - i);
            buf.asDoubleBuffer().put(a, i, n);
            buf.position(buf.position() + 8 * n);
            i += n;
        }
    }

    /** Hands the buffered bytes to the stream (and the CRC). */
    void flush() throws IOException {
        crc.update(buf.array(), 0, buf.position());
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    /** CRC32 of every byte written so far (flushes first). */
    int crc() throws IOException {
        flush();
        return (int) crc.getValue();
    }
}
