package dev.textgen.api;

/**
 * The facade for embedding generation: a model, its vectorizer and a sampler assembled from the
 * config, with {@code generate(seedText, length)} and a streaming form.
 */
public final class TextGenerator {
    private TextGenerator() {
    }
}
