package dev.textgen.cli.reliability;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.ConfigException;
import dev.textgen.api.CorpusException;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.ModelFileException;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.TextgenException;
import dev.textgen.api.UnknownCharacterException;
import dev.textgen.api.UnknownChars;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.Samplers;
import dev.textgen.api.testing.TinyCorpus;
import dev.textgen.corpus.Corpus;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 8 point 1: each bad input, from a config file to a command line, fails with the documented
 * exception type (or CLI exit code) and a message naming the field or file and the value. No row may
 * end in an {@link OutOfMemoryError} or {@link StackOverflowError}, hang (each row is bounded by
 * {@link #BOUND}, a guard against hangs and not a performance assertion), produce a model (so none can
 * produce a NaN one), or show a CLI user a stack trace without {@code --verbose}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path corpus;
    private Path config;
    private Path model;
    private ModelBytes modelBytes;

    /** One API-level row: what to run, the exception it must throw, and parts of the message. */
    private record Row(String name, Executable action, Class<? extends Throwable> type, List<String> message) {
    }

    /** One command line: the exit code and parts of stderr; {@code check} looks at the run's side effects. */
    private record CliRow(String name, List<String> args, int code, List<String> stderr, Runnable check) {
    }

    @TestFactory
    Stream<DynamicNode> badInputs() throws IOException {
        corpus = Fixtures.corpus(dir, 2);
        config = Fixtures.configFile(dir, corpus, 2, Fixtures.HIDDEN);
        model = Fixtures.trainedModel(Files.createDirectories(dir.resolve("trained")));
        modelBytes = new ModelBytes(Files.readAllBytes(model));
        List<DynamicNode> groups = List.of(
                group("config", configRows()),
                group("corpus", corpusRows()),
                group("prompt", promptRows()),
                group("sampler", samplerRows()),
                group("model file", modelFileRows()),
                DynamicContainer.dynamicContainer("cli", cliRows().stream()
                        .map(row -> DynamicTest.dynamicTest(row.name(), () -> check(row)))));
        return groups.stream();
    }

    @TestFactory
    Stream<DynamicTest> tableHasAtLeastFortyRows() throws IOException {
        return Stream.of(DynamicTest.dynamicTest("row count", () -> {
            long rows = badInputs().mapToLong(BadInputTest::leaves).sum();
            assertThat(rows).isGreaterThanOrEqualTo(40);
        }));
    }

    private static long leaves(DynamicNode node) {
        return node instanceof DynamicContainer container ? container.getChildren().mapToLong(BadInputTest::leaves).sum() : 1;
    }

    private static DynamicContainer group(String name, List<Row> rows) {
        return DynamicContainer.dynamicContainer(name, rows.stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> check(row))));
    }

    private static void check(Row row) {
        Throwable thrown = assertTimeoutPreemptively(BOUND, () -> catchThrowable(row.action()::execute), row.name() + " hung");
        assertThat(thrown).as(row.name() + ": nothing thrown").isNotNull();
        assertThat(thrown).as(row.name()).isNotInstanceOfAny(OutOfMemoryError.class, StackOverflowError.class);
        assertThat(thrown).as(row.name()).isInstanceOf(row.type());
        assertThat(thrown.getMessage()).as(row.name()).contains(row.message());
    }

    private static void check(CliRow row) {
        Fixtures.CliResult result = assertTimeoutPreemptively(BOUND, () -> Fixtures.cli(row.args().toArray(String[]::new)),
                row.name() + " hung");
        assertThat(result.code()).as(row.name() + ", stderr: " + result.err()).isEqualTo(row.code());
        assertThat(result.err()).as(row.name()).contains(row.stderr());
        assertThat(result.err()).as(row.name() + ": stack trace without --verbose")
                .doesNotContain("\tat ", "Exception in thread", "OutOfMemoryError", "StackOverflowError");
        row.check().run();
    }

    // ---------------------------------------------------------------- config

    private List<Row> configRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        rows.add(config("malformed JSON (trailing comma)", "{\"model\": {\"hiddenSize\": 8,}}", ":1:"));
        rows.add(config("misspelt section", "{\"modle\": {}}", "modle", "model"));
        rows.add(config("misspelt field", "{\"model\": {\"hiddenSise\": 8}}", "model.hiddenSise", "hiddenSize"));
        rows.add(config("hiddenSize 0", "{\"model\": {\"hiddenSize\": 0}}", "model.hiddenSize", "0"));
        rows.add(config("hiddenSize of the wrong type", "{\"model\": {\"hiddenSize\": \"big\"}}", "model.hiddenSize", "big"));
        rows.add(config("hiddenSize beyond int", "{\"model\": {\"hiddenSize\": 10000000000}}", "model.hiddenSize", "10000000000"));
        rows.add(config("negative learning rate", "{\"training\": {\"optimizer\": {\"learningRate\": -1}}}",
                "training.optimizer.learningRate", "-1"));
        rows.add(config("zero epochs", "{\"training\": {\"epochs\": 0}}", "training.epochs", "0"));
        rows.add(config("unknown onNonFinite policy", "{\"training\": {\"onNonFinite\": \"ignore\"}}",
                "training.onNonFinite", "ignore", "rollback"));
        rows.add(config("validationFraction 1", "{\"corpus\": {\"validationFraction\": 1.0}}", "corpus.validationFraction", "1.0"));
        rows.add(config("negative maxlen", "{\"corpus\": {\"maxlen\": -5}}", "corpus.maxlen", "-5"));
        rows.add(config("unknown charset", "{\"corpus\": {\"charset\": \"EBCDIC-9000\"}}", "corpus.charset", "EBCDIC-9000"));
        rows.add(config("unknown sampler type", "{\"generation\": {\"sampler\": {\"type\": \"nucleus\"}}}", "nucleus"));
        rows.add(config("document is an array", "[1, 2]"));
        rows.add(config("empty file", ""));
        Path missing = dir.resolve("no-such-config.json");
        rows.add(new Row("missing config file", () -> ConfigLoader.load(missing), ConfigException.class,
                List.of(missing.toString())));
        rows.add(new Row("config path is a folder", () -> ConfigLoader.load(dir), ConfigException.class, List.of(dir.toString())));
        rows.add(new Row("unknown backend", () -> Backends.installed().get("tensorflow"), BackendUnavailableException.class,
                List.of("tensorflow", "scratch")));
        return rows;
    }

    private int configCounter;

    /** A config document that ConfigLoader must reject with a ConfigException naming its file and {@code parts}. */
    private Row config(String name, String json, String... parts) throws IOException {
        Path file = Files.writeString(dir.resolve("config-" + (configCounter++) + ".json"), json);
        List<String> expected = new ArrayList<>(List.of(file.getFileName().toString()));
        expected.addAll(List.of(parts));
        return new Row(name, () -> ConfigLoader.load(file), ConfigException.class, expected);
    }

    // ---------------------------------------------------------------- corpus

    private List<Row> corpusRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        rows.add(corpus("empty file", empty, Map.of(), CorpusException.class, empty.toString(), "empty"));
        Path tiny = Files.writeString(dir.resolve("short.txt"), "the cat");
        rows.add(corpus("shorter than maxlen + 1", tiny, Map.of(), CorpusException.class, tiny.toString(), "corpus.maxlen"));
        Path malformed = Files.write(dir.resolve("malformed.txt"), concat("the cat sat on the mat".getBytes(),
                new byte[] {(byte) 0xC3, (byte) 0x28}, " and more text after it".getBytes()));
        rows.add(corpus("malformed UTF-8", malformed, Map.of(), CorpusException.class, malformed.toString(), "22"));
        Path missing = dir.resolve("no-such-corpus.txt");
        rows.add(corpus("missing file", missing, Map.of(), CorpusException.class, missing.toString(), "not found"));
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        rows.add(corpus("a folder", folder, Map.of(), CorpusException.class, folder.toString(), "folder"));
        rows.add(corpus("validationFraction leaves no training window", corpus, Map.of("validationFraction", 0.999),
                ConfigException.class, "corpus.validationFraction", "0.999"));
        rows.add(corpus("validationFraction holds out less than one window", corpus, Map.of("validationFraction", 0.001),
                ConfigException.class, "corpus.validationFraction", "0.001"));
        rows.add(corpus("vocabulary over corpus.maxVocabulary", corpus, Map.of("maxVocabulary", 5),
                CorpusException.class, "corpus.maxVocabulary", "5"));
        Path foreign = Files.writeString(dir.resolve("foreign.txt"), TinyCorpus.TEXT + "#@#");
        rows.add(new Row("corpus: characters outside a resumed model's vocabulary", () -> {
            StoredModel stored = ModelFile.read(model);
            Corpus.load(corpusConfig(foreign, Map.of()).corpus(), stored.vocabulary());
        }, CorpusException.class, List.of("#", "@")));
        return rows;
    }

    private Row corpus(String name, Path source, Map<String, Object> settings, Class<? extends Throwable> type,
                       String... parts) {
        return new Row("corpus: " + name, () -> Corpus.load(corpusConfig(source, settings).corpus()), type, List.of(parts));
    }

    /** The tiny config with {@code source} as corpus and {@code settings} overriding corpus fields. */
    private static TextgenConfig corpusConfig(Path source, Map<String, Object> settings) {
        StringBuilder extra = new StringBuilder();
        settings.forEach((key, value) -> extra.append(", \"").append(key).append("\": ").append(value));
        String json = "{\"corpus\": {\"source\": \"" + Fixtures.json(source.toString()) + "\", \"maxlen\": 10, \"step\": 3"
                + extra + "}}";
        return ConfigLoader.parse(json, "corpus-row");
    }

    // ---------------------------------------------------------------- prompt

    private List<Row> promptRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("prompt: unknown characters under policy error", () -> generator(UnknownChars.ERROR, " ")
                .generate("the #cat@", 10), UnknownCharacterException.class, List.of("2 character(s)", "#", "4", "@", "8")));
        rows.add(new Row("prompt: only unknown characters under policy skip", () -> generator(UnknownChars.SKIP, " ")
                .generate("#@#", 10), UnknownCharacterException.class, List.of("all 3 characters", "skipped")));
        rows.add(new Row("prompt: replacement character outside the vocabulary", () -> generator(UnknownChars.REPLACE, "#"),
                ConfigException.class, List.of("generation.replacement", "#")));
        rows.add(new Row("prompt: two-character replacement", () -> generator(UnknownChars.REPLACE, "ab"),
                ConfigException.class, List.of("generation.replacement", "ab", "exactly one character")));
        rows.add(config("prompt: unknown unknownChars policy", "{\"generation\": {\"unknownChars\": \"ignore\"}}",
                "generation.unknownChars", "ignore"));
        rows.add(new Row("prompt: negative length", () -> generator(UnknownChars.ERROR, " ").generate("the cat", -1),
                IllegalArgumentException.class, List.of("length", "-1")));
        rows.add(new Row("prompt: empty prompt and no stored default prompt", () -> {
            StoredModel stored = ModelFile.read(model);
            StoredModel bare = new StoredModel(stored.config(), stored.vocabulary(), stored.weights(), null, null);
            new TextGenerator(scratch().load(bare)).generate("", 10);
        }, TextgenException.class, List.of("prompt is empty", "default prompt")));
        return rows;
    }

    private TextGenerator generator(UnknownChars policy, String replacement) {
        LanguageModel loaded = scratch().load(ModelFile.read(model));
        GenerationConfig base = loaded.config().generation();
        return new TextGenerator(loaded, new GenerationConfig(base.sampler(), base.length(), base.context(), policy,
                replacement, 1L, List.of()));
    }

    private static Backend scratch() {
        return Backends.installed().get("scratch");
    }

    // ---------------------------------------------------------------- sampler

    private List<Row> samplerRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        rows.add(sampler("negative temperature", SamplerConfig.of("temperature", "temperature", -1.0),
                ConfigException.class, "temperature", "-1"));
        rows.add(sampler("NaN temperature", SamplerConfig.of("temperature", "temperature", Double.NaN),
                ConfigException.class, "temperature", "NaN"));
        rows.add(sampler("top-k with k 0", SamplerConfig.of("top-k", "k", 0.0), ConfigException.class, "k", "0"));
        rows.add(sampler("top-k with fractional k", SamplerConfig.of("top-k", "k", 2.5), ConfigException.class, "k", "2.5"));
        rows.add(sampler("top-p with p 1.5", SamplerConfig.of("top-p", "p", 1.5), ConfigException.class, "p", "1.5"));
        rows.add(sampler("min-p with negative p", SamplerConfig.of("min-p", "minP", -0.1), ConfigException.class, "minP", "-0.1"));
        rows.add(sampler("parameter of another sampler", SamplerConfig.of("temperature", "k", 5.0),
                ConfigException.class, "generation.sampler.k", "temperature"));
        rows.add(sampler("unknown sampler", SamplerConfig.of("nucleus"), BackendUnavailableException.class, "nucleus", "top-p"));
        rows.add(config("sampler: top-p from a config file", "{\"generation\": {\"sampler\": {\"type\": \"top-p\", \"p\": 0}}}",
                "generation.sampler", "p", "0"));
        return rows;
    }

    private static Row sampler(String name, SamplerConfig sampler, Class<? extends Throwable> type, String... parts) {
        return new Row("sampler: " + name, () -> Samplers.installed().create(sampler), type, List.of(parts));
    }

    // ---------------------------------------------------------------- model file

    private List<Row> modelFileRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        ModelBytes bytes = modelBytes;
        int dataStart = bytes.dataStart();
        rows.add(modelFile("empty file", new byte[0], "0 bytes"));
        rows.add(modelFile("cut inside the 8-byte length", bytes.truncated(5), "5 bytes"));
        rows.add(modelFile("cut after the length", bytes.truncated(8), "declares a header of " + bytes.headerLength));
        rows.add(modelFile("cut inside the header", bytes.truncated(8 + bytes.headerLength / 2), "truncated"));
        rows.add(modelFile("cut after the header", bytes.truncated(dataStart), "truncated"));
        for (Map.Entry<String, long[]> tensor : bytes.tensorOffsets().entrySet()) {
            long begin = tensor.getValue()[0];
            long end = tensor.getValue()[1];
            if (begin > 0) {
                rows.add(modelFile("cut before tensor " + tensor.getKey(), bytes.truncated((int) (dataStart + begin)), "truncated"));
            }
            rows.add(modelFile("cut inside tensor " + tensor.getKey(),
                    bytes.truncated((int) (dataStart + (begin + end) / 2)), "truncated"));
        }
        rows.add(modelFile("cut one byte short", bytes.truncated(bytes.file.length - 1), "truncated"));
        rows.add(modelFile("one extra byte", concat(bytes.file, new byte[1]), "1 bytes after the last tensor"));
        rows.add(modelFile("flipped byte in the length", bytes.withByteFlipped(2), "declares a header of"));
        rows.add(modelFile("flipped byte in the header's JSON syntax", bytes.withByteFlipped(8), "does not start with '{'"));
        rows.add(modelFile("flipped byte in the stored config", bytes.withByteFlipped(bytes.offsetOf("hiddenSize")),
                "is corrupt", "checksum"));
        rows.add(modelFile("flipped byte in a weight", bytes.withByteFlipped(dataStart + 5), "is corrupt", "checksum"));
        rows.add(modelFile("flipped last byte", bytes.withByteFlipped(bytes.file.length - 1), "is corrupt", "checksum"));
        rows.add(modelFile("header length 2^40", bytes.withHeaderLength(1L << 40), "1099511627776", "limit"));
        rows.add(modelFile("header length 2^64 - 1", bytes.withHeaderLength(-1L), "18446744073709551615"));
        rows.add(modelFile("newer format version", bytes.withHeader(h -> bytes.metadata(h).put("format_version", "2")),
                "format version 2", "newer"));
        rows.add(modelFile("other format", bytes.withHeader(h -> bytes.metadata(h).put("format", "gguf")),
                "gguf", "not a textgen model file"));
        rows.add(modelFile("safetensors without metadata", bytes.withHeader(h -> h.remove("__metadata__")), "__metadata__"));
        rows.add(modelFile("transposed dense kernel", bytes.withHeader(h -> {
            ArrayNode shape = (ArrayNode) h.get("dense/kernel").get("shape");
            int rowsDim = shape.get(0).intValue();
            shape.set(0, shape.get(1).intValue());
            shape.set(1, rowsDim);
        }), "dense/kernel", "calls for [" + Fixtures.HIDDEN + ", "));
        rows.add(modelFile("config says a larger model", bytes.withHeader(h -> {
            String json = bytes.metadata(h).get("config").textValue();
            bytes.metadata(h).put("config", json.replaceFirst("\"hiddenSize\"\\s*:\\s*" + Fixtures.HIDDEN + "\\b", "\"hiddenSize\": 16"));
        }), "model.hiddenSize 16"));
        rows.add(modelFile("tensor of 2^32 values", bytes.withHeader(h -> {
            ObjectNode bias = (ObjectNode) h.get("dense/bias");
            bias.putArray("shape").add(65536).add(65536);
            long begin = bias.get("data_offsets").get(0).longValue();
            bias.putArray("data_offsets").add(begin).add(begin + (1L << 34));
        }), "dense/bias", "4294967296"));
        rows.add(modelFile("NaN weight with a valid checksum", bytes.rewritten(h -> {
        }, data -> data.putFloat(12, Float.NaN)), "NaN"));
        rows.add(modelFile("not a safetensors file", "This is a plain text file, not a model.\n".repeat(4).getBytes(),
                "declares a header of"));
        rows.add(modelFile("JSON header of another kind", ModelBytes.safetensors("[1,2,3]     "), "does not start with '{'"));
        Path missing = dir.resolve("no-such-model.safetensors");
        rows.add(new Row("model file: missing", () -> ModelFile.read(missing), ModelFileException.class,
                List.of(missing.toString(), "does not exist")));
        Path folder = Files.createDirectories(dir.resolve("model-folder"));
        rows.add(new Row("model file: a folder", () -> ModelFile.read(folder), ModelFileException.class,
                List.of(folder.toString(), "folder")));
        rows.add(new Row("model file: finished model resumed as a checkpoint",
                () -> scratch().resumeTrainer(ModelFile.read(model)), IllegalArgumentException.class, List.of("no training state")));
        return rows;
    }

    private int fileCounter;

    private Row modelFile(String name, byte[] content, String... parts) throws IOException {
        Path file = Files.write(dir.resolve("broken-" + (fileCounter++) + ".safetensors"), content);
        List<String> expected = new ArrayList<>(List.of(file.toString()));
        expected.addAll(List.of(parts));
        return new Row("model file: " + name, () -> ModelFile.read(file), ModelFileException.class, expected);
    }

    // ---------------------------------------------------------------- command line

    private List<CliRow> cliRows() throws IOException {
        String m = model.toString();
        Path corrupt = Files.write(dir.resolve("corrupt.safetensors"), modelBytes.withByteFlipped(modelBytes.dataStart() + 9));
        Path emptyRun = Files.createDirectories(dir.resolve("empty-run"));
        Path divergingOut = dir.resolve("diverging-run");
        Path diverging = Files.writeString(dir.resolve("diverging.json"), Fixtures.config(corpus, 3, Fixtures.HIDDEN)
                .replace("\"threads\": 1,", "\"threads\": 1, \"optimizer\": {\"type\": \"adam\", \"learningRate\": 1e30},"));
        Runnable nothing = () -> {
        };
        List<CliRow> rows = new ArrayList<>();
        rows.add(cli("no command", List.of(), 2, nothing, "a command is required"));
        rows.add(cli("unknown command", List.of("trian"), 2, nothing, "trian", "train"));
        rows.add(cli("unknown option", List.of("generate", "--model", m, "--frobnicate"), 2, nothing, "--frobnicate"));
        rows.add(cli("unknown pretrained model", List.of("generate", "--model", "shakespeare"), 1, nothing, "shakespeare",
                "nietzsche"));
        rows.add(cli("--length not a number", List.of("generate", "--model", m, "--length", "many"), 2, nothing, "--length", "many"));
        rows.add(cli("--seed not a number", List.of("generate", "--model", m, "--seed", "0x1g"), 2, nothing, "--seed", "0x1g"));
        rows.add(cli("--temperature not a number", List.of("generate", "--model", m, "--temperature", "hot"), 2, nothing,
                "--temperature", "hot"));
        rows.add(cli("negative --length", List.of("generate", "--model", m, "--length", "-5"), 2, nothing,
                "generation.length", "-5"));
        rows.add(cli("negative --temperature", List.of("generate", "--model", m, "--temperature", "-1"), 2, nothing,
                "temperature", "-1"));
        rows.add(cli("--top-p out of range", List.of("generate", "--model", m, "--top-p", "1.5"), 2, nothing, "p", "1.5"));
        rows.add(cli("--top-k with --top-p", List.of("generate", "--model", m, "--top-k", "3", "--top-p", "0.9"), 2, nothing,
                "--top-k", "--top-p"));
        rows.add(cli("--seed-text with --seed-file", List.of("generate", "--model", m, "--seed-text", "the", "--seed-file",
                corpus.toString()), 2, nothing, "--seed-text", "--seed-file"));
        rows.add(cli("unknown backend", List.of("generate", "--model", m, "--backend", "tensorflow"), 2, nothing, "tensorflow"));
        rows.add(cli("unknown --context", List.of("generate", "--model", m, "--context", "sideways"), 2, nothing,
                "generation.context", "sideways"));
        rows.add(cli("seed text outside the vocabulary", List.of("generate", "--model", m, "--seed-text", "the #cat"), 2, nothing,
                "#", "generation.unknownChars"));
        Path missingModel = dir.resolve("missing.safetensors");
        rows.add(cli("non-existent model", List.of("generate", "--model", missingModel.toString()), 1, nothing,
                missingModel.toString(), "does not exist"));
        rows.add(cli("corrupt model", List.of("generate", "--model", corrupt.toString()), 1, nothing,
                corrupt.toString(), "is corrupt"));
        Path missingSeed = dir.resolve("missing-seed.txt");
        rows.add(cli("non-existent seed file", List.of("generate", "--model", m, "--seed-file", missingSeed.toString()), 1,
                nothing, missingSeed.toString()));
        Path missingConfig = dir.resolve("missing-config.json");
        rows.add(cli("non-existent config", List.of("train", "--config", missingConfig.toString()), 2, nothing,
                missingConfig.toString()));
        Path missingCorpus = dir.resolve("missing-corpus.txt");
        rows.add(cli("non-existent corpus", List.of("train", "--config", config.toString(), "--corpus", missingCorpus.toString(),
                "--out", dir.resolve("never").toString()), 1, nothing, missingCorpus.toString(), "not found"));
        rows.add(cli("--epochs 0", List.of("train", "--config", config.toString(), "--epochs", "0", "--out",
                dir.resolve("never").toString()), 2, nothing, "training.epochs", "0"));
        rows.add(cli("--resume with --config", List.of("train", "--resume", emptyRun.toString(), "--config", config.toString()),
                2, nothing, "--resume", "--config"));
        rows.add(cli("--resume without a checkpoint", List.of("train", "--resume", emptyRun.toString()), 2, nothing,
                "no checkpoint", emptyRun.toString()));
        rows.add(cli("training diverges", List.of("train", "--config", diverging.toString(), "--out", divergingOut.toString()),
                1, () -> assertNoNonFiniteModel(divergingOut), "diverged", "epoch", "batch"));
        return rows;
    }

    /** A diverged run writes no final model, and any checkpoint it wrote holds finite weights. */
    private static void assertNoNonFiniteModel(Path out) {
        assertThat(out.resolve("model.safetensors")).as("a diverged run saves no model").doesNotExist();
        try (Stream<Path> files = Files.list(out.resolve("checkpoints"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))
                    .forEach(f -> assertThat(ModelFile.read(f).weights().allFinite()).as(f.toString()).isTrue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The control for the tables' "no stack trace" check: with --verbose the trace is printed, and detected. */
    @Test
    void verboseShowsTheStackTrace() {
        Path missing = dir.resolve("missing.safetensors");
        Fixtures.CliResult quiet = Fixtures.cli("generate", "--model", missing.toString());
        Fixtures.CliResult verbose = Fixtures.cli("generate", "--model", missing.toString(), "--verbose");
        assertThat(quiet.err()).doesNotContain("\tat ");
        assertThat(verbose.code()).isEqualTo(quiet.code()).isEqualTo(1);
        assertThat(verbose.err()).contains(missing.toString(), "ModelFileException", "\tat ");
    }

    private static CliRow cli(String name, List<String> args, int code, Runnable check, String... stderr) {
        return new CliRow(name, args, code, List.of(stderr), check);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
