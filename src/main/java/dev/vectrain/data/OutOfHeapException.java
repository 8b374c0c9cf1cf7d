/*
 * OutOfHeapException: the Java heap cannot hold what a reader was about to allocate (the pixels of an image
 * file, say). The message names the file, what was being read, its size and the maximum heap; the command-line
 * tool adds how to raise the heap. It replaces the OutOfMemoryError at the one allocation that failed, so the
 * rest of the program still has the heap it had before the attempt. Not for other resource limits.
 */
package dev.vectrain.data;

import java.util.Locale;

/** A data set too large for the maximum Java heap. */
public final class OutOfHeapException extends DataException {
    private static final long serialVersionUID = 1L;
    private final long bytes;

    private OutOfHeapException(String message, long bytes, Throwable cause) {
        super(message, cause);
        this.bytes = bytes;
    }

    /** "{file}: not enough Java heap for {what} ({size}; the maximum heap is {max})". */
    static OutOfHeapException of(String file, String what, long bytes, OutOfMemoryError cause) {
        return new OutOfHeapException(String.format(Locale.ROOT, "%s: not enough Java heap for %s (%s; the maximum "
                + "heap is %s)", file, what, mib(bytes), mib(Runtime.getRuntime().maxMemory())), bytes, cause);
    }

    /** Bytes the failed allocation asked for. */
    public long bytes() {
        return bytes;
    }

    /** {@code bytes} as "12.3 MiB". */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
