package dev.textgen.sampling;

import dev.textgen.api.config.SamplerConfig;

/** {@code temperature}: the reference notebook's sampler, p^(1/T) renormalised, over the whole vocabulary. */
public final class TemperatureSamplerProvider extends TemperedSamplerProvider {

    /** The provider that {@link java.util.ServiceLoader} instantiates. */
    public TemperatureSamplerProvider() {
        super("temperature", "draws from the distribution sharpened (T < 1) or flattened (T > 1) by the temperature");
    }

    @Override
    Truncation truncation(SamplerConfig config, double temperature) {
        return Truncation.NONE;
    }
}
