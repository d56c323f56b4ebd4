package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.SamplerProvider;
import dev.textgen.api.spi.Samplers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class SamplerRegistrationTest {
    private final Samplers installed = Samplers.installed();

    @Test
    void theBuiltInSamplersAreFoundByTheirConfigType() {
        assertThat(installed.names()).contains("temperature", "greedy", "top-k", "top-p", "min-p");
        for (String name : new String[] {"temperature", "greedy", "top-k", "top-p", "min-p"}) {
            SamplerProvider provider = installed.provider(name);
            assertThat(provider.name()).isEqualTo(name);
            assertThat(provider.description()).isNotBlank();
            Sampler sampler = installed.create(new SamplerConfig(name, Map.of()));
            assertThat(sampler.sample(Distributions.nietzsche(), Draws.fixed(0))).isBetween(0, 56);
        }
    }

    @Test
    void defaultsListEveryParameter() {
        assertThat(installed.provider("temperature").defaults()).containsExactly(
                entry("temperature", 1.0), entry("repetitionPenalty", 1.0), entry("repetitionWindow", 64.0));
        assertThat(installed.provider("greedy").defaults()).isEmpty();
        assertThat(installed.provider("top-k").defaults()).containsExactly(entry("k", 40.0),
                entry("temperature", 1.0), entry("repetitionPenalty", 1.0), entry("repetitionWindow", 64.0));
        assertThat(installed.provider("top-p").defaults()).containsExactly(entry("p", 0.9),
                entry("temperature", 1.0), entry("repetitionPenalty", 1.0), entry("repetitionWindow", 64.0));
        assertThat(installed.provider("min-p").defaults()).containsExactly(entry("minP", 0.05),
                entry("temperature", 1.0), entry("repetitionPenalty", 1.0), entry("repetitionWindow", 64.0));
    }

    @Test
    void theSeedsDefaultConfigCreatesTheTemperatureSampler() {
        Sampler fromDefaults = installed.create(SamplerConfig.defaults());
        Sampler explicit = installed.create(SamplerConfig.of("temperature", "temperature", 0.5));
        float[] p = Distributions.nietzsche();
        assertThat(Draws.ids(fromDefaults, p, 10_000, 2)).isEqualTo(Draws.ids(explicit, p, 10_000, 2));
    }
}
