package dev.textgen.api;

/**
 * A backend or sampler name is unknown, or known but not on the classpath, or failed to start
 * (for example a native library that does not load on this CPU). The message lists the available
 * names or the Maven artifact to add.
 */
public class BackendUnavailableException extends TextgenException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
