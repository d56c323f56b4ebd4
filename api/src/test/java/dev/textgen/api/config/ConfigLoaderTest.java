package dev.textgen.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.ConfigException;
import dev.textgen.api.UnknownChars;
import dev.textgen.api.spi.Samplers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ConfigLoaderTest {
    private static final Samplers SAMPLERS = TestSamplerProvider.samplers();

    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    private TextgenConfig load(String json) throws IOException {
        return ConfigLoader.load(write("config.json", json), ConfigOverrides.none(), SAMPLERS);
    }

    @Test
    void anEmptyObjectGivesTheSeedsSetup() throws IOException {
        TextgenConfig config = load("{}");

        assertThat(config).isEqualTo(TextgenConfig.defaults());
        CorpusConfig corpus = config.corpus();
        assertThat(corpus.source()).isEqualTo("nietzsche.txt");
        assertThat(corpus.lowercase()).isTrue();
        assertThat(corpus.maxlen()).isEqualTo(60);
        assertThat(corpus.step()).isEqualTo(3);
        assertThat(corpus.validationFraction()).isZero();
        assertThat(config.model().hiddenSize()).isEqualTo(128);
        assertThat(config.model().layers()).isEqualTo(1);
        assertThat(config.training().optimizer()).isEqualTo(new OptimizerConfig.RmsProp(0.01, 0.9, 1e-7));
        assertThat(config.training().batchSize()).isEqualTo(128);
        assertThat(config.training().epochs()).isEqualTo(60);
        assertThat(config.training().preview().length()).isEqualTo(400);
        assertThat(config.training().preview().temperatures()).containsExactly(0.2, 0.5, 1.0, 1.2);
        assertThat(config.generation().sampler()).isEqualTo(SamplerConfig.of("temperature", "temperature", 0.5));
    }

    @Test
    void aPartialFileKeepsTheDefaultsElsewhere() throws IOException {
        TextgenConfig config = load("""
                {
                  "model": {"hiddenSize": 256, "recurrentActivation": "hard_sigmoid"},
                  "training": {"epochs": 5, "optimizer": {"learningRate": 0.002}},
                  "generation": {"unknownChars": "replace", "stop": ["\\n\\n"]}
                }
                """);

        TextgenConfig defaults = TextgenConfig.defaults();
        assertThat(config.corpus()).isEqualTo(defaults.corpus());
        assertThat(config.model()).isEqualTo(new ModelConfig("scratch", 256, 1, ModelConfig.RecurrentActivation.HARD_SIGMOID, 0.0, 0.0));
        assertThat(config.training().epochs()).isEqualTo(5);
        assertThat(config.training().batchSize()).isEqualTo(128);
        assertThat(config.training().optimizer()).isEqualTo(new OptimizerConfig.RmsProp(0.002, 0.9, 1e-7));
        assertThat(config.training().preview()).isEqualTo(defaults.training().preview());
        assertThat(config.generation().unknownChars()).isEqualTo(UnknownChars.REPLACE);
        assertThat(config.generation().stop()).containsExactly("\n\n");
        assertThat(config.generation().sampler()).isEqualTo(defaults.generation().sampler());
    }

    @Test
    void switchingTheOptimizerStartsFromThatOptimizersDefaults() throws IOException {
        TextgenConfig adam = load("{\"training\": {\"optimizer\": {\"type\": \"adam\"}}}");
        TextgenConfig tuned = load("{\"training\": {\"optimizer\": {\"type\": \"adam\", \"beta2\": 0.99}}}");

        assertThat(adam.training().optimizer()).isEqualTo(new OptimizerConfig.Adam(0.001, 0.9, 0.999, 1e-7));
        assertThat(tuned.training().optimizer()).isEqualTo(new OptimizerConfig.Adam(0.001, 0.9, 0.99, 1e-7));
    }

    @Test
    void everyOptimizerTakesADecayThatDefaultsToZeroAndSurvivesANewLearningRate() throws IOException {
        TextgenConfig rmsprop = load("{\"training\": {\"optimizer\": {\"decay\": 1e-4}}}");
        TextgenConfig adam = load("{\"training\": {\"optimizer\": {\"type\": \"adam\", \"decay\": 0.001}}}");
        TextgenConfig sgd = load("{\"training\": {\"optimizer\": {\"type\": \"sgd\", \"decay\": 0.5}}}");

        assertThat(rmsprop.training().optimizer()).isEqualTo(new OptimizerConfig.RmsProp(0.01, 0.9, 1e-7, 1e-4));
        assertThat(adam.training().optimizer()).isEqualTo(new OptimizerConfig.Adam(0.001, 0.9, 0.999, 1e-7, 0.001));
        assertThat(sgd.training().optimizer()).isEqualTo(new OptimizerConfig.Sgd(0.01, 0.5));
        assertThat(sgd.training().optimizer().withLearningRate(0.2)).isEqualTo(new OptimizerConfig.Sgd(0.2, 0.5));
        for (String type : OptimizerConfig.TYPES) {
            assertThat(load("{\"training\": {\"optimizer\": {\"type\": \"" + type + "\"}}}").training().optimizer().decay())
                    .as(type).isZero();
        }
        // A config stored before the field existed reads with decay 0.
        JsonNode stored = ConfigLoader.toTree(TextgenConfig.defaults());
        assertThat(((ObjectNode) stored.path("training").path("optimizer")).remove("decay").asDouble()).isZero();
        assertThat(ConfigLoader.parseStored(stored.toString(), "model.safetensors")).isEqualTo(TextgenConfig.defaults());
    }

    @Test
    void decayDividesTheRateByOnePlusDecayTimesTheIterationAndZeroLeavesItExact() {
        OptimizerConfig decaying = new OptimizerConfig.RmsProp(0.01, 0.9, 1e-7, 1e-4);
        OptimizerConfig constant = OptimizerConfig.RmsProp.defaults();

        assertThat(decaying.decayedLearningRate(0.01, 0)).isEqualTo(0.01);
        assertThat(decaying.decayedLearningRate(0.01, 10_000)).isCloseTo(0.005, within(1e-15));
        assertThat(decaying.decayedLearningRate(0.004, 30_000)).isCloseTo(0.001, within(1e-15));
        assertThat(constant.decayedLearningRate(0.01, 0)).isEqualTo(0.01);
        assertThat(constant.decayedLearningRate(0.01, Long.MAX_VALUE)).isEqualTo(0.01);
    }

    @Test
    void switchingTheSamplerStartsFromThatProvidersDefaults() throws IOException {
        TextgenConfig topK = load("{\"generation\": {\"sampler\": {\"type\": \"top-k\", \"k\": 5}}}");
        TextgenConfig greedy = load("{\"generation\": {\"sampler\": {\"type\": \"greedy\"}}}");
        TextgenConfig hotter = load("{\"generation\": {\"sampler\": {\"temperature\": 0.8}}}");

        assertThat(topK.generation().sampler()).isEqualTo(SamplerConfig.of("top-k", "k", 5, "temperature", 1.0));
        assertThat(greedy.generation().sampler().parameters()).isEmpty();
        assertThat(hotter.generation().sampler()).isEqualTo(SamplerConfig.of("temperature", "temperature", 0.8));
    }

    @Test
    void toJsonRoundTripsExactly() {
        TextgenConfig config = TextgenConfig.defaults()
                .withCorpus(new CorpusConfig("classpath:tiny.txt", "ab".repeat(32), "/tmp/cache", "ISO-8859-1", "replace",
                        false, true, true, 40, 1, 0.25, 300))
                .withModel(new ModelConfig("dl4j", 64, 2, ModelConfig.RecurrentActivation.HARD_SIGMOID, 0.1, 0.0))
                .withTraining(new TrainingConfig(7, 32, -3L, 2, 5.0, new OptimizerConfig.Adam(3e-4, 0.8, 0.95, 1e-8, 1e-3),
                        new PreviewConfig(0, List.of()), new EarlyStoppingConfig(3, 1e-3, false),
                        new PlateauConfig(2, 0.3, 1e-6), TrainingConfig.OnNonFinite.ROLLBACK, 1, 250,
                        TrainingConfig.Loss.ALL_STEPS))
                .withGeneration(new GenerationConfig(SamplerConfig.of("top-p", "p", 0.95, "temperature", 0.7), 10, GenerationConfig.Context.STATEFUL,
                        UnknownChars.SKIP, "?", Long.MAX_VALUE, List.of("\n", "end.")));

        assertThat(ConfigLoader.parse(ConfigLoader.toJson(config), "round trip", SAMPLERS)).isEqualTo(config);
        assertThat(ConfigLoader.parse(ConfigLoader.toJson(TextgenConfig.defaults()), "defaults", SAMPLERS))
                .isEqualTo(TextgenConfig.defaults());
    }

    @Test
    void toJsonWritesEveryFieldIncludingNulls() {
        String json = ConfigLoader.toJson(TextgenConfig.defaults());

        assertThat(json).contains("\"clipNorm\": null", "\"type\": \"rmsprop\"", "\"temperature\": 0.5",
                "\"unknownChars\": \"error\"", "\"maxlen\": 60");
    }

    @Test
    void overridesWinOverTheFileAndKeepTheRestOfIt() throws IOException {
        Path file = write("config.json", "{\"training\": {\"epochs\": 10, \"batchSize\": 64}}");
        ConfigOverrides flags = ConfigOverrides.none()
                .with("training.epochs", 2, "--epochs")
                .with("training.optimizer.type", "adam", "--optimizer")
                .with("generation.stop", List.of("."), "--stop");

        TextgenConfig config = ConfigLoader.load(file, flags, SAMPLERS);

        assertThat(config.training().epochs()).isEqualTo(2);
        assertThat(config.training().batchSize()).isEqualTo(64);
        assertThat(config.training().optimizer()).isEqualTo(OptimizerConfig.Adam.defaults());
        assertThat(config.generation().stop()).containsExactly(".");
    }

    @Test
    void anOverrideCanSetNullAndLeavesTheOverridesItCameFromUnchanged() throws IOException {
        Path file = write("config.json", "{\"training\": {\"clipNorm\": 1.5}}");
        ConfigOverrides base = ConfigOverrides.none().with("training.epochs", 4, "--epochs");
        ConfigOverrides noClip = base.with("training.clipNorm", null, "--no-clip");

        assertThat(ConfigLoader.load(file, noClip, SAMPLERS).training().clipNorm()).isNull();
        TextgenConfig withBase = ConfigLoader.load(file, base, SAMPLERS);
        assertThat(withBase.training().clipNorm()).isEqualTo(1.5);
        assertThat(withBase.training().epochs()).isEqualTo(4);
    }

    @Test
    void anOverridePathMustBeDottedFieldNames() {
        assertThatThrownBy(() -> ConfigOverrides.none().with("training..epochs", 3, "--epochs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training..epochs")
                .hasMessageContaining("--epochs");
    }

    @Test
    void aBadOverrideNamesItsFlagInsteadOfALineAndColumn() throws IOException {
        Path file = write("config.json", "{\"training\": {\"epochs\": 10}}");
        ConfigOverrides flags = ConfigOverrides.none().with("training.epochs", 0, "--epochs");

        assertThatThrownBy(() -> ConfigLoader.load(file, flags, SAMPLERS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).contains("training.epochs"))
                .hasMessage(file + ": training.epochs: 0 is invalid; allowed: an integer >= 1 (value from --epochs)");
    }

    @Test
    void aWholeOverrideDocumentNamesItsOrigin() {
        ConfigOverrides set = ConfigOverrides.of(ConfigLoader.toTree(Map.of("model", Map.of("hiddenSzie", 3))), "--set");

        assertThatThrownBy(() -> ConfigLoader.parse("{}", "cli", set, SAMPLERS))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cli: model.hiddenSzie: unknown field \"hiddenSzie\" in model")
                .hasMessageEndingWith("did you mean \"hiddenSize\"? (value from --set)");
    }

    @Test
    void anOverrideTreeIsMergedOverTheFileAndNamedInErrors() throws IOException {
        Path file = write("config.json", "{\"training\": {\"optimizer\": {\"type\": \"adam\"}}}");
        var overrides = ConfigLoader.toTree(Map.of("training", Map.of("optimizer", Map.of("type", "adamw"))));

        // fails while merging, before the installed samplers are consulted
        assertThatThrownBy(() -> ConfigLoader.load(file, overrides))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": training.optimizer.type: \"adamw\" is not an optimizer; allowed: rmsprop, adam, sgd;"
                        + " did you mean \"adam\"? (value from overrides)");
    }

    @Test
    void withoutAnySamplerProviderTheErrorNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> ConfigLoader.parse("{}", "config.json", Samplers.of(List.of())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).contains("generation.sampler.type"))
                .hasMessageContaining("no sampler is installed")
                .hasMessageContaining("dev.textgen:textgen-sampling")
                .hasMessageEndingWith("(default value)");
    }

    @Test
    void aStoredConfigNeedsNoSamplerAndGetsDefaultsForFieldsItLacks() {
        String stored = ConfigLoader.toJson(TextgenConfig.defaults().withModel(new ModelConfig("scratch", 32, 1, ModelConfig.RecurrentActivation.SIGMOID, 0, 0.0)))
                .replace("\"keepCheckpoints\": 3", "\"keepCheckpoints\": 1")
                .replace("    \"nfc\": false,\n", "");

        TextgenConfig config = ConfigLoader.parseStored(stored, "model.textgen");

        assertThat(config.model().hiddenSize()).isEqualTo(32);
        assertThat(config.training().keepCheckpoints()).isEqualTo(1);
        assertThat(config.corpus().nfc()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.parseStored("{\"model\": {\"layers\": 0}}", "model.textgen"))
                .hasMessage("model.textgen:1:22: model.layers: 0 is invalid; allowed: an integer >= 1");
    }

    @Test
    void theTrainingLossIsLastStepByDefaultAndAMisspeltOneIsNamed() {
        assertThat(ConfigLoader.parse("{}", "x.json", SAMPLERS).training().loss()).isEqualTo(TrainingConfig.Loss.LAST_STEP);
        assertThat(ConfigLoader.parse("{\"training\": {\"loss\": \"all-steps\"}}", "x.json", SAMPLERS).training().loss())
                .isEqualTo(TrainingConfig.Loss.ALL_STEPS);
        assertThatThrownBy(() -> ConfigLoader.parse("{\"training\": {\"loss\": \"all-step\"}}", "x.json", SAMPLERS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("x.json:1:23: training.loss: \"all-step\" is invalid; allowed: last-step, all-steps;"
                        + " did you mean \"all-steps\"?");
    }

    @Test
    void aMissingFileIsAConfigExceptionNamingIt() {
        Path missing = dir.resolve("nope.json");

        assertThatThrownBy(() -> ConfigLoader.load(missing, ConfigOverrides.none(), SAMPLERS))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such config file");
    }

    @Test
    void aFileThatIsNotUtf8IsRejected() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.json"), new byte[]{'{', '"', (byte) 0xE9, '"', ':', '1', '}'});

        assertThatThrownBy(() -> ConfigLoader.load(latin1, ConfigOverrides.none(), SAMPLERS))
                .isInstanceOf(ConfigException.class)
                .hasMessage(latin1 + ": not valid UTF-8; allowed: a UTF-8 JSON file");
    }

    @Test
    void theNietzscheExampleIsTheSeedWithATenthHeldOut() {
        TextgenConfig example = ConfigLoader.load(ProjectFiles.resolve("examples/nietzsche.json"), ConfigOverrides.none(), SAMPLERS);

        TextgenConfig defaults = TextgenConfig.defaults();
        CorpusConfig c = defaults.corpus();
        assertThat(example).isEqualTo(defaults.withCorpus(new CorpusConfig(c.source(), c.sha256(), c.cacheDir(), c.charset(),
                c.malformed(), c.lowercase(), c.nfc(), c.normalizeNewlines(), c.maxlen(), c.step(), 0.1, c.maxVocabulary())));
    }

    @Test
    void theRecommendedNietzscheExampleTrainsTwoLstm256OnEveryStep() {
        TextgenConfig best = ConfigLoader.load(ProjectFiles.resolve("examples/nietzsche-best.json"), ConfigOverrides.none(), SAMPLERS);

        assertThat(best.corpus().validationFraction()).isEqualTo(0.1);
        assertThat(best.corpus().step()).isEqualTo(9);
        assertThat(best.training().epochs()).isEqualTo(6);
        assertThat(best.training().earlyStopping()).isEqualTo(new EarlyStoppingConfig(2, 0.0, true));
        assertThat(best.model()).isEqualTo(new ModelConfig("scratch", 256, 2, ModelConfig.RecurrentActivation.SIGMOID, 0.2, 0.0));
        assertThat(best.training().loss()).isEqualTo(TrainingConfig.Loss.ALL_STEPS);
        assertThat(best.training().clipNorm()).isEqualTo(5.0);
        assertThat(best.training().optimizer()).isEqualTo(new OptimizerConfig.RmsProp(0.002, 0.9, 1e-7));
    }

    @Test
    void theLargeNietzscheExampleTrainsTwoLstm384WithRecurrentDropoutAndADecayingRate() {
        TextgenConfig large = ConfigLoader.load(ProjectFiles.resolve("examples/nietzsche-large.json"), ConfigOverrides.none(), SAMPLERS);

        assertThat(large.corpus().validationFraction()).isEqualTo(0.1);
        assertThat(large.corpus().step()).isEqualTo(9);
        assertThat(large.training().epochs()).isEqualTo(8);
        assertThat(large.training().earlyStopping()).isEqualTo(new EarlyStoppingConfig(2, 0.0, true));
        assertThat(large.model()).isEqualTo(new ModelConfig("scratch", 384, 2, ModelConfig.RecurrentActivation.SIGMOID, 0.3, 0.25));
        assertThat(large.training().loss()).isEqualTo(TrainingConfig.Loss.ALL_STEPS);
        assertThat(large.training().clipNorm()).isEqualTo(5.0);
        assertThat(large.training().optimizer()).isEqualTo(new OptimizerConfig.RmsProp(0.003, 0.9, 1e-7, 0.0006));
    }

    @Test
    void theNietzscheExampleWritesEveryFieldSoThatItDocumentsItself() throws IOException {
        var example = ConfigLoader.MAPPER.readTree(Files.readString(ProjectFiles.resolve("examples/nietzsche.json")));
        var defaults = ConfigLoader.toTree(TextgenConfig.defaults());

        assertThat(fieldPaths(example, "")).isEqualTo(fieldPaths(defaults, ""));
    }

    private static List<String> fieldPaths(com.fasterxml.jackson.databind.JsonNode node, String path) {
        List<String> paths = new java.util.ArrayList<>();
        node.fields().forEachRemaining(f -> {
            String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
            paths.add(child);
            paths.addAll(fieldPaths(f.getValue(), child));
        });
        return paths;
    }
}
