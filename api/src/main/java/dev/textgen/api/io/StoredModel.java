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
 * @param config the config the model was trained with
 * @param vocabulary the symbols, in id order
 * @param weights the weights, sized for {@code config} and {@code vocabulary}
 */
public record StoredModel(TextgenConfig config, Vocabulary vocabulary, ModelWeights weights, String defaultPrompt,
                          TrainingState training) {

    /**
     * Checks that the required parts are present and that the weights fit the vocabulary.
     *
     * @param config not null
     * @param vocabulary not null
     * @param weights not null; its vocabulary size must equal {@code vocabulary.size()}
     * @param defaultPrompt a window of training text, or null
     * @param training the checkpoint's training state, or null
     * @throws IllegalArgumentException when a required part is missing or the sizes differ
     */
    public StoredModel {
        if (config == null || vocabulary == null || weights == null) {
            throw new IllegalArgumentException("config, vocabulary and weights are required");
        }
        if (weights.vocabularySize() != vocabulary.size()) {
            throw new IllegalArgumentException("weights are for " + weights.vocabularySize()
                    + " symbols but the vocabulary has " + vocabulary.size());
        }
    }

    /**
     * The training state, present for a checkpoint.
     *
     * @return {@link #training()}, or empty for a plain model
     */
    public Optional<TrainingState> trainingState() {
        return Optional.ofNullable(training);
    }
}
