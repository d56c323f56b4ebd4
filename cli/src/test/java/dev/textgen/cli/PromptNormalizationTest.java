package dev.textgen.cli;

import dev.textgen.api.TextGenerator;
import dev.textgen.api.io.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prompt reaches the model normalised as its training text was (NFC, lowercase, newlines), with the same
 * text from {@code textgen generate} as from {@link TextGenerator} embedded, for a model trained now and for
 * {@value #OLDER_FILE}: a model file that textgen wrote at commit e6d3a38, before the normalisation travelled
 * with the model (trained on the text of {@link #TEXT} with the config of {@link #CONFIG}).
 */
class PromptNormalizationTest {
    private static final String OLDER_FILE = "cafe-e6d3a38.safetensors";
    private static final String TEXT = ("The Café is open.\r\nThe cafe\u0301 is CLOSED today.\r\n"
            + "A café, a CAFÉ, a cafe\u0301: the same word.\r\n").repeat(4);
    private static final String CONFIG = """
            {
              "corpus": {"source": "%s", "lowercase": true, "nfc": true, "normalizeNewlines": true, "maxlen": 10, "step": 3},
              "model": {"backend": "scratch", "hiddenSize": 4},
              "training": {"epochs": 1, "batchSize": 16, "seed": 7, "threads": 1, "preview": {"length": 0}},
              "generation": {"length": 20}
            }
            """;
    private static final int LENGTH = 30;
    private static final long SEED = 11;
    /** Capitals, a CRLF, and a decomposed "é" (e and U+0301), none of which the model's vocabulary has. */
    private static final String RAW_PROMPT = "THE CAFE\u0301\r\nIS";
    private static final String NORMALISED_PROMPT = "the café\nis";

    @TempDir
    static Path dir;

    @BeforeAll
    static void trainAndCopyTheOlderFile() throws IOException {
        Path corpus = Files.writeString(dir.resolve("cafe.txt"), TEXT, StandardCharsets.UTF_8);
        Path config = Files.writeString(dir.resolve("cafe.json"),
                CONFIG.formatted(corpus.toString().replace("\\", "\\\\")));
        Cli.Result trained = Cli.run("train", "--config", config.toString(), "--out", dir.resolve("run").toString());
        assertThat(trained.code()).as(trained.err()).isZero();
        try (InputStream older = PromptNormalizationTest.class.getResourceAsStream(OLDER_FILE)) {
            assertThat(older).as(OLDER_FILE).isNotNull();
            Files.copy(older, dir.resolve(OLDER_FILE));
        }
    }

    private static Path model(String which) {
        return which.equals("older") ? dir.resolve(OLDER_FILE) : dir.resolve("run").resolve("model.safetensors");
    }

    @ParameterizedTest(name = "{0} model file")
    @ValueSource(strings = {"older", "new"})
    void aRawPromptGivesTheNormalisedPromptsTextEmbeddedAndFromTheCli(String which) throws IOException {
        Path model = model(which);
        assertThat(ModelFile.read(model).config().corpus().normalization().lowercase()).isTrue();
        assertThat(ModelFile.read(model).vocabulary().contains('T')).isFalse();
        assertThat(ModelFile.read(model).vocabulary().contains('\r')).isFalse();
        assertThat(ModelFile.read(model).vocabulary().contains(0x0301)).isFalse();
        TextGenerator embedded = TextGenerator.load(model);
        embedded = embedded.withConfig(embedded.config().withSeed(SEED));

        String expected = embedded.generate(NORMALISED_PROMPT, LENGTH);
        Path promptFile = Files.writeString(dir.resolve(which + "-prompt.txt"), RAW_PROMPT, StandardCharsets.UTF_8);
        String seed = Long.toString(SEED);
        String length = Integer.toString(LENGTH);

        assertThat(expected).hasSize(LENGTH);
        assertThat(embedded.generate(RAW_PROMPT, LENGTH)).isEqualTo(expected);
        assertThat(generated("--model", model.toString(), "--prompt", RAW_PROMPT, "--length", length, "--seed", seed))
                .isEqualTo(expected);
        assertThat(generated("--model", model.toString(), "--prompt-file", promptFile.toString(), "--length", length,
                "--seed", seed)).isEqualTo(expected);
        assertThat(generated("--model", model.toString(), "--prompt", NORMALISED_PROMPT, "--length", length, "--seed",
                seed)).isEqualTo(expected);
    }

    private static String generated(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "generate";
        System.arraycopy(args, 0, command, 1, args.length);
        Cli.Result result = Cli.run(command);
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).endsWith("\n");
        return result.out().substring(0, result.out().length() - 1);
    }
}
