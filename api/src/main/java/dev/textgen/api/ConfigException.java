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

    private final String path;

    public ConfigException(String path, String message) {
        super(message);
        this.path = path;
    }

    public ConfigException(String path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** A value outside its allowed range or set: "{@code path}: {@code value} is invalid; allowed: ...". */
    public static ConfigException invalid(String path, Object value, String allowed) {
        return new ConfigException(path, path + ": " + render(value) + " is invalid; allowed: " + allowed);
    }

    /** The JSON path of the bad value, relative to the document root; empty for the document itself. */
    public Optional<String> path() {
        return Optional.ofNullable(path).filter(p -> !p.isEmpty());
    }

    private static String render(Object value) {
        return value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
    }
}
