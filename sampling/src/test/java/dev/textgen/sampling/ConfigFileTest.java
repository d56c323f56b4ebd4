package dev.textgen.sampling;

import dev.textgen.api.ConfigException;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.Samplers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The samplers as a config file reaches them: parsed from JSON and checked on load. */
class ConfigFileTest {

    @Test
    void aSamplerInAConfigFileDrawsLikeTheSameSamplerMadeInCode() {
        SamplerConfig sampler = ConfigLoader.parse(
                "{\"generation\": {\"sampler\": {\"type\": \"top-k\", \"k\": 5, \"repetitionPenalty\": 1.2}}}",
                "test.json").generation().sampler();

        assertThat(sampler.type()).isEqualTo("top-k");
        assertThat(sampler.parameter("k")).hasValue(5);
        assertThat(sampler.parameter("repetitionPenalty")).hasValue(1.2);
        float[] p = Distributions.nietzsche();
        assertThat(Draws.ids(Samplers.installed().create(sampler), p, 1_000, 1))
                .isEqualTo(Draws.ids(Draws.sampler("top-k", "k", 5, "repetitionPenalty", 1.2), p, 1_000, 1));
    }

    @Test
    void anOutOfRangeParameterInAConfigFileIsReportedAtItsLine() {
        String json = "{\n  \"generation\": {\n    \"sampler\": {\"type\": \"top-k\", \"k\": 2.5}\n  }\n}";

        assertThatThrownBy(() -> ConfigLoader.parse(json, "test.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.json:3:")
                .hasMessageContaining("generation.sampler.k")
                .hasMessageContaining("k = 2.5 is invalid; allowed: an integer >= 1")
                .satisfies(e -> assertThat(((ConfigException) e).path()).hasValue("generation.sampler.k"));
    }
}
