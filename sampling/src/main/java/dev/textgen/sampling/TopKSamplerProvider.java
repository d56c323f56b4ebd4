package dev.textgen.sampling;

import dev.textgen.api.config.SamplerConfig;

/** {@code top-k}: the temperature sampler restricted to the k most likely ids. */
public final class TopKSamplerProvider extends TemperedSamplerProvider {

    /** The provider that {@link java.util.ServiceLoader} instantiates. */
    public TopKSamplerProvider() {
        super("top-k", "draws with a temperature from the k most likely symbols", "k", 40);
    }

    @Override
    Truncation truncation(SamplerConfig config, double temperature) {
        return new TopK(Parameters.k(value(config, "k")));
    }
}
