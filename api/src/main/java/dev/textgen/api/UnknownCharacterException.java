package dev.textgen.api;

/**
 * A text holds characters that are not in the model's vocabulary and the {@link UnknownChars}
 * policy is {@code error}. The message lists each character (with its code point) and its positions.
 */
public class UnknownCharacterException extends TextgenException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with {@code message} as its whole text.
     *
     * @param message lists the unknown characters and their positions
     */
    public UnknownCharacterException(String message) {
        super(message);
    }
}
