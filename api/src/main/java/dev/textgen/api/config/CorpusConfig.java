package dev.textgen.api.config;

import dev.textgen.api.TextNormalization;

import java.nio.charset.Charset;
import java.util.List;

/**
 * Where the text comes from and how it is cut into training windows.
 *
 * @param source             a file path, an {@code http(s)} URL, a {@code classpath:} resource, or a known corpus
 *                           name such as {@code nietzsche.txt} (read from the {@code textgen-datasets} artifact
 *                           when it is on the class path, else downloaded once into the cache)
 * @param sha256             expected SHA-256 of the downloaded bytes (hex), or null to skip the check
 *                           (known corpora carry their own)
 * @param cacheDir           download cache; null means {@code $TEXTGEN_CACHE} or {@code ~/.textgen/datasets}
 * @param charset            the text's charset name
 * @param malformed          {@code error} (fail naming the byte offset) or {@code replace} (U+FFFD)
 * @param lowercase          lowercase with {@code Locale.ROOT}, as the reference notebook does
 * @param nfc                apply Unicode NFC normalisation
 * @param normalizeNewlines  turn CRLF and lone CR into LF
 * @param maxlen             window length in symbols (the reference notebook's 60)
 * @param step               distance between window starts (the reference notebook's 3)
 * @param validationFraction the last fraction of the text held out for validation, in [0, 1)
 * @param maxVocabulary      the most distinct symbols accepted
 */
public record CorpusConfig(
        String source,
        String sha256,
        String cacheDir,
        String charset,
        String malformed,
        boolean lowercase,
        boolean nfc,
        boolean normalizeNewlines,
        int maxlen,
        int step,
        double validationFraction,
        int maxVocabulary) {

    /** The values {@link #malformed()} accepts, in the order error messages list them. */
    public static final List<String> MALFORMED_POLICIES = List.of("error", "replace");

    /**
     * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param source a file path, URL, {@code classpath:} resource or known corpus name; not blank
     * @param sha256 64 hexadecimal digits, or null
     * @param cacheDir the download cache directory, or null for the default
     * @param charset a charset this JVM supports
     * @param malformed one of {@link #MALFORMED_POLICIES}
     * @param lowercase whether to lowercase the text
     * @param nfc whether to apply NFC normalisation
     * @param normalizeNewlines whether to turn CRLF and CR into LF
     * @param maxlen window length in symbols, at least 1
     * @param step distance between window starts in symbols, at least 1
     * @param validationFraction held-out fraction of the text, in [0, 1)
     * @param maxVocabulary the most distinct symbols accepted, at least 1
     */
    public CorpusConfig {
        Require.present("corpus.source", source);
        if (source.isBlank()) {
            throw ConfigExceptions.blank("corpus.source", "a file path, an http(s) URL, classpath:NAME or nietzsche.txt");
        }
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw dev.textgen.api.ConfigException.invalid("corpus.sha256", sha256, "64 hexadecimal digits or null");
        }
        Require.present("corpus.charset", charset);
        if (!Charset.isSupported(charset)) {
            throw dev.textgen.api.ConfigException.invalid("corpus.charset", charset,
                    "a charset this JVM supports, e.g. UTF-8, ISO-8859-1, UTF-16");
        }
        Require.oneOf("corpus.malformed", malformed, MALFORMED_POLICIES);
        Require.atLeast("corpus.maxlen", maxlen, 1);
        Require.atLeast("corpus.step", step, 1);
        Require.inRange("corpus.validationFraction", validationFraction, 0.0, 1.0, false);
        Require.atLeast("corpus.maxVocabulary", maxVocabulary, 1);
    }

    /**
     * This config with another {@link #source()}.
     *
     * @param value the new source: a file path, URL, {@code classpath:} resource or known corpus name
     * @return a copy with {@code source} replaced
     */
    public CorpusConfig withSource(String value) {
        return new CorpusConfig(value, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #sha256()}.
     *
     * @param value the expected SHA-256 in hex, or null to skip the check
     * @return a copy with {@code sha256} replaced
     */
    public CorpusConfig withSha256(String value) {
        return new CorpusConfig(source, value, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #cacheDir()}.
     *
     * @param value the download cache directory, or null for the default
     * @return a copy with {@code cacheDir} replaced
     */
    public CorpusConfig withCacheDir(String value) {
        return new CorpusConfig(source, sha256, value, charset, malformed, lowercase, nfc, normalizeNewlines, maxlen,
                step, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #charset()}.
     *
     * @param value a charset name this JVM supports, e.g. {@code UTF-8}
     * @return a copy with {@code charset} replaced
     */
    public CorpusConfig withCharset(String value) {
        return new CorpusConfig(source, sha256, cacheDir, value, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #malformed()}.
     *
     * @param value {@code error} or {@code replace}
     * @return a copy with {@code malformed} replaced
     */
    public CorpusConfig withMalformed(String value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, value, lowercase, nfc, normalizeNewlines, maxlen,
                step, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #lowercase()}.
     *
     * @param value whether to lowercase the text
     * @return a copy with {@code lowercase} replaced
     */
    public CorpusConfig withLowercase(boolean value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, value, nfc, normalizeNewlines, maxlen,
                step, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #nfc()}.
     *
     * @param value whether to apply NFC normalisation
     * @return a copy with {@code nfc} replaced
     */
    public CorpusConfig withNfc(boolean value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, value, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #normalizeNewlines()}.
     *
     * @param value whether to turn CRLF and CR into LF
     * @return a copy with {@code normalizeNewlines} replaced
     */
    public CorpusConfig withNormalizeNewlines(boolean value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, value, maxlen, step,
                validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #maxlen()}.
     *
     * @param value window length in symbols, at least 1
     * @return a copy with {@code maxlen} replaced
     */
    public CorpusConfig withMaxlen(int value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                value, step, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #step()}.
     *
     * @param value distance between window starts in symbols, at least 1
     * @return a copy with {@code step} replaced
     */
    public CorpusConfig withStep(int value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, value, validationFraction, maxVocabulary);
    }

    /**
     * This config with another {@link #validationFraction()}.
     *
     * @param value held-out fraction of the text, in [0, 1)
     * @return a copy with {@code validationFraction} replaced
     */
    public CorpusConfig withValidationFraction(double value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, value, maxVocabulary);
    }

    /**
     * This config with another {@link #maxVocabulary()}.
     *
     * @param value the most distinct symbols accepted, at least 1
     * @return a copy with {@code maxVocabulary} replaced
     */
    public CorpusConfig withMaxVocabulary(int value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, value);
    }

    /**
     * The text changes these settings make, which a model's prompts get too.
     *
     * @return the lowercase, NFC and newline settings of this config
     */
    public TextNormalization normalization() {
        return new TextNormalization(nfc, lowercase, normalizeNewlines);
    }

    /**
     * The reference notebook's corpus settings: nietzsche.txt lowercased, 60-char windows every 3 chars, no held-out
     * part.
     *
     * @return the defaults
     */
    public static CorpusConfig defaults() {
        return new CorpusConfig("nietzsche.txt", null, null, "UTF-8", "error", true, false, false, 60, 3, 0.0, 65_536);
    }
}
