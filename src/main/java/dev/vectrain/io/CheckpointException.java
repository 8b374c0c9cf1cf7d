/*
 * CheckpointException: a checkpoint file that cannot be used (truncated, bad checksum, newer format, not a
 * checkpoint, other architecture); the message names the file and the problem.
 */
package dev.vectrain.io;

import java.io.IOException;

/** A checkpoint cannot be read or does not fit; the message names the file. */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }
}
