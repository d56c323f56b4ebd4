package dev.textgen.sampling;

import dev.textgen.api.config.SamplerConfig;

/** {@code min-p}: drops the ids whose tempered probability is below minP times the highest. */
public final class MinPSamplerProvider extends TemperedSamplerProvider {

    /** The provider that {@link java.util.ServiceLoader} instantiates. */
    public MinPSamplerProvider() {
        super("min-p", "draws with a temperature from the symbols at least minP times as likely as the top one",
                "minP", 0.05);
    }

    @Override
    Truncation truncation(SamplerConfig config, double temperature) {
        return new MinP(Parameters.minP(value(config, "minP")), temperature);
    }
}
