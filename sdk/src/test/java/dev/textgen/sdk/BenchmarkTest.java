package dev.textgen.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.CorpusException;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.testing.TinyCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Benchmarks of tiny configs on the scratch backend: shapes, derived numbers and errors, never timings' values. */
class BenchmarkTest {
    private static final Benchmark.Options QUICK = Benchmark.Options.defaults().withWarmupBatches(1).withBatches(3)
            .withGeneration(1, 3, 30).withStreams(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void timesTheConfigsCorpusAndModelAndWritesEveryFieldAsOneJsonLine() throws IOException {
        Path corpus = Files.writeString(dir.resolve("tiny.txt"), TinyCorpus.TEXT);
        TextgenConfig config = config(corpus, 1, 8, "last-step", 0.0);

        BenchmarkResult result = Benchmark.run(config, QUICK);

        String line = result.toJson();
        assertThat(line).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("backend").textValue()).isEqualTo("scratch");
        assertThat(json.get("kernels").textValue()).matches("scalar|vector-\\d+bit");
        assertThat(json.get("threads").intValue()).isEqualTo(1);
        assertThat(json.get("java").textValue()).isEqualTo(System.getProperty("java.version"));
        assertThat(json.get("data").textValue()).isEqualTo("corpus");
        assertThat(json.get("source").textValue()).isEqualTo(corpus.toString());
        assertThat(json.get("vocabulary").intValue()).isEqualTo(Vocabulary.fromText(TinyCorpus.TEXT).size());
        assertThat(json.get("layers").intValue()).isEqualTo(1);
        assertThat(json.get("hiddenSize").intValue()).isEqualTo(8);
        assertThat(json.get("dropout").doubleValue()).isZero();
        assertThat(json.get("recurrentDropout").doubleValue()).isZero();
        assertThat(json.get("batchSize").intValue()).isEqualTo(16);
        assertThat(json.get("maxlen").intValue()).isEqualTo(10);
        assertThat(json.get("loss").textValue()).isEqualTo("last-step");
        assertThat(json.get("warmupBatches").intValue()).isEqualTo(1);
        assertThat(json.get("batches").intValue()).isEqualTo(3);
        double median = json.get("msPerBatchMedian").doubleValue();
        assertThat(median).isPositive().isBetween(json.get("msPerBatchMin").doubleValue(), json.get("msPerBatchMax").doubleValue());
        assertThat(result.windowsPerSecond()).isCloseTo(16 * 1000 / result.msPerBatchMedian(), within(1e-6));
        // 6 * B * (T * 4H^2 + H * V) for one layer and the last-step loss
        double flops = 6.0 * 16 * (10 * 4 * 8 * 8 + 8 * result.vocabulary());
        assertThat(result.flopsPerBatch()).isEqualTo(flops);
        assertThat(json.get("gflopPerBatch").doubleValue()).isEqualTo(Math.round(flops / 1e6) / 1e3);
        assertThat(result.gflopsPerSecond()).isCloseTo(flops / 1e9 / (result.msPerBatchMedian() / 1e3), within(1e-9));
        assertThat(json.get("generatedChars").intValue()).isEqualTo(30);
        assertThat(json.get("windowCharsPerSecond").doubleValue()).isPositive();
        assertThat(json.get("statefulCharsPerSecond").doubleValue()).isPositive();
        assertThat(json.get("batchedStreams").intValue()).isEqualTo(4);
        assertThat(json.get("batchedCharsPerSecond").doubleValue()).isPositive();
        assertThat(JSON.convertValue(json, java.util.Map.class)).hasSize(BenchmarkResult.class.getRecordComponents().length);
    }

    @Test
    void stackedLayersDropoutAndTheAllStepsLossAreReportedAndCounted() throws IOException {
        Path corpus = Files.writeString(dir.resolve("tiny.txt"), TinyCorpus.TEXT);
        TextgenConfig config = config(corpus, 2, 8, "all-steps", 0.2);

        BenchmarkResult result = Benchmark.run(config, QUICK.withStreams(0));

        assertThat(result.layers()).isEqualTo(2);
        assertThat(result.dropout()).isEqualTo(0.2);
        assertThat(result.loss()).isEqualTo("all-steps");
        // 6 * B * (T * 3 * 4H^2 + T * H * V): two recurrent and one input product per step, the head at every step
        assertThat(result.flopsPerBatch()).isEqualTo(6.0 * 16 * (10 * 3 * 4 * 8 * 8 + 10 * 8 * result.vocabulary()));
        assertThat(result.batchedStreams()).isZero();
        assertThat(result.batchedCharsPerSecond()).isNull();
        assertThat(JSON.readTree(result.toJson()).get("batchedCharsPerSecond").isNull()).isTrue();
    }

