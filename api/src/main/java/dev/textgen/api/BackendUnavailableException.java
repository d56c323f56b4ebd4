package dev.textgen.api;

/**
 * A backend or sampler name is unknown, or known but not on the classpath, or failed to start
 * (for example a native library that does not load on this CPU). The message lists the available
 * names or the Maven artifact to add.
 */
public class BackendUnavailableException extends TextgenException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with {@code message} as its whole text.
     *
     * @param message what is not installed or failed to start, and what to add or change
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} as its whole text, caused by {@code cause}.
     *
     * @param message what failed to start, and what to add or change
     * @param cause the failure of the backend's start, e.g. a native library that did not load
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
