/*
 * Ranges: static partitioning of [0, n) into contiguous parts. Pure integer arithmetic, no state.
 * The same (n, part, parts) always gives the same range, which is what makes results reproducible.
 */
package dev.vectrain.parallel;

/** Contiguous, balanced static ranges: part {@code p} of {@code parts} covers {@code [start(p), start(p+1))}. */
public final class Ranges {
    private Ranges() {
    }

    /** First index of part {@code part} when {@code [0, n)} is split into {@code parts} balanced parts. */
    public static int start(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /** One past the last index of part {@code part}. */
    public static int end(int n, int part, int parts) {
        return (int) ((long) n * (part + 1) / parts);
    }

    /**
     * Like {@link #start} but every boundary except n is a multiple of {@code align}, so parts stay
     * aligned to tiles or vector widths.
     */
    public static int alignedStart(int n, int part, int parts, int align) {
        int blocks = (n + align - 1) / align;
        return Math.min(n, start(blocks, part, parts) * align);
    }

    /** One past the last index of an aligned part; see {@link #alignedStart}. */
    public static int alignedEnd(int n, int part, int parts, int align) {
        return alignedStart(n, part + 1, parts, align);
    }
}
