package dev.textgen.api;

/**
 * Root of every exception textgen throws on purpose. Each subclass stands for one kind of bad input
 * or failure, and its message names the field or file, the offending value and what would be valid.
 */
public class TextgenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TextgenException(String message) {
        super(message);
    }

    public TextgenException(String message, Throwable cause) {
        super(message, cause);
    }
}
