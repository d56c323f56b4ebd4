package dev.textgen.api;

/**
 * A corpus cannot be read or cut into windows: missing or unreadable source, failed download or
 * checksum, malformed text, or a text too short or too varied for the configured windows.
 */
public class CorpusException extends TextgenException {
    private static final long serialVersionUID = 1L;

    public CorpusException(String message) {
        super(message);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
