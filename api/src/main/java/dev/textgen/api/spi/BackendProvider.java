package dev.textgen.api.spi;

/**
 * Registers a backend under a name, through {@code META-INF/services/dev.textgen.api.spi.BackendProvider}.
 * Finding a provider must be cheap and load nothing heavy: the backend itself (and any native library
 * it needs) is built only by {@link #create()}, on first use.
 */
public interface BackendProvider {

    /**
     * The name used in the config's {@code model.backend}, e.g. {@code scratch}.
     *
     * @return the backend's name, unique among installed backends
     */
    String name();

    /**
     * One line for listings: what the backend is.
     *
     * @return a short description, e.g. the implementation and its hardware
     */
    String description();

    /**
     * Builds the backend. Called at most once per {@link Backends} registry.
     *
     * @return the backend
     * @throws dev.textgen.api.BackendUnavailableException when it cannot start here (for example a
     *                                                     native library that does not load)
     */
    Backend create();
}
