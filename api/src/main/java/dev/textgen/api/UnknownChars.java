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

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

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
