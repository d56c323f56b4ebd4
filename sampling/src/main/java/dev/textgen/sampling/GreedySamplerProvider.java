package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.SamplerProvider;

import java.util.Map;

/** {@code greedy}: always the most likely symbol, the lowest id on a tie. It takes no parameters. */
public final class GreedySamplerProvider implements SamplerProvider {

    /** The provider that {@link java.util.ServiceLoader} instantiates. */
    public GreedySamplerProvider() {
    }

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public String description() {
        return "always the most likely symbol (argmax, the lowest id on a tie)";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of();
    }

    @Override
    public Sampler create(SamplerConfig config) {
        Parameters.requireKnown(config, defaults());
        return new GreedySampler();
    }
}
