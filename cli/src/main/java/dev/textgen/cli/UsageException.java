package dev.textgen.cli;

/** A command line that parses but makes no sense, e.g. {@code --resume} with {@code --config}: exit code 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }

    UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
