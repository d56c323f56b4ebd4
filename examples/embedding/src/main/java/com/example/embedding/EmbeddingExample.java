package com.example.embedding;

import dev.textgen.api.EpochResult;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.corpus.Corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Embeds textgen in an application: trains the model a JSON config describes, saves it, loads it back
 * and generates text, in one call and streamed. The backend is whatever the config's model.backend
 * names; this code never mentions one.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {
    }

    public static void main(String[] args) throws IOException {
        TextgenConfig config = ConfigLoader.load(Path.of(args.length > 0 ? args[0] : "scratch.json"));
        Corpus corpus = Corpus.load(config.corpus());
        Backend backend = Backends.installed().get(config.model().backend());
        Path modelFile = Files.createTempDirectory("textgen-example").resolve("model.safetensors");

        try (Trainer trainer = backend.newTrainer(config, corpus.vocabulary(),
                corpus.randomWindow(new SplittableRandom(config.training().seed())))) {
            TrainingHistory history = trainer.fit(corpus.trainWindows(), corpus.validationWindows(), TrainingListener.NONE);
            EpochResult last = history.epochs().get(history.epochs().size() - 1);
            System.out.printf("backend %s: epoch %d, train loss %.3f, held-out loss %.3f nats/char (%.2f bits), %.1f s%n",
                    backend.name(), last.epoch(), last.trainLoss(), last.validationLoss(), last.validationBitsPerChar(),
                    last.seconds());
            trainer.model().save(modelFile);
        }

        TextGenerator generator = TextGenerator.load(modelFile);
        String seed = "the meaning of life is ";
        System.out.println("generated: " + seed + generator.generate(seed, 120));
        System.out.print("streamed:  " + seed);
        generator.generate(seed, 120, chunk -> System.out.print(chunk));
        System.out.println();
    }
}
