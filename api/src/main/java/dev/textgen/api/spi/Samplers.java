package dev.textgen.api.spi;

import dev.textgen.api.ConfigException;
import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.internal.Suggestions;

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

    /** The samplers visible to the thread's context class loader. */
    public static Samplers installed() {
        return of(Thread.currentThread().getContextClassLoader());
    }

    public static Samplers of(ClassLoader loader) {
        return new Samplers(new ProviderRegistry<>("sampler", SamplerProvider.class, loader, SamplerProvider::name));
    }

    /** Exactly {@code providers}, for tests and for applications that register their own without service files. */
    public static Samplers of(java.util.List<? extends SamplerProvider> providers) {
        return new Samplers(new ProviderRegistry<>("sampler", java.util.List.<SamplerProvider>copyOf(providers), SamplerProvider::name));
    }

    public Set<String> names() {
        return registry.all().keySet();
    }

    public SamplerProvider provider(String type) {
        return registry.get(type, KNOWN);
    }

    /**
     * A new sampler for {@code config}: unknown parameters and invalid values are a
     * {@link ConfigException} naming {@code generation.sampler.<name>}.
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
