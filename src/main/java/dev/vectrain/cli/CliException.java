/*
 * CliException: a problem with what the user asked for (an option value, a file), reported as one line
 * without a stack trace. Exit code 2 for bad input, 1 for a run that failed its own check.
 */
package dev.vectrain.cli;

/** A user-facing error: Main prints the message alone and exits with {@link #exitCode()}. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CliException(String message) {
        this(message, Main.EXIT_BAD_INPUT);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
