package dev.textgen.sampling;

import dev.textgen.api.ConfigException;
import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.Samplers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static dev.textgen.sampling.Draws.sampler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationTest {
    private static final Samplers SAMPLERS = Samplers.installed();

    @ParameterizedTest(name = "{0}: {1} = {2}")
    @CsvSource({
            "temperature, temperature, -1, 'temperature = -1.0 is invalid; allowed: a finite number >= 0 (0 means greedy)'",
            "temperature, temperature, NaN, 'temperature = NaN is invalid'",
            "top-k, temperature, Infinity, 'temperature = Infinity is invalid'",
            "top-p, temperature, -Infinity, 'temperature = -Infinity is invalid'",
            "top-k, k, 0, 'k = 0.0 is invalid; allowed: an integer >= 1'",
            "top-k, k, -3, 'k = -3.0 is invalid'",
            "top-k, k, 2.5, 'k = 2.5 is invalid'",
            "top-k, k, NaN, 'k = NaN is invalid'",
            "top-k, k, Infinity, 'k = Infinity is invalid'",
            "top-p, p, 0, 'p = 0.0 is invalid; allowed: 0 < p <= 1'",
            "top-p, p, 1.5, 'p = 1.5 is invalid'",
            "top-p, p, -0.1, 'p = -0.1 is invalid'",
            "top-p, p, NaN, 'p = NaN is invalid'",
            "min-p, minP, -0.1, 'minP = -0.1 is invalid; allowed: 0 <= minP <= 1'",
            "min-p, minP, 1.1, 'minP = 1.1 is invalid'",
            "min-p, minP, NaN, 'minP = NaN is invalid'",
            "temperature, repetitionPenalty, 0.5, 'repetitionPenalty = 0.5 is invalid; allowed: 1 <= repetitionPenalty <= 1e30 (1 is off)'",
            "top-p, repetitionPenalty, NaN, 'repetitionPenalty = NaN is invalid'",
            "min-p, repetitionPenalty, Infinity, 'repetitionPenalty = Infinity is invalid'",
            "top-k, repetitionWindow, 0, 'repetitionWindow = 0.0 is invalid; allowed: an integer from 1 to 65536'",
            "top-k, repetitionWindow, 1.5, 'repetitionWindow = 1.5 is invalid'",
            "temperature, repetitionWindow, 1e6, 'repetitionWindow = 1000000.0 is invalid'"})
    void badParametersNameTheParameterTheValueAndTheRange(String type, String parameter, double value, String message) {
        SamplerConfig config = SamplerConfig.of(type, parameter, value);

        assertThatThrownBy(() -> SAMPLERS.provider(type).create(config))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
        assertThatThrownBy(() -> SAMPLERS.create(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("generation.sampler (" + type + "): " + message)
                .satisfies(e -> assertThat(((ConfigException) e).path()).hasValue("generation.sampler"));
    }

    @Test
    void unknownParametersAreRejected() {
        assertThatThrownBy(() -> SAMPLERS.create(SamplerConfig.of("top-k", "temprature", 0.5)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("generation.sampler.temprature")
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> SAMPLERS.provider("top-k").create(SamplerConfig.of("top-k", "p", 0.5)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown parameter \"p\" for the \"top-k\" sampler; its parameters: k, temperature,"
                        + " repetitionPenalty, repetitionWindow");
        assertThatThrownBy(() -> SAMPLERS.provider("greedy").create(SamplerConfig.of("greedy", "temperature", 0.5)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown parameter \"temperature\" for the \"greedy\" sampler; its parameters: none");
    }

    @Test
    void providersCalledDirectlyFallBackToTheirDefaults() {
        Sampler sampler = SAMPLERS.provider("top-k").create(SamplerConfig.of("top-k", "k", 1));
        assertThat(Draws.ids(sampler, Distributions.nietzsche(), 1_000, 3)).containsOnly(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"temperature", "greedy", "top-k", "top-p", "min-p"})
    void badDistributionsNameTheOffendingEntry(String type) {
        Sampler sampler = sampler(type);
        SplittableRandom random = new SplittableRandom(1);

        assertThatThrownBy(() -> sampler.sample(new float[0], random))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities is empty; a sampler needs at least one symbol");
        assertThatThrownBy(() -> sampler.sample(new float[] {0.2f, 0.3f, 0.1f, Float.NaN}, random))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities[3] = NaN is invalid; every probability must be finite and >= 0");
        assertThatThrownBy(() -> sampler.sample(new float[] {0.5f, 0.6f, -0.1f}, random))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities[2] = -0.1 is invalid; every probability must be finite and >= 0");
        assertThatThrownBy(() -> sampler.sample(new float[] {0.5f, Float.POSITIVE_INFINITY}, random))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities[1] = Infinity is invalid; every probability must be finite and >= 0");
        assertThatThrownBy(() -> sampler.sample(new float[] {0, 0, 0}, random))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities sum to 0 over 3 symbols; at least one must be > 0");
        assertThatThrownBy(() -> sampler.sample(null, random))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("probabilities");
        assertThatThrownBy(() -> sampler.sample(new float[] {1}, null))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("random");
    }

    @Test
    void aNegativeObservedIdIsRejected() {
        Sampler sampler = sampler("temperature", "repetitionPenalty", 1.5);
        assertThatThrownBy(() -> sampler.observe(-1))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("observed id = -1 is invalid; ids are >= 0");
    }
}
