package dev.textgen.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What to do with prompt characters that the vocabulary lacks. */
public enum UnknownChars {
    /** Fail with an {@link UnknownCharacterException} that lists the characters and positions. */
    ERROR,
    /** Drop them. */
    SKIP,
    /** Replace each with the configured replacement character. */
    REPLACE;

    /**
     * The policy's name in the JSON config.
     *
     * @return the constant's name in lower case, e.g. {@code skip}
     */
    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The policy of a JSON config name.
     *
     * @param name {@code error}, {@code skip} or {@code replace}
     * @return the policy
     * @throws IllegalArgumentException for any other name
     */
    @JsonCreator
    public static UnknownChars fromJson(String name) {
        for (UnknownChars value : values()) {
            if (value.jsonName().equals(name)) {
                return value;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" is not one of error, skip, replace");
    }
}
