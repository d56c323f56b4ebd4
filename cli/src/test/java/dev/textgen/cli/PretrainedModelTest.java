package dev.textgen.cli;

import dev.textgen.api.TextGenerator;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.io.PretrainedModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pretrained model of textgen-model-nietzsche: the file the README describes, scoring the held-out loss
 * its training run recorded, and reachable by name from the CLI and from Java alike.
 */
class PretrainedModelTest {
    /** The held-out loss (nats/char) the training run printed for its best epoch; README.md gives it too. */
    private static final String RECORDED_HELD_OUT_LOSS = "1.2998";
    /** The SHA-256 of the bundled model file, as README.md gives it. */
    private static final String MODEL_SHA256 = "b9aa0bfcd1a7f2f8504f694ccc98cad9179323bfa45008e911bbf340664fc13d";

    @Test
    void theBundledFileIsTheOneTheReadmeDescribes() throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        String resource = PretrainedModels.DIRECTORY + "nietzsche" + PretrainedModels.EXTENSION;
        try (InputStream in = new DigestInputStream(getClass().getClassLoader().getResourceAsStream(resource), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(MODEL_SHA256);
        assertThat(PretrainedModels.names()).containsExactly("nietzsche");
    }

    @Test
    void itsHeldOutLossOnTheBundledCorpusIsTheRecordedOne() {
        // The model's stored config says which part was held out (the last 10%) and the window step (9).
        Cli.Result result = Cli.run("evaluate", "--corpus", "nietzsche.txt", "--part", "validation");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("model nietzsche on classpath:META-INF/textgen/datasets/nietzsche.txt (validation"
                + " part): 6,670 windows of 60 chars");
        assertThat(result.out()).contains("loss: " + RECORDED_HELD_OUT_LOSS + " nats/char");
    }

    @Test
    void generateUsesItWithoutModelByNameAndFromJava() {
        Cli.Result byDefault = Cli.run("generate", "--length", "80", "--seed", "5");
        Cli.Result byName = Cli.run("generate", "--model", "nietzsche", "--length", "80", "--seed", "5");
        assertThat(byDefault.code()).as(byDefault.err()).isZero();
        assertThat(byName.out()).isEqualTo(byDefault.out());

        TextGenerator generator = TextGenerator.pretrained("nietzsche");
        GenerationConfig stored = generator.config();
        GenerationConfig withSeed = new GenerationConfig(stored.sampler(), stored.length(), stored.context(),
                stored.unknownChars(), stored.replacement(), 5L, stored.stop());
        String fromJava = generator.withConfig(withSeed).generate("", 80);
        assertThat(fromJava).hasSize(80);
        assertThat(byDefault.out()).isEqualTo(fromJava + "\n");
        assertThat(generator.model().config().model().hiddenSize()).isEqualTo(256);
        assertThat(generator.model().config().model().layers()).isEqualTo(2);
    }
}
