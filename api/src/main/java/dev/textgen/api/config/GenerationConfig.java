package dev.textgen.api.config;

import dev.textgen.api.UnknownChars;

import java.util.List;

/**
 * How text is generated.
 *
 * @param sampler      the sampler and its parameters
 * @param length       the most symbols generated per call
 * @param context      {@code window}: re-read the last maxlen symbols for every step (the seed's way);
 *                     {@code stateful}: carry the LSTM state, one step per symbol (fast)
 * @param unknownChars seed-text characters outside the vocabulary: error, skip or replace
 * @param replacement  the character used by {@code replace}; must be in the vocabulary
 * @param seed         seeds the sampler's random generator; null draws a fresh seed per generator
 * @param stop         generation ends after any of these sequences appears (it is included in the output)
 */
public record GenerationConfig(
        SamplerConfig sampler,
        int length,
        String context,
        UnknownChars unknownChars,
        String replacement,
        Long seed,
        List<String> stop) {

    public static final String WINDOW = "window";
    public static final String STATEFUL = "stateful";
    public static final List<String> CONTEXTS = List.of(WINDOW, STATEFUL);

    public GenerationConfig {
        Require.present("generation.sampler", sampler);
        Require.atLeast("generation.length", length, 0);
        Require.oneOf("generation.context", context, CONTEXTS);
        Require.present("generation.unknownChars", unknownChars);
        Require.present("generation.replacement", replacement);
        if (replacement.codePointCount(0, replacement.length()) != 1) {
            throw dev.textgen.api.ConfigException.invalid("generation.replacement", replacement, "exactly one character");
        }
        Require.present("generation.stop", stop);
        for (int i = 0; i < stop.size(); i++) {
            if (stop.get(i) == null || stop.get(i).isEmpty()) {
                throw dev.textgen.api.ConfigException.invalid("generation.stop[" + i + "]", stop.get(i), "a non-empty string");
            }
        }
        stop = List.copyOf(stop);
    }

    /** 400 symbols at temperature 0.5, windowed like the seed, failing on unknown characters. */
    public static GenerationConfig defaults() {
        return new GenerationConfig(SamplerConfig.defaults(), 400, WINDOW, UnknownChars.ERROR, " ", null, List.of());
    }

    /** The code point used for {@link UnknownChars#REPLACE}. */
    public int replacementCodePoint() {
        return replacement.codePointAt(0);
    }
}
