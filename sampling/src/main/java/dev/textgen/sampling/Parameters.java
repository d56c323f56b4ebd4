package dev.textgen.sampling;

import dev.textgen.api.config.SamplerConfig;

import java.util.Map;

/** Reads and checks sampler parameters; each failure names the parameter, its value and the valid range. */
final class Parameters {
    /** A float probability (>= 1.4e-45) divided by this stays a positive double, so its log is finite. */
    static final double MAX_REPETITION_PENALTY = 1e30;

    private Parameters() {
    }

    static void requireKnown(SamplerConfig config, Map<String, Double> defaults) {
        for (String name : config.parameters().keySet()) {
            if (!defaults.containsKey(name)) {
                throw new IllegalArgumentException("unknown parameter \"" + name + "\" for the \"" + config.type()
                        + "\" sampler; its parameters: " + (defaults.isEmpty() ? "none" : String.join(", ", defaults.keySet())));
            }
        }
    }

    /** The configured value of {@code name}, or its default. */
    static double value(SamplerConfig config, Map<String, Double> defaults, String name) {
        return config.parameter(name).orElse(defaults.get(name));
    }

    static double temperature(double value) {
        if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
            throw invalid("temperature", value, "a finite number >= 0 (0 means greedy)");
        }
        return value;
    }

    /** k above the largest int is the largest int: it keeps every id either way. */
    static int k(double value) {
        if (!(value >= 1 && isInteger(value))) {
            throw invalid("k", value, "an integer >= 1");
        }
        return (int) value;
    }

    static double p(double value) {
        if (!(value > 0 && value <= 1)) {
            throw invalid("p", value, "0 < p <= 1");
        }
        return value;
    }

    static double minP(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw invalid("minP", value, "0 <= minP <= 1");
        }
        return value;
    }

    static RepetitionPenalty repetitionPenalty(double penalty, double window) {
        if (!(penalty >= 1 && penalty <= MAX_REPETITION_PENALTY)) {
            throw invalid("repetitionPenalty", penalty, "1 <= repetitionPenalty <= 1e30 (1 is off)");
        }
        if (!(window >= 1 && window <= RepetitionPenalty.MAX_WINDOW && isInteger(window))) {
            throw invalid("repetitionWindow", window, "an integer from 1 to " + RepetitionPenalty.MAX_WINDOW);
        }
        return new RepetitionPenalty(penalty, (int) window);
    }

    private static boolean isInteger(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value);
    }

    private static IllegalArgumentException invalid(String name, double value, String allowed) {
        return new IllegalArgumentException(name + " = " + value + " is invalid; allowed: " + allowed);
    }
}
