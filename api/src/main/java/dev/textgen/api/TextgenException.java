package dev.textgen.api;

/**
 * Root of every exception textgen throws on purpose. Each subclass stands for one kind of bad input
 * or failure, and its message names the field or file, the offending value and what would be valid.
 */
public class TextgenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with {@code message} as its whole text.
     *
     * @param message what failed, naming the input and what would be valid
     */
    public TextgenException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} as its whole text, caused by {@code cause}.
     *
     * @param message what failed, naming the input and what would be valid
     * @param cause the underlying failure
     */
    public TextgenException(String message, Throwable cause) {
        super(message, cause);
    }
}
