package dev.textgen.api;

import java.util.Optional;

/**
 * A configuration value is missing, malformed, out of range or unknown. The message holds the JSON
 * path (for example {@code training.optimizer.learningRate}), the source location when the value
 * came from a file ({@code file:line:column}), the bad value, what is allowed and, for a misspelt
 * field or name, a "did you mean" suggestion.
 */
public class ConfigException extends TextgenException {
    private static final long serialVersionUID = 1L;

    /** The JSON path of the bad value, as {@link #path()} gives it; empty or null for the document itself. */
    private final String path;

    /**
     * An exception about the value at {@code path}.
     *
     * @param path the JSON path of the bad value, e.g. {@code training.epochs}; empty for the whole document
     * @param message the whole message: path, location, value, what is allowed
     */
    public ConfigException(String path, String message) {
        super(message);
        this.path = path;
    }

    /**
     * An exception about the value at {@code path}, caused by {@code cause}.
     *
     * @param path the JSON path of the bad value, e.g. {@code training.epochs}; empty for the whole document
     * @param message the whole message: path, location, value, what is allowed
     * @param cause the underlying failure, e.g. the JSON parser's
     */
    public ConfigException(String path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /**
     * A value outside its allowed range or set: "{@code path}: {@code value} is invalid; allowed: ...".
     *
     * @param path the JSON path of the bad value, e.g. {@code training.epochs}
     * @param value the bad value; a string is quoted in the message
     * @param allowed what would be valid, e.g. {@code "an integer >= 1"}
     * @return the exception, for the caller to throw
     */
    public static ConfigException invalid(String path, Object value, String allowed) {
        return new ConfigException(path, path + ": " + render(value) + " is invalid; allowed: " + allowed);
    }

    /**
     * The JSON path of the bad value, relative to the document root; empty for the document itself.
     *
     * @return the path, or empty
     */
    public Optional<String> path() {
        return Optional.ofNullable(path).filter(p -> !p.isEmpty());
    }

    private static String render(Object value) {
        return value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
    }
}
