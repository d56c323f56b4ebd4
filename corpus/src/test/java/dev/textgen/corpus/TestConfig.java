package dev.textgen.corpus;

import dev.textgen.api.config.CorpusConfig;

/** Corpus settings for tests: the reference notebook's defaults, changed one field at a time. */
final class TestConfig {
    private String source = "test text";
    private String sha256;
    private String cacheDir;
    private String charset = "UTF-8";
    private String malformed = "error";
    private boolean lowercase = true;
    private boolean nfc;
    private boolean normalizeNewlines;
    private int maxlen = 60;
    private int step = 3;
    private double validationFraction;
    private int maxVocabulary = 65_536;

    static TestConfig seed() {
        return new TestConfig();
    }

    TestConfig source(String value) {
        source = value;
        return this;
    }

    TestConfig sha256(String value) {
        sha256 = value;
        return this;
    }

    TestConfig cacheDir(String value) {
        cacheDir = value;
        return this;
    }

    TestConfig charset(String value) {
        charset = value;
        return this;
    }

    TestConfig malformed(String value) {
        malformed = value;
        return this;
    }

    TestConfig lowercase(boolean value) {
        lowercase = value;
        return this;
    }

    TestConfig nfc(boolean value) {
        nfc = value;
        return this;
    }

    TestConfig normalizeNewlines(boolean value) {
        normalizeNewlines = value;
        return this;
    }

    TestConfig window(int newMaxlen, int newStep) {
        maxlen = newMaxlen;
        step = newStep;
        return this;
    }

    TestConfig validationFraction(double value) {
        validationFraction = value;
        return this;
    }

    TestConfig maxVocabulary(int value) {
        maxVocabulary = value;
        return this;
    }

    CorpusConfig build() {
        return new CorpusConfig(source, sha256, cacheDir, charset, malformed, lowercase, nfc, normalizeNewlines,
                maxlen, step, validationFraction, maxVocabulary);
    }
}