    @Test
    void syntheticTextHasTheConfigsWindowShapeOver57Symbols() throws IOException {
        TextgenConfig config = config(dir.resolve("never-read.txt"), 1, 8, "last-step", 0.0);

        BenchmarkResult result = Benchmark.run(config, QUICK.withSynthetic(true).withStreams(0));

        assertThat(result.data()).isEqualTo("synthetic");
        assertThat(result.source()).isEqualTo("synthetic random text");
        assertThat(result.vocabulary()).isEqualTo(57);
        assertThat(result.maxlen()).isEqualTo(10);
        assertThat(result.msPerBatchMedian()).isPositive();
    }

    /** The figures: about 3.0 GFLOP per batch for the reference setup and about 37 for nietzsche-best. */
    @Test
    void theExampleConfigsArithmeticPerBatch() {
        TextgenConfig reference = ConfigLoader.load(Path.of("..", "examples", "nietzsche.json"));
        TextgenConfig best = ConfigLoader.load(Path.of("..", "examples", "nietzsche-best.json"));

        assertThat(Benchmark.flopsPerBatch(reference, 57) / 1e9).isCloseTo(3.03, within(0.01));
        assertThat(Benchmark.flopsPerBatch(best, 57) / 1e9).isCloseTo(36.9, within(0.1));
    }

    @Test
    void aCorpusShorterThanOneBatchIsAnErrorNamingItAndTheBatchSize() throws IOException {
        Path corpus = Files.writeString(dir.resolve("short.txt"), TinyCorpus.TEXT.substring(0, 60));
        TextgenConfig config = config(corpus, 1, 8, "last-step", 0.0);

        assertThatThrownBy(() -> Benchmark.run(config, QUICK)).isInstanceOf(CorpusException.class)
                .hasMessageContaining(corpus.toString()).hasMessageContaining("training.batchSize = 16");
    }

    @Test
    void aBackendThatIsNotInstalledIsAnErrorNamingIt() throws IOException {
        Path corpus = Files.writeString(dir.resolve("tiny.txt"), TinyCorpus.TEXT);
        TextgenConfig config = config(corpus, 1, 8, "last-step", 0.0);
        TextgenConfig onDl4j = config.withModel(config.model().withBackend("dl4j"));

        assertThatThrownBy(() -> Benchmark.run(onDl4j, QUICK)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("dl4j").hasMessageContaining("textgen-backend-dl4j");
    }

    @Test
    void optionsOutOfRangeNameTheField() {
        assertThatThrownBy(() -> Benchmark.Options.defaults().withBatches(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Benchmark.Options.batches must be >= 1; got 0");
        assertThatThrownBy(() -> Benchmark.Options.defaults().withStreams(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Benchmark.Options.streams must be >= 0; got -1");
        assertThat(Benchmark.Options.defaults()).isEqualTo(new Benchmark.Options(20, 20, 20, 9, 400, 32, false));
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertThat(Benchmark.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(Benchmark.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    }

    private TextgenConfig config(Path corpus, int layers, int hidden, String loss, double dropout) throws IOException {
        String json = """
                {
                  "corpus": {"source": "%s", "maxlen": 10, "step": 3, "validationFraction": 0.2},
                  "model": {"backend": "scratch", "hiddenSize": %d, "layers": %d, "dropout": %s},
                  "training": {"batchSize": 16, "seed": 7, "threads": 1, "loss": "%s"}
                }
                """.formatted(corpus.toString().replace("\\", "\\\\"), hidden, layers, dropout, loss);
        return ConfigLoader.load(Files.writeString(dir.resolve("bench-" + layers + "-" + loss + ".json"), json));
    }
}
