package dev.textgen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void measuresTheSeedSetupAndEndsWithOneJsonLine() throws Exception {
        Cli.Result result = Cli.run("bench", "--batches", "2", "--warmup", "1", "--threads", "1", "--streams", "2");

        assertThat(result.code()).as(result.err()).isZero();
        String[] lines = result.out().strip().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).startsWith("backend scratch, 1 threads, kernels ")
                .contains("; data: synthetic random text (57 symbols); batch 128 x 60 chars, 1 x LSTM(128), dropout 0.0, last-step loss");
        assertThat(lines[1]).startsWith("training: ").contains("ms per batch (median of 2 after 1 warm-up", "windows/s",
                "3.026 GFLOP per batch", "GFLOP/s");
        assertThat(lines[2]).startsWith("generation: ").contains("chars/s in window context", "chars/s stateful",
                "chars/s over 2 batched streams");
        JsonNode json = new ObjectMapper().readTree(lines[3]);
        assertThat(json.get("backend").textValue()).isEqualTo("scratch");
        assertThat(json.get("data").textValue()).isEqualTo("synthetic");
        assertThat(json.get("batchSize").intValue()).isEqualTo(128);
        assertThat(json.get("maxlen").intValue()).isEqualTo(60);
        assertThat(json.get("hiddenSize").intValue()).isEqualTo(128);
        assertThat(json.get("vocabulary").intValue()).isEqualTo(57);
        assertThat(json.get("batches").intValue()).isEqualTo(2);
        assertThat(json.get("gflopPerBatch").doubleValue()).isEqualTo(3.026);
        assertThat(json.get("msPerBatchMedian").doubleValue()).isPositive();
        assertThat(json.get("gflopsPerSecond").doubleValue()).isPositive();
        assertThat(json.get("windowCharsPerSecond").doubleValue()).isPositive();
        assertThat(json.get("statefulCharsPerSecond").doubleValue()).isPositive();
        assertThat(json.get("batchedCharsPerSecond").doubleValue()).isPositive();
    }

    @Test
    void measuresAConfigOnItsCorpusOnEitherBackend() throws IOException {
        Path corpus = Cli.tinyCorpus(dir);
        Path config = Cli.tinyConfig(dir, corpus, 1);
        ObjectMapper mapper = new ObjectMapper();
        for (String backend : new String[] {"scratch", "dl4j"}) {
            Cli.Result result = Cli.run("bench", "--config", config.toString(), "--backend", backend, "--batches", "2",
                    "--warmup", "1", "--streams", "3");

            assertThat(result.code()).as(result.err()).isZero();
            String[] lines = result.out().strip().split("\n");
            JsonNode json = mapper.readTree(lines[lines.length - 1]);
            assertThat(json.get("backend").textValue()).isEqualTo(backend);
            assertThat(json.get("kernels").textValue()).matches(backend.equals("dl4j") ? "nd4j-native, \\d+ OpenMP threads?"
                    : "scalar|vector-\\d+bit");
            assertThat(json.get("data").textValue()).isEqualTo("corpus");
            assertThat(json.get("source").textValue()).isEqualTo(corpus.toString());
            assertThat(json.get("threads").intValue()).isEqualTo(1);
            assertThat(json.get("hiddenSize").intValue()).isEqualTo(8);
            assertThat(json.get("batchSize").intValue()).isEqualTo(16);
            assertThat(json.get("maxlen").intValue()).isEqualTo(10);
            assertThat(json.get("msPerBatchMedian").doubleValue()).isPositive();
            assertThat(json.get("batchedStreams").intValue()).isEqualTo(3);
            assertThat(json.get("batchedCharsPerSecond").doubleValue()).isPositive();
        }
    }
}
