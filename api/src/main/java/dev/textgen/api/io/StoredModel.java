package dev.textgen.api.io;

import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;

import java.util.Optional;

/**
 * The contents of a model file: config, vocabulary, weights, a window of training text to start
 * generation from, and for a checkpoint the training state.
 *
 * @param defaultPrompt a window of the training corpus to start generation from when no prompt is given, or null
 * @param training   the training state of a checkpoint, or null for a plain model
 */
public record StoredModel(TextgenConfig config, Vocabulary vocabulary, ModelWeights weights, String defaultPrompt,
                          TrainingState training) {

    public StoredModel {
        if (config == null || vocabulary == null || weights == null) {
            throw new IllegalArgumentException("config, vocabulary and weights are required");
        }
        if (weights.vocabularySize() != vocabulary.size()) {
            throw new IllegalArgumentException("weights are for " + weights.vocabularySize()
                    + " symbols but the vocabulary has " + vocabulary.size());
        }
    }

    public Optional<TrainingState> trainingState() {
        return Optional.ofNullable(training);
    }
}
