package dev.textgen.api.training;

import dev.textgen.api.Trainer;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;

/**
 * The training loop every backend shares: epochs of seeded shuffled batches, validation, early
 * stopping with best-weights restore, reduce-on-plateau, non-finite detection (stop or roll back),
 * cancellation and exact resume. The backend supplies only a {@link dev.textgen.api.spi.TrainingEngine}.
 */
public final class TrainingLoop {
    private TrainingLoop() {
    }

    /** A trainer from fresh weights. */
    public static Trainer start(Backend backend, TextgenConfig config, Vocabulary vocabulary, String seedWindow) {
        throw new UnsupportedOperationException("implemented by the training-loop change");
    }

    /** A trainer continuing a checkpoint. */
    public static Trainer resume(Backend backend, StoredModel checkpoint) {
        throw new UnsupportedOperationException("implemented by the training-loop change");
    }
}
