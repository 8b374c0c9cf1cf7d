package dev.vectrain.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Checkpoint sample() {
        return new Checkpoint().put(Checkpoint.ARCHITECTURE, "mlp 4-3-2")
                .put(Checkpoint.PARAMETERS, new float[] {1.5f, -0f, Float.MIN_VALUE, 3})
                .put("order", new int[] {2, 0, 1}).putLong("step", 42).putDouble("best", 0.25)
                .put("history", new double[] {1, 2}).put("blob", new byte[] {9});
    }

    @Test
    void roundTripIsExact() throws Exception {
        Path p = dir.resolve("m.ckpt");
        sample().write(p);
        Checkpoint c = Checkpoint.read(p);
        assertEquals("mlp 4-3-2", c.string(Checkpoint.ARCHITECTURE));
        float[] params = c.floats(Checkpoint.PARAMETERS);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(params[1]));
        assertArrayEquals(new float[] {1.5f, -0f, Float.MIN_VALUE, 3}, params);
        assertArrayEquals(new int[] {2, 0, 1}, c.ints("order"));
        assertEquals(42, c.getLong("step"));
        assertEquals(0.25, c.getDouble("best"));
        assertArrayEquals(new byte[] {9}, c.bytes("blob"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    /** A checkpoint larger than the 64 KiB write buffer streams to the file byte for byte as toBytes() builds it. */
    @Test
    void streamedFileEqualsTheBytesAndSharingKeepsTheArrays() throws Exception {
        float[] big = new float[70_000];
        double[] hist = new double[20_001];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.37f - 11;
        }
        for (int i = 0; i < hist.length; i++) {
            hist[i] = Math.sqrt(i);
        }
        Checkpoint c = sample().put("big", big).put("hist", hist).put("name", "x".repeat(70_000))
                .put("longs", new long[] {1, -2, Long.MAX_VALUE});
        Path p = dir.resolve("big.ckpt");
        c.write(p);
        assertArrayEquals(c.toBytes(), Files.readAllBytes(p));
        assertArrayEquals(big, Checkpoint.read(p).floats("big"));

        Checkpoint shared = Checkpoint.sharing().put("big", big);
        Checkpoint copied = new Checkpoint().put("big", big);
        big[0] = 42;
        Path s = dir.resolve("s.ckpt");
        shared.write(s);
        assertEquals(42f, Checkpoint.read(s).floats("big")[0], "sharing() writes the array as it is now");
        assertEquals(-11f, copied.floats("big")[0], "put() copied the array");
    }

    @Test
    void truncationDetectedAtEveryLength() throws Exception {
        byte[] full = sample().toBytes();
        for (int n = 0; n < full.length; n += 7) {
            int len = n;
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoint.fromBytes("f.ckpt", Arrays.copyOf(full, len)));
            assertTrue(e.getMessage().startsWith("f.ckpt: "), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), len + ": " + e.getMessage());
        }
        Path p = dir.resolve("t.ckpt");
        Files.write(p, Arrays.copyOf(full, full.length - 1));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(p)).getMessage().contains(p.toString()));
    }

    @Test
    void flippedBitFailsCrc() throws Exception {
        byte[] b = sample().toBytes();
        b[b.length / 2] ^= 0x10;
        String m = assertThrows(CheckpointException.class, () -> Checkpoint.fromBytes("f", b)).getMessage();
        assertTrue(m.contains("checksum mismatch"), m);
    }

    @Test
    void newerVersionRejected() throws Exception {
        byte[] b = sample().toBytes();
        ByteBuffer.wrap(b).putInt(8, Checkpoint.FORMAT_VERSION + 1);
        String m = assertThrows(CheckpointException.class, () -> Checkpoint.fromBytes("f", b)).getMessage();
        assertTrue(m.contains("version 2") && m.contains("newer"), m);
    }

    @Test
    void notACheckpointAndMissing() throws Exception {
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.fromBytes("f", "hello world, long enough".getBytes()))
                .getMessage().contains("not a vectrain checkpoint"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(dir.resolve("no.ckpt")))
                .getMessage().contains("not found"));
    }

    @Test
    void architectureMismatchNamesBoth() throws Exception {
        Checkpoint c = sample();
        String m = assertThrows(CheckpointException.class,
                () -> c.requireArchitecture(Path.of("m.ckpt"), "mlp 4-9-2", "check --layers")).getMessage();
        assertTrue(m.contains("m.ckpt") && m.contains("mlp 4-3-2") && m.contains("mlp 4-9-2") && m.contains("--layers"), m);
    }

    @Test
    void atomicWriteReplacesWholeFile() throws Exception {
        Path p = dir.resolve("x.txt");
        AtomicFiles.writeString(p, "old content");
        AtomicFiles.writeString(p, "new");
        assertEquals("new", Files.readString(p));
    }
}
