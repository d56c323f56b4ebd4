package dev.textgen.sampling;

import dev.textgen.api.config.SamplerConfig;

/** {@code top-p}: nucleus sampling on the tempered distribution. */
public final class TopPSamplerProvider extends TemperedSamplerProvider {

    /** The provider that {@link java.util.ServiceLoader} instantiates. */
    public TopPSamplerProvider() {
        super("top-p", "draws with a temperature from the fewest most likely symbols holding mass p", "p", 0.9);
    }

    @Override
    Truncation truncation(SamplerConfig config, double temperature) {
        return new TopP(Parameters.p(value(config, "p")));
    }
}
