/*
 * Checkpoint: the versioned, checksummed binary file that holds a model and the state needed to continue
 * training it. The content is a list of named, typed sections (float[], int[], long[], double[], String,
 * byte[]); the names used by the CLI are constants below (architecture, standardizer, parameters, optimizer
 * state, schedule step, RNG state, data order, counters, early-stopping state, history). This class knows the
 * file format, not the trainer: callers decide what goes in.
 *
 * Layout (big-endian):
 *   0  8 bytes  magic "VECTRAIN"
 *   8  u32      format version (FORMAT_VERSION)
 *  12  u64      payload length L
 *  20  payload  u32 section count, then per section: u16 name length, UTF-8 name, u8 type, u32 element
 *               count, the elements
 *  20+L u32     CRC32 of bytes [0, 20+L)
 * Written atomically (AtomicFiles). Reading checks, in order: size, magic, version, length (truncation),
 * CRC, then the sections.
 */
package dev.vectrain.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/** A checkpoint: named typed sections, read and written as one checksummed file. */
public final class Checkpoint {
    /** The format version this build writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    static final byte[] MAGIC = "VECTRAIN".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 20;

    /** Section names used by the CLI. */
    public static final String ARCHITECTURE = "architecture";
    public static final String STANDARDIZER_MEAN = "standardizer.mean";
    public static final String STANDARDIZER_STD = "standardizer.std";
    public static final String PARAMETERS = "parameters";

    private static final byte FLOATS = 1;
    private static final byte INTS = 2;
    private static final byte LONGS = 3;
    private static final byte DOUBLES = 4;
    private static final byte STRING = 5;
    private static final byte BYTES = 6;

    private final Map<String, Object> sections = new LinkedHashMap<>();
    private final boolean copyOnPut;

    /** An empty checkpoint. */
    public Checkpoint() {
        this(true);
    }

    private Checkpoint(boolean copyOnPut) {
        this.copyOnPut = copyOnPut;
    }

    /**
     * An empty checkpoint whose put methods keep the arrays they are given instead of copying them: for
     * writing at once from live buffers (a trainer's {@code stateView()}) without allocating copies. The arrays
     * must not change until {@link #write} returns.
     */
    public static Checkpoint sharing() {
        return new Checkpoint(false);
    }

    // ---- building ----------------------------------------------------------------------------------

    public Checkpoint put(String name, float[] v) {
        return putObject(name, copyOnPut ? v.clone() : v);
    }

    public Checkpoint put(String name, int[] v) {
        return putObject(name, copyOnPut ? v.clone() : v);
    }

    public Checkpoint put(String name, long[] v) {
        return putObject(name, copyOnPut ? v.clone() : v);
    }

    public Checkpoint put(String name, double[] v) {
        return putObject(name, copyOnPut ? v.clone() : v);
    }

    public Checkpoint put(String name, String v) {
        return putObject(name, v);
    }

    public Checkpoint put(String name, byte[] v) {
        return putObject(name, copyOnPut ? v.clone() : v);
    }

    /** Stores one long as a 1-element long[] section. */
    public Checkpoint putLong(String name, long v) {
        return putObject(name, new long[] {v});
    }

    /** Stores one double as a 1-element double[] section. */
    public Checkpoint putDouble(String name, double v) {
        return putObject(name, new double[] {v});
    }

