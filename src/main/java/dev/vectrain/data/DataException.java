/*
 * DataException: a data file or data set that cannot be used, with a message meant for the person who
 * supplied it (it names the file, and the line/column/offset when there is one). Not for programming errors.
 */
package dev.vectrain.data;

import java.io.IOException;

/** A data file is missing, malformed or inconsistent; the message names the file and the problem. */
public class DataException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
