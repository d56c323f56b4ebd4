package dev.textgen.api.config;

import dev.textgen.api.ConfigException;

import java.util.Collection;

/** Range checks shared by the config records; each failure names the field, the value and what is allowed. */
final class Require {
    private Require() {
    }

    static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw ConfigException.invalid(field, value, "an integer >= " + min);
        }
        return value;
    }

    static long atLeast(String field, long value, long min) {
        if (value < min) {
            throw ConfigException.invalid(field, value, "an integer >= " + min);
        }
        return value;
    }

    /** A finite number in [min, max) or [min, max] as {@code maxInclusive} says. */
    static double inRange(String field, double value, double min, double max, boolean maxInclusive) {
        boolean ok = Double.isFinite(value) && value >= min && (maxInclusive ? value <= max : value < max);
        if (!ok) {
            throw ConfigException.invalid(field, value, "a number in [" + min + ", " + max + (maxInclusive ? "]" : ")"));
        }
        return value;
    }

    static double positive(String field, double value) {
        if (!(Double.isFinite(value) && value > 0)) {
            throw ConfigException.invalid(field, value, "a finite number > 0");
        }
        return value;
    }

    static double nonNegative(String field, double value) {
        if (!(Double.isFinite(value) && value >= 0)) {
            throw ConfigException.invalid(field, value, "a finite number >= 0");
        }
        return value;
    }

    static <T> T present(String field, T value) {
        if (value == null) {
            throw new ConfigException(field, field + " is required");
        }
        return value;
    }

    static String oneOf(String field, String value, Collection<String> allowed) {
        present(field, value);
        if (!allowed.contains(value)) {
            throw new ConfigException(field, field + ": \"" + value + "\" is invalid; allowed: " + String.join(", ", allowed)
                    + Suggestions.didYouMean(value, allowed));
        }
        return value;
    }
}
