package dev.textgen.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every bad command line gets its exit code and one clear message on stderr, never a stack trace (unless --verbose). */
class UsageAndErrorsTest {
    @TempDir
    static Path dir;

    private static Path tinyConfig;
    private static Path badJson;
    private static Path notAModel;
    private static Path emptyRun;
    private static Path foreignText;
    private static Path diverging;
    private static Path fastBackend;
    private static Path hugeBatch;

    @BeforeAll
    static void files() throws IOException {
        tinyConfig = Cli.tinyConfig(dir, Cli.tinyCorpus(dir), 2);
        badJson = Files.writeString(dir.resolve("bad.json"), "{\n  \"training\": {\"epochs\": \"many\"}\n}\n");
        notAModel = Files.writeString(dir.resolve("notes.safetensors"), "these are my notes, not a model\n");
        emptyRun = Files.createDirectories(dir.resolve("empty-run"));
        diverging = Files.writeString(dir.resolve("diverging.json"), Files.readString(tinyConfig).replace("\"batchSize\": 16,",
                "\"batchSize\": 16, \"optimizer\": {\"type\": \"rmsprop\", \"learningRate\": 1e30},"));
        fastBackend = Files.writeString(dir.resolve("fast.json"), Files.readString(tinyConfig).replace("\"scratch\"", "\"fast\""));
        hugeBatch = Files.writeString(dir.resolve("huge-batch.json"), Files.readString(tinyConfig).replace("\"batchSize\": 16",
                "\"batchSize\": 4096"));
        foreignText = Files.writeString(dir.resolve("foreign.txt"), "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich");
    }

    static Stream<Arguments> badCommandLines() {
        String model = TrainedModel.model();
        String missing = dir.resolve("missing.safetensors").toString();
        return Stream.of(
                bad(2, "a command is required"),
                bad(2, "Unmatched argument at index 0: 'trian'", "trian"),
                bad(2, "Unknown options: '--epoch', '3'", "train", "--epoch", "3"),
                bad(2, "Invalid value for option '--epochs': 'x' is not an int", "train", "--epochs", "x"),
                bad(2, "training.epochs: 0 is invalid", "train", "--config", tinyConfig.toString(), "--epochs", "0"),
                bad(2, "bad.json:2:26: training.epochs: \"many\" is invalid", "train", "--config", badJson.toString()),
                bad(2, "missing.json", "train", "--config", dir.resolve("missing.json").toString()),
                bad(2, "leave out --config and --corpus", "train", "--resume", emptyRun.toString(), "--config", tinyConfig.toString()),
                bad(2, "no checkpoint to resume in " + emptyRun.resolve("checkpoints"), "train", "--resume", emptyRun.toString()),
                bad(2, "already holds the checkpoints of a run; continue it with --resume", "train", "--config", tinyConfig.toString(),
                        "--out", TrainedModel.folder().resolve("run").toString()),
                bad(2, "--backend scratsh: unknown backend \"scratsh\"; available: ", "train", "--config", tinyConfig.toString(), "--backend", "scratsh"),
                bad(1, "no-such-corpus.txt", "train", "--corpus", dir.resolve("no-such-corpus.txt").toString(), "--out",
                        dir.resolve("never").toString()),
                bad(1, "training diverged at epoch 1, batch", "train", "--config", diverging.toString(), "--out",
                        dir.resolve("diverged").toString()),
                bad(1, "no pretrained model \"shakespeare\" is on the class path; the pretrained models there are: nietzsche",
                        "generate", "--model", "shakespeare"),
                bad(1, missing + ": does not exist", "generate", "--model", missing),
                bad(1, notAModel + ": declares a header of", "generate", "--model", notAModel.toString()),
                bad(2, "mutually exclusive", "generate", "--model", model, "--prompt", "a", "--prompt-file", tinyConfig.toString()),
                bad(2, "--top-k and --top-p choose different samplers", "generate", "--model", model, "--top-k", "3", "--top-p", "0.9"),
                bad(2, "generation.sampler", "generate", "--model", model, "--temperature", "-1"),
                bad(2, "generation.context", "generate", "--model", model, "--context", "sideways"),
                bad(2, "did you mean \"top-k\"", "generate", "--model", model, "--sampler", "topk"),
                bad(2, "generation.length: -5 is invalid", "generate", "--model", model, "--length", "-5"),
                bad(2, "'€' (U+20AC) at 0", "generate", "--model", model, "--prompt", "€x", "--length", "5"),
                bad(2, "--backend gpu: unknown backend \"gpu\"; available: ", "generate", "--model", model, "--backend", "gpu"),
                bad(1, "--prompt-file: the prompt file " + dir.resolve("nope.txt") + " does not exist", "generate", "--model", model,
                        "--prompt-file", dir.resolve("nope.txt").toString()),
                bad(1, "--prompt-file: cannot read the prompt file " + emptyRun + ": it is a folder, not a file", "generate", "--model",
                        model, "--prompt-file", emptyRun.toString()),
                bad(2, "--backend gpu: unknown backend \"gpu\"; available: ", "evaluate", "--model", model, "--corpus",
                        TrainedModel.corpus(), "--backend", "gpu"),
                bad(2, "Missing required option: '--corpus=SRC'", "evaluate", "--model", model),
                bad(2, "--part", "evaluate", "--model", model, "--corpus", TrainedModel.corpus(), "--part", "train"),
                bad(1, "ö", "evaluate", "--model", model, "--corpus", foreignText.toString()),
                bad(2, "Missing required parameter: 'SRC'", "corpus"),
                bad(2, "corpus.maxlen: 0 is invalid", "corpus", TrainedModel.corpus(), "--maxlen", "0"),
                bad(2, "corpus.validationFraction: 1.5 is invalid", "corpus", TrainedModel.corpus(), "--validation-fraction", "1.5"),
                bad(1, "fewer than corpus.maxlen + 1 = 1,001 needed for one window", "corpus", foreignText.toString(), "--maxlen", "1000"),
                bad(2, "--batches must be >= 1", "bench", "--batches", "0"),
                bad(2, "bad.json:2:26: training.epochs: \"many\" is invalid", "bench", "--config", badJson.toString()),
                bad(2, "missing.json", "bench", "--config", dir.resolve("missing.json").toString()),
                bad(2, "model.backend: unknown backend \"fast\"; available: ", "bench", "--config", fastBackend.toString()),
                bad(1, "fewer than one batch (training.batchSize = 4096)", "bench", "--config", hugeBatch.toString()),
                bad(2, "--backend fast: unknown backend \"fast\"; available: ", "bench", "--backend", "fast"));
    }

