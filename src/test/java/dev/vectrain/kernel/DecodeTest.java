/*
 * Decode against its scalar twin, bit for bit, over every tail size, offsets, all 256 byte values and both the
 * interpreted/C1 and the C2-compiled vector code; plus its argument checks.
 */
package dev.vectrain.kernel;

import static dev.vectrain.kernel.KernelTesting.SIZES;
import static dev.vectrain.kernel.KernelTesting.assertBitwise;
import static dev.vectrain.kernel.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectrain.reference.ReferenceDecode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecodeTest {
    private static final float SCALE = 1f / 255f;

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    @Test
    void agreesBitwiseOverEveryTail() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int n : SIZES) {
            check(rnd, n, 3, 5);
            check(rnd, n, 0, 0);
        }
    }

    @Test
    void everyByteValueDecodesToItsScaledFloat() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        float[] got = new float[256];
        float[] want = new float[256];
        Decode.uint8(256, all, 0, SCALE, got, 0);
        for (int i = 0; i < 256; i++) {
            want[i] = i * SCALE;
        }
        assertBitwise("all byte values", want, got);
    }

    @Test
    void compiledCodeAgreesBitwise() {
        SplittableRandom rnd = new SplittableRandom(32);
        int n = 784;
        byte[] src = bytes(rnd, n + 9);
        float[] f = random(rnd, n + 9, -3, 3);
        float[] mean = random(rnd, n, 0, 1);
        float[] invStd = random(rnd, n, 0.5f, 20);
        float[] a = new float[n];
        float[] b = new float[n];
        float[] c = new float[n];
        for (int i = 0; i < 20_000; i++) {
            Decode.uint8(n, src, 9, SCALE, a, 0);
            Decode.uint8Standardized(n, src, 9, SCALE, mean, invStd, b, 0);
            Decode.standardized(n, f, 9, mean, invStd, c, 0);
        }
        float[] ra = new float[n];
        float[] rb = new float[n];
        float[] rc = new float[n];
        ReferenceDecode.uint8(n, src, 9, SCALE, ra, 0);
        ReferenceDecode.uint8Standardized(n, src, 9, SCALE, mean, invStd, rb, 0);
        ReferenceDecode.standardized(n, f, 9, mean, invStd, rc, 0);
        assertBitwise("uint8 (C2)", ra, a);
        assertBitwise("uint8Standardized (C2)", rb, b);
        assertBitwise("standardized (C2)", rc, c);
    }

    private static void check(SplittableRandom rnd, int n, int srcOff, int dstOff) {
        byte[] src = bytes(rnd, n + srcOff + 2);
        float[] f = random(rnd, n + srcOff + 2, -100, 100);
        float[] mean = random(rnd, n, 0, 1);
        float[] invStd = random(rnd, n, 0.5f, 20);
        float[] init = random(rnd, n + dstOff + 3, -1, 1);
        float[] got = init.clone();
        float[] want = init.clone();
        Decode.uint8(n, src, srcOff, SCALE, got, dstOff);
        ReferenceDecode.uint8(n, src, srcOff, SCALE, want, dstOff);
        assertBitwise("uint8 n=" + n, want, got);
        got = init.clone();
        want = init.clone();
        Decode.uint8Standardized(n, src, srcOff, SCALE, mean, invStd, got, dstOff);
        ReferenceDecode.uint8Standardized(n, src, srcOff, SCALE, mean, invStd, want, dstOff);
        assertBitwise("uint8Standardized n=" + n, want, got);
        got = init.clone();
        want = init.clone();
        Decode.standardized(n, f, srcOff, mean, invStd, got, dstOff);
        ReferenceDecode.standardized(n, f, srcOff, mean, invStd, want, dstOff);
        assertBitwise("standardized n=" + n, want, got);
    }

    @Test
    void rejectsBadRanges() {
        float[] dst = new float[8];
        assertThrows(IllegalArgumentException.class, () -> Decode.uint8(9, new byte[9], 0, SCALE, dst, 0));
        assertThrows(IllegalArgumentException.class, () -> Decode.uint8(4, new byte[4], 1, SCALE, dst, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Decode.uint8Standardized(4, new byte[4], 0, SCALE, new float[3], new float[4], dst, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Decode.standardized(-1, new float[4], 0, new float[4], new float[4], dst, 0));
    }
}
