package dev.textgen.api.spi;

/**
 * Registers a backend under a name, through {@code META-INF/services/dev.textgen.api.spi.BackendProvider}.
 * Finding a provider must be cheap and load nothing heavy: the backend itself (and any native library
 * it needs) is built only by {@link #create()}, on first use.
 */
public interface BackendProvider {

    /** The name used in the config's {@code model.backend}, e.g. {@code scratch}. */
    String name();

    /** One line for listings: what the backend is. */
    String description();

    /**
     * Builds the backend. Called at most once per {@link Backends} registry.
     *
     * @throws dev.textgen.api.BackendUnavailableException when it cannot start here (for example a
     *                                                     native library that does not load)
     */
    Backend create();
}