    private static Arguments bad(int code, String message, String... args) {
        return Arguments.of(String.join(" ", args), code, message, args);
    }

    @ParameterizedTest(name = "textgen {0} -> {1}")
    @MethodSource("badCommandLines")
    void aBadCommandLineGetsItsExitCodeAndOneClearMessage(String line, int code, String message, String[] args) {
        Cli.Result result = Cli.run(args);

        assertThat(result.code()).as(result.err()).isEqualTo(code);
        assertThat(result.err()).contains(message).contains("error: ").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(result.err().lines().count()).as(result.err()).isLessThanOrEqualTo(5);
    }

    @Test
    void anUnknownBackendMessageNamesTheFlagTheValueAndTheInstalledBackends() {
        Cli.Result result = Cli.run("train", "--config", tinyConfig.toString(), "--backend", "tensorflow");

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("textgen train: error: --backend tensorflow: unknown backend \"tensorflow\"; available: ")
                .containsPattern("available: [a-z0-9, ]*scratch");
    }

    @Test
    void verboseAddsTheStackTrace() {
        String missing = dir.resolve("missing.safetensors").toString();

        Cli.Result result = Cli.run("generate", "--model", missing, "--verbose");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("dev.textgen.api.ModelFileException: " + missing + ": does not exist", "\tat ");
    }

    @Test
    void helpWorksEverywhereAndListsTheExitCodes() {
        List<String> commands = new ArrayList<>(List.of("train", "generate", "evaluate", "corpus", "bench", "serve"));
        Cli.Result top = Cli.run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("Usage: textgen", "Exit codes:", "130", "train", "generate", "evaluate", "corpus", "bench", "serve");
        for (String command : commands) {
            Cli.Result help = Cli.run(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: textgen " + command, "Exit codes:", "--verbose");
            assertThat(help.err()).isEmpty();
        }
        assertThat(Cli.run("generate", "--help").out()).contains("--prompt", "--prompt-file", "--length", "--sampler",
                "--temperature", "--top-k", "--top-p", "--seed", "--context", "--backend", "--stop")
                .doesNotContain("--seed-text", "--seed-file");
        assertThat(Cli.run("train", "--help").out()).contains("--config", "--corpus", "--backend", "--epochs", "--out", "--resume");
        assertThat(Cli.run("--version").out()).startsWith("textgen ");
    }
}
