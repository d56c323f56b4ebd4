package dev.textgen.api.spi;

import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;

import java.util.Map;

/**
 * Registers a sampler type, through {@code META-INF/services/dev.textgen.api.spi.SamplerProvider}.
 * Users add their own samplers the same way.
 */
public interface SamplerProvider {

    /**
     * The config's {@code generation.sampler.type}, e.g. {@code top-k}.
     *
     * @return the sampler's type name, unique among installed samplers
     */
    String name();

    /**
     * One line for listings.
     *
     * @return a short description, e.g. what the sampler keeps of the distribution
     */
    String description();

    /**
     * Every parameter this sampler takes, with its default; config fields outside this map are
     * rejected with a "did you mean".
     *
     * @return every parameter name mapped to its default value
     */
    Map<String, Double> defaults();

    /**
     * A new sampler instance (cheap; one per thread).
     *
     * @param config the type and the parameters given; parameters left out take their defaults
     * @return a new sampler
     * @throws IllegalArgumentException naming the parameter, its value and the valid range
     */
    Sampler create(SamplerConfig config);
}
