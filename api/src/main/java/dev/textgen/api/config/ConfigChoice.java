package dev.textgen.api.config;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * A setting with a fixed set of values, implemented by enums such as {@link TrainingConfig.Loss}. In JSON a
 * value is its constant's name in lower case with hyphens, e.g. {@code ALL_STEPS} as {@code "all-steps"};
 * the config reader lists these names when a value is not one of them.
 */
public interface ConfigChoice {
    /**
     * The enum constant's name.
     *
     * @return the constant's name in upper case with underscores, e.g. {@code ALL_STEPS}
     */
    String name();

    /**
     * The value's name in the JSON config.
     *
     * @return the constant's name in lower case with hyphens, e.g. {@code all-steps}
     */
    @JsonValue
    default String jsonName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
