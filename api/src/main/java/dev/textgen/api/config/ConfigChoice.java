package dev.textgen.api.config;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

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

    /**
     * The constant of {@code type} whose JSON name is {@code name}, for callers that read a choice outside a
     * config document (a request field, say).
     *
     * @param type the choice's enum
     * @param name the name as written, e.g. {@code "all-steps"}
     * @param <E>  the enum type
     * @return the constant, or empty when {@code name} names none
     */
    static <E extends Enum<E> & ConfigChoice> Optional<E> of(Class<E> type, String name) {
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.jsonName().equals(name)).findFirst();
    }
}
