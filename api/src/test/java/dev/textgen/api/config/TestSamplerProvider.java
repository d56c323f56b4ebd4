package dev.textgen.api.config;

import dev.textgen.api.Sampler;
import dev.textgen.api.spi.SamplerProvider;
import dev.textgen.api.spi.Samplers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stand-ins for the sampling module's providers (same names and parameters), so the config tests
 * check sampler names without depending on it.
 */
record TestSamplerProvider(String name, Map<String, Double> defaults) implements SamplerProvider {

    /** temperature, greedy, top-k, top-p and min-p, as textgen-sampling names them. */
    static Samplers samplers() {
        return Samplers.of(List.of(
                new TestSamplerProvider("temperature", Map.of("temperature", 1.0)),
                new TestSamplerProvider("greedy", Map.of()),
                new TestSamplerProvider("top-k", ordered("k", 40.0, "temperature", 1.0)),
                new TestSamplerProvider("top-p", ordered("p", 0.9, "temperature", 1.0)),
                new TestSamplerProvider("min-p", ordered("minP", 0.05, "temperature", 1.0))));
    }

    private static Map<String, Double> ordered(String a, double va, String b, double vb) {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put(a, va);
        map.put(b, vb);
        return map;
    }

    @Override
    public String description() {
        return "test " + name;
    }

    /**
     * Greedy choice. Rejects a negative temperature with a message that starts with the parameter's
     * name, as textgen-sampling's do, and k < 1 with one that does not.
     */
    @Override
    public Sampler create(SamplerConfig config) {
        double temperature = config.parameter("temperature").orElse(1.0);
        if (temperature < 0) {
            throw new IllegalArgumentException("temperature " + temperature + " is invalid; allowed: a number >= 0");
        }
        if (config.parameter("k").orElse(1) < 1) {
            throw new IllegalArgumentException("needs k >= 1");
        }
        return (probabilities, random) -> {
            int best = 0;
            for (int i = 1; i < probabilities.length; i++) {
                if (probabilities[i] > probabilities[best]) {
                    best = i;
                }
            }
            return best;
        };
    }
}
