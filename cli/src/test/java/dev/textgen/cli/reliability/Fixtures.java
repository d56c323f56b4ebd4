package dev.textgen.cli.reliability;

import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.testing.TinyCorpus;
import dev.textgen.cli.Main;
import dev.textgen.corpus.Corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Tiny corpora, configs and models written to a test's folder, and the CLI run in-process. */
final class Fixtures {
    /** The model file's size for the tiny config: small enough that every byte boundary is cheap to test. */
    static final int HIDDEN = 8;

    private Fixtures() {
    }

    /** What one in-process CLI run returned and printed. */
    record CliResult(int code, String out, String err) {
    }

    static CliResult cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, outStream, errStream);
        }
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The tiny test text {@code repeats} times (690 chars each) in {@code dir/corpus.txt}. */
    static Path corpus(Path dir, int repeats) throws IOException {
        return Files.writeString(dir.resolve("corpus.txt"), TinyCorpus.TEXT.repeat(repeats));
    }

    /**
     * A config for the tiny corpus: LSTM({@code hidden}) on scratch, windows of 10 every 3, batch 16, one
     * thread, a fifth held out, two checkpoints kept and no previews (they would only slow the epochs).
     */
    static String config(Path corpus, int epochs, int hidden) {
        return """
                {
                  "corpus": {"source": "%s", "maxlen": 10, "step": 3, "validationFraction": 0.2},
                  "model": {"backend": "scratch", "hiddenSize": %d},
                  "training": {"epochs": %d, "batchSize": 16, "seed": 7, "threads": 1, "keepCheckpoints": 2,
                               "preview": {"length": 0}},
                  "generation": {"length": 40, "seed": 3}
                }
                """.formatted(json(corpus.toString()), hidden, epochs);
    }

    static Path configFile(Path dir, Path corpus, int epochs, int hidden) throws IOException {
        return Files.writeString(dir.resolve("config.json"), config(corpus, epochs, hidden));
    }

    /** A model trained for two epochs on the tiny corpus, saved as {@code dir/model.safetensors}. */
    static Path trainedModel(Path dir) throws IOException {
        return trainedModel(dir, 2);
    }

    /** A model trained for {@code epochs} epochs on the tiny corpus, saved as {@code dir/model.safetensors}. */
    static Path trainedModel(Path dir, int epochs) throws IOException {
        TextgenConfig config = ConfigLoader.load(configFile(dir, corpus(dir, 2), epochs, HIDDEN));
        Corpus text = Corpus.load(config.corpus());
        try (Trainer trainer = Backends.installed().get(config.model().backend())
                .newTrainer(config, text.vocabulary(), text.randomWindow(new SplittableRandom(1)))) {
            TrainingHistory history = trainer.fit(text.trainWindows(), text.validationWindows(), TrainingListener.NONE);
            if (history.outcome() != TrainingHistory.Outcome.COMPLETED) {
                throw new IllegalStateException("the fixture model did not train: " + history);
            }
            Path file = dir.resolve("model.safetensors");
            trainer.model().save(file);
            return file;
        }
    }

    /** Every weight of {@code weights}, layer by layer, for finiteness checks and comparisons. */
    static Stream<float[]> arrays(ModelWeights weights) {
        Stream<float[]> lstm = weights.lstm().stream()
                .flatMap((LstmWeights layer) -> Stream.of(layer.kernel(), layer.recurrentKernel(), layer.bias()));
        return Stream.concat(lstm, Stream.of(weights.denseKernel(), weights.denseBias()));
    }

    /** {@code text} as the inside of a JSON string. */
    static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
