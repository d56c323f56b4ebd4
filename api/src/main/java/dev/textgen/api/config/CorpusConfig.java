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

    public static final List<String> MALFORMED_POLICIES = List.of("error", "replace");

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

    /** This config with another {@link #source()}. */
    public CorpusConfig withSource(String value) {
        return new CorpusConfig(value, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #sha256()}. */
    public CorpusConfig withSha256(String value) {
        return new CorpusConfig(source, value, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #cacheDir()}. */
    public CorpusConfig withCacheDir(String value) {
        return new CorpusConfig(source, sha256, value, charset, malformed, lowercase, nfc, normalizeNewlines, maxlen,
                step, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #charset()}. */
    public CorpusConfig withCharset(String value) {
        return new CorpusConfig(source, sha256, cacheDir, value, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #malformed()}. */
    public CorpusConfig withMalformed(String value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, value, lowercase, nfc, normalizeNewlines, maxlen,
                step, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #lowercase()}. */
    public CorpusConfig withLowercase(boolean value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, value, nfc, normalizeNewlines, maxlen,
                step, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #nfc()}. */
    public CorpusConfig withNfc(boolean value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, value, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #normalizeNewlines()}. */
    public CorpusConfig withNormalizeNewlines(boolean value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, value, maxlen, step,
                validationFraction, maxVocabulary);
    }

    /** This config with another {@link #maxlen()}. */
    public CorpusConfig withMaxlen(int value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                value, step, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #step()}. */
    public CorpusConfig withStep(int value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, value, validationFraction, maxVocabulary);
    }

    /** This config with another {@link #validationFraction()}. */
    public CorpusConfig withValidationFraction(double value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, value, maxVocabulary);
    }

    /** This config with another {@link #maxVocabulary()}. */
    public CorpusConfig withMaxVocabulary(int value) {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, value);
    }

    /** The text changes these settings make, which a model's prompts get too. */
    public TextNormalization normalization() {
        return new TextNormalization(nfc, lowercase, normalizeNewlines);
    }

    /** The reference notebook's corpus settings: nietzsche.txt lowercased, 60-char windows every 3 chars, no held-out part. */
    public static CorpusConfig defaults() {
        return new CorpusConfig("nietzsche.txt", null, null, "UTF-8", "error", true, false, false, 60, 3, 0.0, 65_536);
    }
}
