package dev.textgen.cli;

import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the CLI writes to stderr: one plain line per thing the user must know, never a two-line
 * {@code java.util.logging} record; informational lines only with {@code --verbose}.
 */
class ConsoleOutputTest {
    @TempDir
    Path dir;

    @Test
    void aModelWhoseBackendIsMissingRunsOnAnotherAfterOnePlainWarningLine() {
        StoredModel stored = ModelFile.read(Path.of(TrainedModel.model()));
        Path file = dir.resolve("from-tensorflow.safetensors");
        ModelFile.write(file, new StoredModel(stored.config().withModel(stored.config().model().withBackend("tensorflow")),
                stored.vocabulary(), stored.weights(), stored.defaultPrompt(), null));
        Handler[] handlers = Logger.getLogger("").getHandlers();

        Cli.Result substituted = Cli.run("generate", "--model", file.toString(), "--length", "20", "--seed", "3");
        Cli.Result original = Cli.run("generate", "--model", TrainedModel.model(), "--length", "20", "--seed", "3");
        Cli.Result verbose = Cli.run("generate", "--model", file.toString(), "--length", "20", "--seed", "3", "--verbose");
        Cli.Result chosen = Cli.run("generate", "--model", file.toString(), "--length", "20", "--seed", "3", "--backend",
                "scratch");

        assertThat(substituted.code()).as(substituted.err()).isZero();
        assertThat(substituted.out()).isEqualTo(original.out()).hasSize(21);
        assertThat(substituted.err().lines()).containsExactly("textgen: warning: the model was trained on the backend"
                + " \"tensorflow\", which is not installed; running it on \"scratch\"");
        assertThat(verbose.err().lines()).contains("textgen: warning: [dev.textgen.api.spi.Backends] the model was trained"
                + " on the backend \"tensorflow\", which is not installed; running it on \"scratch\"");
        assertThat(chosen.err()).as("--backend chose it: nothing to say").isEmpty();
        assertThat(original.err()).isEmpty();
        assertThat(Logger.getLogger("").getHandlers()).as("the JVM's handlers are back after each run")
                .containsExactly(handlers);
    }

    @Test
    void informationalLinesAppearOnlyWithVerboseEachOnOneLine() throws IOException {
        Path corpus = Cli.tinyCorpus(dir);
        // A rate this high overshoots: at epoch 3 the held-out loss lands well above its best, so the plateau
        // rule lowers the rate there.
        Path config = Files.writeString(dir.resolve("plateau.json"), """
                {
                  "corpus": {"source": "%s", "maxlen": 10, "step": 3, "validationFraction": 0.3},
                  "model": {"hiddenSize": 8},
                  "training": {"epochs": 3, "batchSize": 8, "threads": 1, "seed": 7, "preview": {"length": 0},
                               "optimizer": {"type": "rmsprop", "learningRate": 2.0},
                               "reduceLrOnPlateau": {"patience": 1, "factor": 0.5}}
                }
                """.formatted(corpus.toString().replace("\\", "\\\\")));

        Cli.Result quiet = Cli.run("train", "--config", config.toString(), "--out", dir.resolve("quiet").toString());
        Cli.Result verbose = Cli.run("train", "--config", config.toString(), "--out", dir.resolve("verbose").toString(),
                "--verbose");

        assertThat(quiet.code()).as(quiet.err()).isZero();
        assertThat(verbose.code()).as(verbose.err()).isZero();
        assertThat(quiet.err()).isEmpty();
        List<String> lines = verbose.err().lines().toList();
        assertThat(lines).contains("textgen: info: [dev.textgen.api.training.TrainingLoop] epoch 3: held-out loss has"
                + " not improved for 1 epochs; learning rate 2.0 -> 1.0");
        assertThat(lines).allMatch(line -> line.startsWith("textgen: info: [dev.textgen."), "one prefixed line per record");
    }
}
