package example.usersampler;

import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.SamplerProvider;

import java.util.Map;

/** Draws uniformly among the ids whose probability exceeds {@code floor}, ignoring their proportions. */
public final class UniformSupportSamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "uniform-support";
    }

    @Override
    public String description() {
        return "uniform over the symbols more likely than floor";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("floor", 0.0);
    }

    @Override
    public Sampler create(SamplerConfig config) {
        double floor = config.parameter("floor").orElse(0);
        return (probabilities, random) -> {
            int eligible = 0;
            for (float p : probabilities) {
                if (p > floor) {
                    eligible++;
                }
            }
            int pick = (int) (random.nextDouble() * eligible);
            for (int id = 0; id < probabilities.length; id++) {
                if (probabilities[id] > floor && pick-- == 0) {
                    return id;
                }
            }
            throw new IllegalArgumentException("no probability exceeds floor = " + floor);
        };
    }
}
