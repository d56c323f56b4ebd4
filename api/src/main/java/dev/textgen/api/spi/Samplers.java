package dev.textgen.api.spi;

import dev.textgen.api.ConfigException;
import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.Suggestions;

import java.util.Map;
import java.util.Set;

/** The sampler types on a class path, by name. Registries are plain objects, so tests make their own. */
public final class Samplers {
    private static final Map<String, String> KNOWN = Map.of(
            "temperature", "dev.textgen:textgen-sampling",
            "greedy", "dev.textgen:textgen-sampling",
            "top-k", "dev.textgen:textgen-sampling",
            "top-p", "dev.textgen:textgen-sampling",
            "min-p", "dev.textgen:textgen-sampling");

    private final ProviderRegistry<SamplerProvider> registry;

    private Samplers(ProviderRegistry<SamplerProvider> registry) {
        this.registry = registry;
    }

    /**
     * The samplers visible to the thread's context class loader.
     *
     * @return the registry of the installed samplers
     */
    public static Samplers installed() {
        return of(Thread.currentThread().getContextClassLoader());
    }

    /**
     * The samplers visible to {@code loader}.
     *
     * @param loader the class loader the providers are found with
     * @return the registry of those samplers
     */
    public static Samplers of(ClassLoader loader) {
        return new Samplers(new ProviderRegistry<>("sampler", SamplerProvider.class, loader, SamplerProvider::name));
    }

    /**
     * Exactly {@code providers}, for tests and for applications that register their own without service files.
     *
     * @param providers the providers, with distinct names
     * @return the registry of exactly those samplers
     */
    public static Samplers of(java.util.List<? extends SamplerProvider> providers) {
        return new Samplers(new ProviderRegistry<>("sampler", java.util.List.<SamplerProvider>copyOf(providers), SamplerProvider::name));
    }

    /**
     * Names of the installed samplers, sorted.
     *
     * @return the sampler type names, in alphabetical order
     */
    public Set<String> names() {
        return registry.all().keySet();
    }

    /**
     * The provider of the sampler type {@code type}.
     *
     * @param type a sampler type, e.g. {@code top-k}
     * @return the provider
     * @throws dev.textgen.api.BackendUnavailableException when no sampler of that type is installed
     */
    public SamplerProvider provider(String type) {
        return registry.get(type, KNOWN);
    }

    /**
     * A new sampler for {@code config}: unknown parameters and invalid values are a
     * {@link ConfigException} naming {@code generation.sampler.<name>}.
     *
     * @param config the sampler type and its parameters
     * @return a new sampler
     */
    public Sampler create(SamplerConfig config) {
        SamplerProvider provider = provider(config.type());
        Map<String, Double> defaults = provider.defaults();
        for (String name : config.parameters().keySet()) {
            if (!defaults.containsKey(name)) {
                throw new ConfigException("generation.sampler." + name, "generation.sampler." + name
                        + ": the \"" + config.type() + "\" sampler has no parameter \"" + name + "\"; its parameters: "
                        + (defaults.isEmpty() ? "none" : String.join(", ", defaults.keySet()))
                        + Suggestions.didYouMean(name, defaults.keySet()));
            }
        }
        java.util.LinkedHashMap<String, Double> merged = new java.util.LinkedHashMap<>(defaults);
        merged.putAll(config.parameters());
        try {
            return provider.create(new SamplerConfig(config.type(), merged));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("generation.sampler", "generation.sampler (" + config.type() + "): " + e.getMessage(), e);
        }
    }
}
