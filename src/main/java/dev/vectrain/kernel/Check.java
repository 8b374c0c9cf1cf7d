/*
 * Check: argument validation for kernels, done once per call before any inner loop.
 * Every failure is an IllegalArgumentException whose message names the argument and the bad value.
 * It is not a place for numeric checks (NaN handling belongs to the kernels' documented semantics).
 */
package dev.vectrain.kernel;

/** Cheap, once-per-call argument checks whose messages name the offending argument. */
public final class Check {
    private Check() {
    }

    /** Fails unless {@code value >= 0}. */
    public static void nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, found " + value);
        }
    }

    /**
     * The length of a work array of {@code arrays} x {@code cols} floats; fails when cols is negative or the length
     * would not fit an int.
     */
    static int workLength(int cols, int arrays) {
        nonNegative("cols", cols);
        if (cols > Integer.MAX_VALUE / arrays) {
            throw new IllegalArgumentException(
                    "cols = " + cols + " is too large for a " + arrays + " x cols work array");
        }
        return arrays * cols;
    }

    /** Fails unless {@code value > 0}. */
    public static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, found " + value);
        }
    }

    /** Fails unless {@code array} is non-null and {@code [offset, offset + length)} lies inside it. */
    public static void range(String name, float[] array, int offset, int length) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        rangeOf(name, array.length, offset, length);
    }

    /** Fails unless {@code array} is non-null and {@code [offset, offset + length)} lies inside it. */
    public static void range(String name, int[] array, int offset, int length) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        rangeOf(name, array.length, offset, length);
    }

    /** Fails unless {@code array} is non-null and {@code [offset, offset + length)} lies inside it. */
    public static void range(String name, byte[] array, int offset, int length) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        rangeOf(name, array.length, offset, length);
    }

    private static void rangeOf(String name, int arrayLength, int offset, int length) {
        if (offset < 0) {
            throw new IllegalArgumentException(name + " offset must be >= 0, found " + offset);
        }
        if (length < 0) {
            throw new IllegalArgumentException(name + " length must be >= 0, found " + length);
        }
        if ((long) offset + length > arrayLength) {
            throw new IllegalArgumentException(name + ": offset " + offset + " + length " + length
                    + " = " + ((long) offset + length) + " is past the end of the array (length " + arrayLength + ")");
        }
    }

    /**
     * Checks a row-major matrix view: {@code rows x cols} starting at {@code offset} with leading
     * dimension {@code ld}; requires {@code ld >= cols} and the last element inside the array.
     */
    public static void matrix(String name, float[] array, int offset, int rows, int cols, int ld) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        // Messages are built only on failure: an eager name + " rows" would allocate on every call.
        if (rows < 0) {
            throw new IllegalArgumentException(name + " rows must be >= 0, found " + rows);
        }
        if (cols < 0) {
            throw new IllegalArgumentException(name + " cols must be >= 0, found " + cols);
        }
        if (offset < 0) {
            throw new IllegalArgumentException(name + " offset must be >= 0, found " + offset);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("ld" + name + " must be >= max(1, cols = " + cols + "), found " + ld);
        }
        if (rows == 0 || cols == 0) {
            if (offset > array.length) {
                throw new IllegalArgumentException(name + " offset " + offset + " is past the end of the array (length "
                        + array.length + ")");
            }
            return;
        }
        long end = (long) offset + (long) (rows - 1) * ld + cols;
        if (end > array.length) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " with ld " + ld + " at offset "
                    + offset + " needs " + end + " elements, array has " + array.length);
        }
    }
}
