package dev.textgen.api.config;

import dev.textgen.api.UnknownChars;

import java.util.List;

/**
 * How text is generated.
 *
 * @param sampler      the sampler and its parameters
 * @param length       the most symbols generated per call
 * @param context      {@code window}: re-read the last maxlen symbols for every step (the reference notebook's way);
 *                     {@code stateful}: carry the LSTM state, one step per symbol (fast)
 * @param unknownChars prompt characters outside the vocabulary: error, skip or replace
 * @param replacement  the character used by {@code replace}; must be in the vocabulary
 * @param seed         seeds the sampler's random generator; null draws a fresh seed per generator
 * @param stop         generation ends after any of these sequences appears (it is included in the output)
 */
public record GenerationConfig(
        SamplerConfig sampler,
        int length,
        Context context,
        UnknownChars unknownChars,
        String replacement,
        Long seed,
        List<String> stop) {

    /** How the model reads what came before, see {@link GenerationConfig#context()}. */
    public enum Context implements ConfigChoice {
        /** Re-read the last maxlen symbols from the zero state for every step, as the reference notebook does. */
        WINDOW,
        /** Carry the LSTM state, one step per symbol. */
        STATEFUL;
    }

    /**
     * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param sampler not null
     * @param length symbols per call, at least 0
     * @param context not null
     * @param unknownChars not null
     * @param replacement exactly one character (code point)
     * @param seed the sampler's seed, or null for a fresh one per generator
     * @param stop non-empty strings; may be an empty list
     */
    public GenerationConfig {
        Require.present("generation.sampler", sampler);
        Require.atLeast("generation.length", length, 0);
        Require.present("generation.context", context);
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

    /**
     * 400 symbols at temperature 0.5, windowed like the reference notebook, failing on unknown characters.
     *
     * @return the defaults
     */
    public static GenerationConfig defaults() {
        return new GenerationConfig(SamplerConfig.defaults(), 400, Context.WINDOW, UnknownChars.ERROR, " ", null,
                List.of());
    }

    /**
     * This config with another {@link #sampler()}.
     *
     * @param value the sampler and its parameters
     * @return a copy with {@code sampler} replaced
     */
    public GenerationConfig withSampler(SamplerConfig value) {
        return new GenerationConfig(value, length, context, unknownChars, replacement, seed, stop);
    }

    /**
     * This config with another {@link #length()}.
     *
     * @param value the most symbols per call, at least 0
     * @return a copy with {@code length} replaced
     */
    public GenerationConfig withLength(int value) {
        return new GenerationConfig(sampler, value, context, unknownChars, replacement, seed, stop);
    }

    /**
     * This config with another {@link #context()}.
     *
     * @param value {@code WINDOW} or {@code STATEFUL}
     * @return a copy with {@code context} replaced
     */
    public GenerationConfig withContext(Context value) {
        return new GenerationConfig(sampler, length, value, unknownChars, replacement, seed, stop);
    }

    /**
     * This config with another {@link #unknownChars()}.
     *
     * @param value what to do with prompt characters outside the vocabulary
     * @return a copy with {@code unknownChars} replaced
     */
    public GenerationConfig withUnknownChars(UnknownChars value) {
        return new GenerationConfig(sampler, length, context, value, replacement, seed, stop);
    }

    /**
     * This config with another {@link #replacement()}.
     *
     * @param value exactly one character, which must be in the vocabulary
     * @return a copy with {@code replacement} replaced
     */
    public GenerationConfig withReplacement(String value) {
        return new GenerationConfig(sampler, length, context, unknownChars, value, seed, stop);
    }

    /**
     * This config with another {@link #seed()}.
     *
     * @param value the sampler's seed, or null for a fresh one per generator
     * @return a copy with {@code seed} replaced
     */
    public GenerationConfig withSeed(Long value) {
        return new GenerationConfig(sampler, length, context, unknownChars, replacement, value, stop);
    }

    /**
     * This config with another {@link #stop()}.
     *
     * @param value non-empty stop sequences
     * @return a copy with {@code stop} replaced
     */
    public GenerationConfig withStop(List<String> value) {
        return new GenerationConfig(sampler, length, context, unknownChars, replacement, seed, value);
    }

    /**
     * The code point used for {@link UnknownChars#REPLACE}.
     *
     * @return the single code point of {@link #replacement()}
     */
    public int replacementCodePoint() {
        return replacement.codePointAt(0);
    }
}
