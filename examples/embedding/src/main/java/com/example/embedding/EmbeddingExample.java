package com.example.embedding;

import dev.textgen.api.EpochResult;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.sdk.TrainingRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Embeds textgen in an application: trains the model a JSON config describes in a run folder, resumes the
 * finished run (which returns at once), loads the model and generates text, in one call and streamed.
 * The backend is whatever the config's model.backend names; this code never mentions one.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {
    }

    public static void main(String[] args) throws IOException {
        TextgenConfig config = ConfigLoader.load(Path.of(args.length > 0 ? args[0] : "scratch.json"));
        Path runDir = Files.createTempDirectory("textgen-run");

        try (TrainingRun run = TrainingRun.start(config, runDir)) {
            TrainingHistory history = run.fit();
            EpochResult last = history.epochs().get(history.epochs().size() - 1);
            System.out.printf("backend %s: epoch %d, held-out loss %.3f nats/char (%.2f bits), model in %s%n",
                    config.model().backend(), last.epoch(), last.validationLoss(), last.validationBitsPerChar(), run.modelFile());
        }
        try (TrainingRun run = TrainingRun.resume(runDir)) {
            run.fit();   // finished: returns at once
        }
        TextGenerator generator = TextGenerator.load(runDir.resolve("model.safetensors"));
        String prompt = "the meaning of life is ";
        System.out.println("generated: " + prompt + generator.generate(prompt, 120));
        System.out.print("streamed:  " + prompt);
        generator.generate(prompt, 120, System.out::print);
        System.out.println();
    }
}
