package dev.textgen.api.spi;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Trainer;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.training.TrainingLoop;

/**
 * A compute backend: runs models for inference and does the math of training. The training loop
 * itself (epochs, shuffling, validation, early stopping, schedules, checkpoints' state) is shared by
 * every backend: see {@link TrainingLoop}.
 */
public interface Backend {

    /**
     * The provider name, as in the config.
     *
     * @return the name, e.g. {@code scratch}, equal to its {@link BackendProvider#name()}
     */
    String name();

    /**
     * The compute kernels this backend runs on in this JVM, for logs and benchmark output.
     *
     * @return a short name, e.g. the scratch backend's {@code scalar} or {@code vector-512bit}; by default {@link #name()}
     */
    default String kernelName() {
        return name();
    }

    /**
     * An immutable, thread-safe model with the stored weights.
     *
     * @param model a validated model file's contents, in the portable layout
     * @return the model, converted to this backend's layout
     */
    LanguageModel load(StoredModel model);

    /**
     * A training engine for the configured architecture, starting from {@code initial} or, when it
     * is null, from fresh weights initialised with {@code config.training().seed()}.
     *
     * @param config the model and training settings
     * @param vocabulary the symbols the model reads and predicts
     * @param initial weights to start from, or null for fresh ones
     * @return a new engine; the caller closes it
     */
    TrainingEngine newEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial);

    /**
     * A trainer that starts from fresh weights.
     *
     * @param config the model and training settings
     * @param vocabulary the symbols the model reads and predicts
     * @param defaultPrompt a window of training text stored in the model for generation without a prompt, or null
     * @return a trainer at epoch 0
     */
    default Trainer newTrainer(TextgenConfig config, Vocabulary vocabulary, String defaultPrompt) {
        return TrainingLoop.start(this, config, vocabulary, defaultPrompt);
    }

    /**
     * A trainer that continues exactly where {@code checkpoint}'s training state left off.
     *
     * @param checkpoint a model file holding a training state
     * @return a trainer at the checkpoint's position
     */
    default Trainer resumeTrainer(StoredModel checkpoint) {
        return TrainingLoop.resume(this, checkpoint);
    }
}
