package dev.textgen.api.config;

import dev.textgen.api.ConfigException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Bad config files, each rejected with one ConfigException at the exact path and line:column. */
class ConfigErrorsTest {

    @TempDir
    Path dir;

    /** name, document, JSON path ("" for the document), "line:column" (null: none), message parts. */
    static Stream<Arguments> badDocuments() {
        return Stream.of(
                arguments("misspelt field", """
                        {
                          "model": {
                            "hiddenSzie": 64
                          }
                        }
                        """, "model.hiddenSzie", "3:5", new String[]{"unknown field \"hiddenSzie\" in model",
                        "allowed: backend, hiddenSize, layers, recurrentActivation, dropout, recurrentDropout",
                        "did you mean \"hiddenSize\"?"}),
                arguments("recurrent dropout of 1", "{\"model\": {\"recurrentDropout\": 1}}", "model.recurrentDropout", "1:32",
                        new String[]{"model.recurrentDropout: 1.0 is invalid", "allowed: a number in [0.0, 1.0)"}),
                arguments("field in the wrong case", "{\"model\": {\"HiddenSize\": 64}}", "model.HiddenSize", "1:12",
                        new String[]{"unknown field \"HiddenSize\"", "did you mean \"hiddenSize\"?"}),
                arguments("comment", "{\n  // the seed\n}", "", "2:3",
                        new String[]{"invalid JSON", "comment"}),
                arguments("misspelt section", "{\"trainig\": {\"epochs\": 5}}", "trainig", "1:2",
                        new String[]{"unknown field \"trainig\"", "allowed: corpus, model, training, generation",
                                "did you mean \"training\"?"}),
                arguments("negative learning rate", """
                        {
                          "training": {
                            "optimizer": {"learningRate": -1}
                          }
                        }
                        """, "training.optimizer.learningRate", "3:35", new String[]{"-1.0 is invalid",
                        "allowed: a finite number > 0"}),
                arguments("negative checkpoint cadence", "{\"training\": {\"checkpointEveryBatches\": -1}}",
                        "training.checkpointEveryBatches", "1:41", new String[]{"-1 is invalid", "allowed: an integer >= 0"}),
                arguments("number for a string", "{\"model\": {\"backend\": 5}}", "model.backend", "1:23",
                        new String[]{"5 is invalid; allowed: a string"}),
                arguments("misspelt optimizer", """
                        {
                          "training": {"optimizer": {"type": "rmsprpo"}}
                        }
                        """, "training.optimizer.type", "2:38", new String[]{"\"rmsprpo\" is not an optimizer",
                        "allowed: rmsprop, adam, sgd", "did you mean \"rmsprop\"?"}),
                arguments("field of another optimizer", "{\"training\": {\"optimizer\": {\"type\": \"adam\", \"rho\": 0.9}}}",
                        "training.optimizer.rho", "1:45", new String[]{"unknown field \"rho\" in training.optimizer",
                                "allowed: type, learningRate, beta1, beta2, epsilon, decay"}),
                arguments("negative decay", "{\"training\": {\"optimizer\": {\"decay\": -0.1}}}",
                        "training.optimizer.decay", "1:38", new String[]{"-0.1 is invalid", "allowed: a finite number >= 0"}),
                arguments("misspelt decay", "{\"training\": {\"optimizer\": {\"type\": \"sgd\", \"decya\": 0.01}}}",
                        "training.optimizer.decya", "1:44", new String[]{"unknown field \"decya\" in training.optimizer",
                                "allowed: type, learningRate, decay", "did you mean \"decay\"?"}),
                arguments("optimizer as a string", "{\"training\": {\"optimizer\": \"adam\"}}", "training.optimizer", "1:28",
                        new String[]{"\"adam\" is invalid", "allowed: an object such as {\"type\": \"adam\""}),
                arguments("unknown sampler parameter", """
                        {
                          "generation": {
                            "sampler": {"type": "top-k", "kk": 40}
                          }
                        }
                        """, "generation.sampler.kk", "3:34", new String[]{"the \"top-k\" sampler has no parameter \"kk\"",
                        "allowed: k, temperature", "did you mean \"k\"?"}),
                arguments("misspelt sampler", "{\"generation\": {\"sampler\": {\"type\": \"top-q\", \"p\": 0.9}}}",
                        "generation.sampler.type", "1:37", new String[]{"\"top-q\" is not an installed sampler",
                                "allowed: greedy, min-p, temperature, top-k, top-p", "did you mean \"top-k\" or \"top-p\"?"}),
                arguments("sampler parameter not a number",
                        "{\"generation\": {\"sampler\": {\"type\": \"top-k\", \"k\": \"forty\"}}}", "generation.sampler.k", "1:51",
                        new String[]{"\"forty\" is invalid; allowed: a number"}),
                arguments("sampler value its provider rejects", "{\"generation\": {\"sampler\": {\"temperature\": -1}}}",
                        "generation.sampler.temperature", "1:44", new String[]{"(temperature sampler): temperature -1.0 is invalid",
                                "allowed: a number >= 0"}),
                arguments("sampler value rejected in the provider's own words",
                        "{\"generation\": {\"sampler\": {\"type\": \"top-k\", \"k\": 0}}}", "generation.sampler", "1:28",
                        new String[]{"generation.sampler (top-k): needs k >= 1"}),
                arguments("string for an integer", """
                        {
                          "training": {
                            "epochs": "10"
                          }
                        }
                        """, "training.epochs", "3:15", new String[]{"\"10\" is invalid; allowed: an integer"}),
                arguments("fraction for an integer", "{\"training\": {\"batchSize\": 12.5}}", "training.batchSize", "1:28",
                        new String[]{"12.5 is invalid; allowed: an integer"}),
                arguments("integer too large", "{\"corpus\": {\"maxlen\": 3000000000}}", "corpus.maxlen", "1:23",
                        new String[]{"3000000000 is invalid", "allowed: an integer between -2147483648 and 2147483647"}),
                arguments("null for an integer", "{\"model\": {\"layers\": null}}", "model.layers", "1:22",
                        new String[]{"null is invalid; allowed: an integer"}),
                arguments("null for a section", "{\"model\": null}", "model", "1:11",
                        new String[]{"null is invalid; allowed: an object"}),
                arguments("null for a string", "{\"corpus\": {\"source\": null}}", "corpus.source", "1:23",
                        new String[]{"null is invalid; allowed: a string"}),
                arguments("string for a boolean", "{\"corpus\": {\"lowercase\": \"yes\"}}", "corpus.lowercase", "1:26",
                        new String[]{"\"yes\" is invalid; allowed: true or false"}),
                arguments("misspelt enum", """
                        {
                          "generation": {
                            "unknownChars": "skp"
                          }
                        }
                        """, "generation.unknownChars", "3:21", new String[]{"\"skp\" is invalid",
                        "allowed: error, skip, replace", "did you mean \"skip\"?"}),
                arguments("misspelt context", "{\"generation\": {\"context\": \"statefull\"}}", "generation.context", "1:28",
                        new String[]{"\"statefull\" is invalid; allowed: window, stateful", "did you mean \"stateful\"?"}),
                arguments("misspelt activation", "{\"model\": {\"recurrentActivation\": \"hard-sigmoid\"}}",
                        "model.recurrentActivation", "1:35", new String[]{"allowed: sigmoid, hard_sigmoid",
                                "did you mean \"hard_sigmoid\"?"}),
                arguments("misspelt loss", "{\"training\": {\"loss\": \"all_steps\"}}", "training.loss", "1:23",
                        new String[]{"\"all_steps\" is invalid; allowed: last-step, all-steps", "did you mean \"all-steps\"?"}),
                arguments("number for an enum", "{\"training\": {\"onNonFinite\": 1}}", "training.onNonFinite", "1:30",
                        new String[]{"1 is invalid; allowed: stop, rollback"}),
                arguments("misspelt spark optimizer state", "{\"spark\": {\"optimizerState\": \"averge\"}}",
                        "spark.optimizerState", "1:30",
                        new String[]{"\"averge\" is invalid; allowed: average, reset", "did you mean \"average\"?"}),
                arguments("misspelt spark learning-rate rule", "{\"spark\": {\"learningRateScale\": \"atuo\"}}",
                        "spark.learningRateScale", "1:33",
                        new String[]{"spark.learningRateScale: \"atuo\" is invalid; allowed: \"auto\" or a finite number > 0"}),
                arguments("zero spark learning-rate scale", "{\"spark\": {\"learningRateScale\": 0}}",
                        "spark.learningRateScale", "1:33",
                        new String[]{"spark.learningRateScale: 0.0 is invalid; allowed: \"auto\" or a finite number > 0"}),
                arguments("out-of-range fraction", "{\"corpus\": {\"validationFraction\": 1}}", "corpus.validationFraction",
                        "1:35", new String[]{"1.0 is invalid; allowed: a number in [0.0, 1.0)"}),
                arguments("bad checksum", "{\"corpus\": {\"sha256\": \"abc\"}}", "corpus.sha256", "1:23",
                        new String[]{"\"abc\" is invalid; allowed: 64 hexadecimal digits or null"}),
                arguments("bad list element", """
                        {
                          "training": {
                            "preview": {
                              "temperatures": [0.2, -0.5]
                            }
                          }
                        }
                        """, "training.preview.temperatures[1]", "4:29", new String[]{"-0.5 is invalid",
                        "allowed: a finite number >= 0"}),
                arguments("empty stop sequence", "{\"generation\": {\"stop\": [\"end\", \"\"]}}", "generation.stop[1]", "1:33",
                        new String[]{"\"\" is invalid; allowed: a non-empty string"}),
                arguments("duplicate key", """
                        {
                          "model": {
                            "layers": 2,
                            "layers": 3
                          }
                        }
                        """, "model.layers", "4:5", new String[]{"duplicate field \"layers\" (first at line 3, column 5)"}),
                arguments("trailing comma", "{\"model\": {\"layers\": 2,}}", "model", "1:24",
                        new String[]{"invalid JSON in model", "double-quote to start field name"}),
                arguments("trailing garbage", "{\"model\": {}}\n}\n", "", "2:1",
                        new String[]{"unexpected content after the end of the JSON object", "allowed: only whitespace"}),
                arguments("second document", "{}\n  {\"model\": {}}", "", "2:3",
                        new String[]{"unexpected \"{\" after the end of the JSON object; allowed: only whitespace"}),
                arguments("array root", "[{\"model\": {}}]", "", "1:1",
                        new String[]{"the document is an array", "allowed: a JSON object with the sections"}),
                arguments("empty file", "  \n", "", null,
                        new String[]{"the document is empty", "allowed: a JSON object"}));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1e-4, Double.NaN, Double.POSITIVE_INFINITY})
    void aDecayThatIsNotAFiniteNumberAtLeastZeroIsRejectedByEveryOptimizer(double decay) {
        String expected = "training.optimizer.decay: " + decay + " is invalid; allowed: a finite number >= 0";

        assertThatThrownBy(() -> new OptimizerConfig.RmsProp(0.01, 0.9, 1e-7, decay))
                .isInstanceOf(ConfigException.class).hasMessage(expected);
        assertThatThrownBy(() -> new OptimizerConfig.Adam(0.001, 0.9, 0.999, 1e-7, decay))
                .isInstanceOf(ConfigException.class).hasMessage(expected);
        assertThatThrownBy(() -> new OptimizerConfig.Sgd(0.01, decay))
                .isInstanceOf(ConfigException.class).hasMessage(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDocuments")
    void isRejectedWithPathLocationAndAdvice(String name, String json, String path, String lineColumn, String[] parts)
            throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), json);

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, ConfigOverrides.none(), TestSamplerProvider.samplers()));

        assertThat(e).as("rejected").isNotNull();
        assertThat(e.path()).isEqualTo(path.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(path));
        String prefix = lineColumn == null ? file + ": " : file + ":" + lineColumn + ": ";
        assertThat(e.getMessage()).startsWith(prefix).contains(parts);
        if (!path.isEmpty() && !e.getMessage().contains("invalid JSON")) {
            assertThat(e.getMessage()).startsWith(prefix + path);
        }
    }
}
