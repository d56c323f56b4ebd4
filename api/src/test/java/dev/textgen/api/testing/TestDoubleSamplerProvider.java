package dev.textgen.api.testing;

import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.SamplerProvider;

import java.util.Map;

/**
 * A temperature sampler for the api's own tests (the real ones live in the sampling module): reweights
 * by {@code p^(1/T)} in double and draws by inverse CDF from one {@code nextDouble()}; T = 0 is argmax.
 * Not registered as a service; tests pass it to {@link dev.textgen.api.spi.Samplers#of(java.util.List)}.
 */
public final class TestDoubleSamplerProvider implements SamplerProvider {
    public static final String NAME = "test-double-sampler";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "temperature sampling for textgen's own tests";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("temperature", 1.0);
    }

    @Override
    public Sampler create(SamplerConfig config) {
        double temperature = config.parameter("temperature").orElse(1.0);
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature " + temperature + " must be >= 0");
        }
        return (probabilities, random) -> {
            if (temperature == 0) {
                int best = 0;
                for (int k = 1; k < probabilities.length; k++) {
                    if (probabilities[k] > probabilities[best]) {
                        best = k;
                    }
                }
                return best;
            }
            double[] weights = new double[probabilities.length];
            double sum = 0;
            for (int k = 0; k < probabilities.length; k++) {
                weights[k] = Math.pow(probabilities[k], 1 / temperature);
                sum += weights[k];
            }
            double u = random.nextDouble() * sum;
            for (int k = 0; k < weights.length; k++) {
                u -= weights[k];
                if (u < 0) {
                    return k;
                }
            }
            return weights.length - 1;
        };
    }
}