    private Checkpoint putObject(String name, Object v) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
            throw new IllegalArgumentException("bad section name '" + name + "'");
        }
        sections.put(name, java.util.Objects.requireNonNull(v, name));
        return this;
    }

    // ---- reading -----------------------------------------------------------------------------------

    /** Section names in file order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(sections.keySet());
    }

    public boolean has(String name) {
        return sections.containsKey(name);
    }

    public float[] floats(String name) {
        return get(name, float[].class).clone();
    }

    public int[] ints(String name) {
        return get(name, int[].class).clone();
    }

    public long[] longs(String name) {
        return get(name, long[].class).clone();
    }

    public double[] doubles(String name) {
        return get(name, double[].class).clone();
    }

    public String string(String name) {
        return get(name, String.class);
    }

    public byte[] bytes(String name) {
        return get(name, byte[].class).clone();
    }

    /** The single value of a 1-element long[] section. */
    public long getLong(String name) {
        long[] v = get(name, long[].class);
        if (v.length != 1) {
            throw new IllegalArgumentException("section '" + name + "' holds " + v.length + " longs, expected 1");
        }
        return v[0];
    }

    /** The single value of a 1-element double[] section. */
    public double getDouble(String name) {
        double[] v = get(name, double[].class);
        if (v.length != 1) {
            throw new IllegalArgumentException("section '" + name + "' holds " + v.length + " doubles, expected 1");
        }
        return v[0];
    }

    private <T> T get(String name, Class<T> type) {
        Object v = sections.get(name);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint has no section '" + name + "'");
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("checkpoint section '" + name + "' is a " + v.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    // ---- file format -------------------------------------------------------------------------------

    /** Serializes to the file format (header, sections, CRC). */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) fileBytes());
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Bytes of the file: header, sections, CRC. */
    private long fileBytes() {
        long size = HEADER + 4L + 4;
        for (Map.Entry<String, Object> e : sections.entrySet()) {
            size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 1 + 4 + payloadBytes(e.getValue());
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("checkpoint of " + size + " bytes is too large");
        }
        return size;
    }

    /** Streams the file format to {@code out} through a 64 KiB buffer. */
    private void writeTo(OutputStream out) throws IOException {
        long size = fileBytes();
        ChunkSink b = new ChunkSink(out);
        b.put(MAGIC).putInt(FORMAT_VERSION).putLong(size - HEADER - 4);
        b.putInt(sections.size());
        for (Map.Entry<String, Object> e : sections.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name);
            Object v = e.getValue();
            switch (v) {
                case float[] a -> b.put(FLOATS).putInt(a.length).putFloats(a);
                case int[] a -> b.put(INTS).putInt(a.length).putInts(a);
                case long[] a -> b.put(LONGS).putInt(a.length).putLongs(a);
                case double[] a -> b.put(DOUBLES).putInt(a.length).putDoubles(a);
                case String s -> {
                    byte[] u = s.getBytes(StandardCharsets.UTF_8);
                    b.put(STRING).putInt(u.length).put(u);
                }
                case byte[] a -> b.put(BYTES).putInt(a.length).put(a);
                default -> throw new IllegalStateException(v.getClass().getName());
            }
        }
        int crc = b.crc();
        b.putInt(crc);
        b.flush();
    }

    private static long payloadBytes(Object v) {
        return switch (v) {
            case float[] a -> 4L * a.length;
            case int[] a -> 4L * a.length;
            case long[] a -> 8L * a.length;
            case double[] a -> 8L * a.length;
            case String s -> s.getBytes(StandardCharsets.UTF_8).length;
            case byte[] a -> a.length;
            default -> throw new IllegalStateException(v.getClass().getName());
        };
    }

    /** Writes the checkpoint atomically: a crash leaves the previous file or the complete new one. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, this::writeTo);
    }

    /** Reads and verifies a checkpoint file. */
    public static Checkpoint read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new CheckpointException(file + ": checkpoint file not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": not a regular file");
        }
        return fromBytes(file.toString(), Files.readAllBytes(file));
    }

    /** Parses and verifies the file format; {@code file} names the source in messages. */
    public static Checkpoint fromBytes(String file, byte[] data) throws CheckpointException {
        if (data.length < MAGIC.length || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            if (data.length < MAGIC.length && Arrays.equals(data, 0, data.length, MAGIC, 0, data.length)) {
                throw new CheckpointException(file + ": truncated checkpoint: only " + data.length + " bytes");
            }
            throw new CheckpointException(file + ": not a vectrain checkpoint (no VECTRAIN magic at the start)");
        }
        if (data.length < HEADER) {
            throw new CheckpointException(file + ": truncated checkpoint: " + data.length
                    + " bytes, the header alone needs " + HEADER);
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        b.position(MAGIC.length);
        int version = b.getInt();
        if (version > FORMAT_VERSION || version < 1) {
            throw new CheckpointException(file + ": checkpoint format version " + version + " is "
                    + (version < 1 ? "invalid" : "newer than this vectrain reads (" + FORMAT_VERSION
                    + "); use a newer vectrain"));
        }
        long payload = b.getLong();
        long expected = HEADER + payload + 4;
        if (payload < 4 || data.length < expected) {
            throw new CheckpointException(file + ": truncated checkpoint: " + data.length + " bytes, expected "
                    + expected + " (was the write interrupted or the file cut?)");
        }
        if (data.length > expected) {
            throw new CheckpointException(file + ": corrupt checkpoint: " + (data.length - expected)
                    + " unexpected bytes after the checksum");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, (int) (HEADER + payload));
        int stored = ByteBuffer.wrap(data, (int) (HEADER + payload), 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new CheckpointException(String.format("%s: checkpoint checksum mismatch (stored CRC32 %08x, "
                    + "computed %08x): the file is corrupted", file, stored, (int) crc.getValue()));
        }
        Checkpoint c = new Checkpoint();
        b.limit((int) (HEADER + payload));
        try {
            int count = b.getInt();
            for (int s = 0; s < count; s++) {
                byte[] name = new byte[b.getShort() & 0xFFFF];
                b.get(name);
                byte type = b.get();
                int n = b.getInt();
                if (n < 0) {
                    throw new CheckpointException(file + ": corrupt checkpoint: negative section length");
                }
                Object v = switch (type) {
                    case FLOATS -> {
                        float[] a = new float[n];
                        b.asFloatBuffer().get(a);
                        b.position(b.position() + 4 * n);
                        yield a;
                    }
                    case INTS -> {
                        int[] a = new int[n];
                        b.asIntBuffer().get(a);
                        b.position(b.position() + 4 * n);
                        yield a;
                    }
                    case LONGS -> {
                        long[] a = new long[n];
                        b.asLongBuffer().get(a);
                        b.position(b.position() + 8 * n);
                        yield a;
                    }
                    case DOUBLES -> {
                        double[] a = new double[n];
                        b.asDoubleBuffer().get(a);
                        b.position(b.position() + 8 * n);
                        yield a;
                    }
                    case STRING -> {
                        byte[] u = new byte[n];
                        b.get(u);
                        yield new String(u, StandardCharsets.UTF_8);
                    }
                    case BYTES -> {
                        byte[] u = new byte[n];
                        b.get(u);
                        yield u;
                    }
                    default -> throw new CheckpointException(file + ": corrupt checkpoint: unknown section type " + type);
                };
                c.sections.put(new String(name, StandardCharsets.UTF_8), v);
            }
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new CheckpointException(file + ": corrupt checkpoint: a section runs past the end of the data");
        }
        if (b.hasRemaining()) {
            throw new CheckpointException(file + ": corrupt checkpoint: " + b.remaining() + " bytes after the last section");
        }
        return c;
    }

    /**
     * Checks that the checkpoint was made for {@code expected} (the architecture string the caller builds).
     *
     * @throws CheckpointException naming the file, both architectures and the hint
     */
    public void requireArchitecture(Path file, String expected, String hint) throws CheckpointException {
        String actual = has(ARCHITECTURE) ? string(ARCHITECTURE) : "(none)";
        if (!actual.equals(expected)) {
            throw new CheckpointException(file + ": the checkpoint holds a different architecture: [" + actual
                    + "], but this run asks for [" + expected + "]" + (hint == null ? "" : "; " + hint));
        }
    }
}
