package example.usersampler;

import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.Samplers;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A user's own sampler, outside textgen's packages, registered by its own service file. */
class UniformSupportSamplerProviderTest {

    @Test
    void aUserSamplerIsFoundThroughTheSpiAndCreatedFromAConfig() {
        Samplers installed = Samplers.installed();
        assertThat(installed.names()).contains("uniform-support", "temperature", "top-k");
        assertThat(installed.provider("uniform-support")).isInstanceOf(UniformSupportSamplerProvider.class);

        Sampler sampler = installed.create(SamplerConfig.of("uniform-support", "floor", 0.1));
        float[] p = {0.05f, 0.5f, 0.0f, 0.3f, 0.15f};
        long[] counts = new long[p.length];
        SplittableRandom random = new SplittableRandom(6);
        for (int i = 0; i < 30_000; i++) {
            counts[sampler.sample(p, random)]++;
        }
        assertThat(counts[0]).isZero();
        assertThat(counts[2]).isZero();
        for (int id : new int[] {1, 3, 4}) {
            assertThat(counts[id]).as("draws of id %d, expected 10,000 +- 5 sd", id).isBetween(9_590L, 10_410L);
        }
    }

    @Test
    void itsParametersAreCheckedLikeTheBuiltInOnes() {
        assertThatThrownBy(() -> Samplers.installed().create(SamplerConfig.of("uniform-support", "flor", 0.1)))
                .hasMessageContaining("did you mean \"floor\"");
    }
}
