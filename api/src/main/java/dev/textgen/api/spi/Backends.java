package dev.textgen.api.spi;

import dev.textgen.api.BackendUnavailableException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backends on a class path, by name, created lazily: finding the providers loads none of their
 * engines, and each backend is built once per registry on first {@link #get}. Registries are plain
 * objects, so tests make their own.
 */
public final class Backends {
    /** Backends textgen ships, so that a missing one names the artifact to add. */
    private static final Map<String, String> KNOWN = Map.of(
            "scratch", "dev.textgen:textgen-backend-scratch",
            "dl4j", "dev.textgen:textgen-backend-dl4j");

    /** The backend that runs a model whose own backend is missing, when it is installed. */
    private static final String PREFERRED = "scratch";
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private final ProviderRegistry<BackendProvider> registry;
    private final Map<String, Backend> created = new ConcurrentHashMap<>();

    private Backends(ProviderRegistry<BackendProvider> registry) {
        this.registry = registry;
    }

    /**
     * The backends visible to the thread's context class loader.
     *
     * @return the registry; backends are created on first use
     */
    public static Backends installed() {
        return of(Thread.currentThread().getContextClassLoader());
    }

    /**
     * The backends visible to {@code loader}.
     *
     * @param loader the class loader the providers are found with
     * @return the registry; backends are created on first use
     */
    public static Backends of(ClassLoader loader) {
        return new Backends(new ProviderRegistry<>("backend", BackendProvider.class, loader, BackendProvider::name));
    }

    /**
     * Exactly {@code providers}, for tests and for applications that register their own without service files.
     *
     * @param providers the providers, with distinct names
     * @return the registry; backends are created on first use
     */
    public static Backends of(java.util.List<? extends BackendProvider> providers) {
        return new Backends(new ProviderRegistry<>("backend", java.util.List.<BackendProvider>copyOf(providers), BackendProvider::name));
    }

    /**
     * Names of the installed backends, sorted.
     *
     * @return the provider names, in alphabetical order
     */
    public Set<String> names() {
        return registry.all().keySet();
    }

    /**
     * The provider named {@code name}, without creating its backend.
     *
     * @param name a backend name, e.g. {@code scratch}
     * @return the provider
     * @throws BackendUnavailableException when no backend of that name is installed, naming the Maven artifact
     *                                     for a known one and the installed ones otherwise
     */
    public BackendProvider provider(String name) {
        return registry.get(name, KNOWN);
    }

    /**
     * The backend to run a model file that names {@code named}: that one when it is installed, otherwise
     * another installed one ({@code scratch} when present, else the first by name), since every backend
     * reads every model file. A substitution is logged in one line at {@code WARNING} naming both.
     *
     * @param named the backend the model file names
     * @return the backend, created on first use
     * @throws BackendUnavailableException when no backend is installed, or the chosen one fails to start
     */
    public Backend forModel(String named) {
        Set<String> names = names();
        if (names.contains(named)) {
            return get(named);
        }
        if (names.isEmpty()) {
            throw new BackendUnavailableException("the model names the backend \"" + named + "\" and no backend is"
                    + " installed; add the Maven artifact " + KNOWN.getOrDefault(named, KNOWN.get(PREFERRED)));
        }
        String substitute = names.contains(PREFERRED) ? PREFERRED : names.iterator().next();
        LOG.log(System.Logger.Level.WARNING, "the model was trained on the backend \"" + named + "\", which is not"
                + " installed; running it on \"" + substitute + "\"");
        return get(substitute);
    }

    /**
     * The backend named {@code name}, created on first use.
     *
     * @param name a backend name, e.g. {@code scratch}
     * @return the backend, the same instance on every call
     * @throws BackendUnavailableException when no backend of that name is installed or it fails to start
     */
    public Backend get(String name) {
        BackendProvider provider = provider(name);
        return created.computeIfAbsent(name, n -> {
            try {
                return provider.create();
            } catch (BackendUnavailableException e) {
                throw e;
            } catch (RuntimeException | LinkageError e) {
                throw new BackendUnavailableException("the backend \"" + n + "\" failed to start: " + e, e);
            }
        });
    }
}
