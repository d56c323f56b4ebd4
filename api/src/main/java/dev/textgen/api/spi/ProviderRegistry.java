package dev.textgen.api.spi;

import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.config.Suggestions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/** Providers of one SPI found with {@link ServiceLoader}, by name. An instance per registry, never static. */
final class ProviderRegistry<P> {
    private final String kind;
    private final Map<String, P> providers;

    /** The providers {@link ServiceLoader} finds through {@code loader}. */
    ProviderRegistry(String kind, Class<P> type, ClassLoader loader, Function<P, String> name) {
        this(kind, load(kind, type, loader), name);
    }

    /** Exactly the given providers, for tests and for applications that register their own. */
    ProviderRegistry(String kind, Iterable<P> given, Function<P, String> name) {
        this.kind = kind;
        Map<String, P> found = new TreeMap<>();
        for (P provider : given) {
            P previous = found.putIfAbsent(name.apply(provider), provider);
            if (previous != null && previous.getClass() != provider.getClass()) {
                throw new BackendUnavailableException("two " + kind + " providers are named \"" + name.apply(provider)
                        + "\": " + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
        this.providers = Collections.unmodifiableMap(found);
    }

    private static <P> List<P> load(String kind, Class<P> type, ClassLoader loader) {
        try {
            List<P> found = new ArrayList<>();
            ServiceLoader.load(type, loader).forEach(found::add);
            return found;
        } catch (ServiceConfigurationError e) {
            throw new BackendUnavailableException("a " + kind + " provider failed to load: " + e.getMessage(), e);
        }
    }

    Map<String, P> all() {
        return providers;
    }

    /** The provider named {@code name}; otherwise an error listing what is available. */
    P get(String name, Map<String, String> knownArtifacts) {
        P provider = providers.get(name);
        if (provider != null) {
            return provider;
        }
        String artifact = knownArtifacts.get(name);
        if (artifact != null) {
            throw new BackendUnavailableException("the " + kind + " \"" + name + "\" is not on the classpath; add the Maven"
                    + " artifact " + artifact + " (available here: " + available() + ")");
        }
        throw new BackendUnavailableException("unknown " + kind + " \"" + name + "\"; available: " + available()
                + Suggestions.didYouMean(name, providers.keySet()));
    }

    private String available() {
        return providers.isEmpty() ? "none" : String.join(", ", providers.keySet());
    }
}
