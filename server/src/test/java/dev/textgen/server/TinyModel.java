package dev.textgen.server;

import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.testing.TinyCorpus;

import java.nio.file.Path;

/** A small scratch model trained in a few seconds on {@link TinyCorpus}'s text, the same for every test. */
final class TinyModel {
    /** Enough for the model to write the text's words, so that stop sequences occur. */
    private static final int EPOCHS = 40;
    private static TextGenerator generator;

    private TinyModel() {
    }

    /** The trained model's generator, with the model's own generation config. */
    static synchronized TextGenerator generator() {
        if (generator == null) {
            TextgenConfig config = TinyCorpus.config("scratch", 32);
            TrainingConfig training = config.training();
            config = config.withTraining(TinyCorpus.training(EPOCHS, training.batchSize(), training.optimizer(),
                    training.earlyStopping(), training.reduceLrOnPlateau(), training.onNonFinite()));
            try (Trainer trainer = Backends.installed().get("scratch").newTrainer(config, TinyCorpus.vocabulary(),
                    TinyCorpus.defaultPrompt())) {
                trainer.fit(TinyCorpus.train(), TinyCorpus.validation(), TrainingListener.NONE);
                generator = new TextGenerator(trainer.model());
            }
        }
        return generator;
    }

    /** The model written to {@code dir/tiny.safetensors}. */
    static Path saved(Path dir) {
        Path file = dir.resolve("tiny.safetensors");
        generator().model().save(file);
        return file;
    }
}
