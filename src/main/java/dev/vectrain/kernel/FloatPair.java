/*
 * FloatPair: two floats carried in one long, so that a kernel's per-row method can return two scalars without
 * allocating (a returned object or array would be allocated per row unless C2 inlines the method, and the
 * per-row methods are kept out of line on purpose). Bits are moved, not converted: NaN payloads, −0.0 and
 * infinities come back exactly. It is not a general tuple.
 */
package dev.vectrain.kernel;

/** Packs two floats into a long (high and low 32 bits) and unpacks them. */
final class FloatPair {
    private FloatPair() {
    }

    /** {@code high} in the upper 32 bits, {@code low} in the lower 32 bits. */
    static long of(float high, float low) {
        return ((long) Float.floatToRawIntBits(high) << 32) | (Float.floatToRawIntBits(low) & 0xFFFF_FFFFL);
    }

    static float high(long pair) {
        return Float.intBitsToFloat((int) (pair >>> 32));
    }

    static float low(long pair) {
        return Float.intBitsToFloat((int) pair);
    }
}
