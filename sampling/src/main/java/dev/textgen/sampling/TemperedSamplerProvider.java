package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.SamplerProvider;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stochastic samplers' common parameters: {@code temperature} (default 1, 0 means greedy),
 * {@code repetitionPenalty} (default 1 = off) and {@code repetitionWindow} (default 64 ids).
 */
abstract class TemperedSamplerProvider implements SamplerProvider {
    static final String TEMPERATURE = "temperature";
    static final String REPETITION_PENALTY = "repetitionPenalty";
    static final String REPETITION_WINDOW = "repetitionWindow";

    private final String name;
    private final String description;
    private final Map<String, Double> defaults;

    /** {@code own}: the sampler's parameters before the common ones, as name/value pairs. */
    TemperedSamplerProvider(String name, String description, Object... own) {
        this.name = name;
        this.description = description;
        Map<String, Double> all = new LinkedHashMap<>(SamplerConfig.of(name, own).parameters());
        all.put(TEMPERATURE, 1.0);
        all.put(REPETITION_PENALTY, 1.0);
        all.put(REPETITION_WINDOW, 64.0);
        this.defaults = Collections.unmodifiableMap(all);
    }

    /** The truncation for {@code config}'s own parameters (looked up with {@link #value}). */
    abstract Truncation truncation(SamplerConfig config, double temperature);

    final double value(SamplerConfig config, String parameter) {
        return Parameters.value(config, defaults, parameter);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final Map<String, Double> defaults() {
        return defaults;
    }

    @Override
    public final Sampler create(SamplerConfig config) {
        Parameters.requireKnown(config, defaults);
        double temperature = Parameters.temperature(value(config, TEMPERATURE));
        RepetitionPenalty penalty = Parameters.repetitionPenalty(
                value(config, REPETITION_PENALTY), value(config, REPETITION_WINDOW));
        return new TemperedSampler(temperature, penalty, truncation(config, temperature));
    }
}
