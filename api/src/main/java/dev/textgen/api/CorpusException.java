package dev.textgen.api;

/**
 * A corpus cannot be read or cut into windows: missing or unreadable source, failed download or
 * checksum, malformed text, or a text too short or too varied for the configured windows.
 */
public class CorpusException extends TextgenException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with {@code message} as its whole text.
     *
     * @param message names the corpus, the fault and what would be valid
     */
    public CorpusException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} as its whole text, caused by {@code cause}.
     *
     * @param message names the corpus, the fault and what would be valid
     * @param cause the underlying failure, e.g. an I/O error
     */
    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
