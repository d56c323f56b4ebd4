package dev.textgen.server;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.UnknownChars;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;

import java.nio.file.Path;
import java.util.List;

/**
 * The model a benchmark runs: a model file as it is, or a config's architecture with fresh weights over a
 * 57-symbol vocabulary (the size of the reference notebook's lowercased Nietzsche; speed does not depend on the
 * weights). Generation is the issue's: temperature 0.5, stateful context.
 */
final class BenchModels {
    /** The symbols of the fresh model: 57, as the lowercased Nietzsche corpus has. */
    private static final String SYMBOLS = " !\"'(),-.0123456789:;=?[]_abcdefghijklmnopqrstuvwxyz\n\u00e4\u00e6\u00e9\u00eb";

    private BenchModels() {
    }

    /**
     * The model named by a benchmark's first argument; without one, prints {@code usage} and exits with code 2 (a
     * benchmark's main, not a library).
     */
    static TextGenerator fromArguments(String[] args, String usage) {
        if (args.length < 1) {
            System.err.println("usage: " + usage);
            System.exit(2);
        }
        return load(args[0]);
    }

    /** Argument {@code index} as an integer, or {@code fallback} when there are fewer arguments. */
    static int intArgument(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }

    static TextGenerator load(String modelOrConfig) {
        TextGenerator generator;
        if (modelOrConfig.endsWith(".json")) {
            TextgenConfig config = ConfigLoader.load(Path.of(modelOrConfig));
            Vocabulary vocabulary = Vocabulary.fromText(SYMBOLS);
            String defaultPrompt = "the meaning of life is the same as the meaning of the sun. ".repeat(2)
                    .substring(0, config.corpus().maxlen());
            try (TrainingEngine engine = Backends.installed().get(config.model().backend()).newEngine(config, vocabulary, null)) {
                LanguageModel model = engine.snapshot(defaultPrompt);
                generator = new TextGenerator(model);
            }
        } else {
            generator = TextGenerator.load(Path.of(modelOrConfig));
        }
        return generator.withConfig(settings(0, 0));
    }

    /** Temperature 0.5 in stateful context, {@code length} characters, random seed {@code seed}. */
    static GenerationConfig settings(int length, long seed) {
        return new GenerationConfig(SamplerConfig.of("temperature", "temperature", 0.5), length, GenerationConfig.Context.STATEFUL,
                UnknownChars.ERROR, " ", seed, List.of());
    }

    /** A prompt of the model's maxlen characters: its stored seed window. */
    static String prompt(TextGenerator generator) {
        return generator.model().defaultPrompt().orElseThrow(() -> new IllegalArgumentException("the model stores no seed"
                + " window to use as the prompt"));
    }
}
