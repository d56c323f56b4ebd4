package dev.textgen.sampling;

import dev.textgen.api.config.SamplerConfig;

/** {@code min-p}: drops the ids less likely than minP times the most likely one, after the temperature. */
public final class MinPSamplerProvider extends TemperedSamplerProvider {

    public MinPSamplerProvider() {
        super("min-p", "draws with a temperature from the symbols at least minP times as likely as the top one",
                "minP", 0.05);
    }

    @Override
    Truncation truncation(SamplerConfig config) {
        return new MinP(Parameters.minP(value(config, "minP")));
    }
}
