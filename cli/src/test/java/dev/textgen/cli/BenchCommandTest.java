package dev.textgen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {
    @Test
    void measuresTheSeedSetupAndEndsWithOneJsonLine() throws Exception {
        Cli.Result result = Cli.run("bench", "--batches", "2", "--warmup", "1", "--threads", "1");

        assertThat(result.code()).as(result.err()).isZero();
        String[] lines = result.out().strip().split("\n");
        assertThat(lines[0]).contains("backend scratch, 1 threads; data: synthetic random text (57 symbols", "batch 128 x 60 chars",
                "LSTM(128)");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("backend").textValue()).isEqualTo("scratch");
        assertThat(json.get("data").textValue()).isEqualTo("synthetic");
        assertThat(json.get("batchSize").intValue()).isEqualTo(128);
        assertThat(json.get("maxlen").intValue()).isEqualTo(60);
        assertThat(json.get("vocabulary").intValue()).isEqualTo(57);
        assertThat(json.get("batches").intValue()).isEqualTo(2);
        assertThat(json.get("msPerBatchMedian").doubleValue()).isPositive();
        assertThat(json.get("windowCharsPerSecond").doubleValue()).isPositive();
        assertThat(json.get("statefulCharsPerSecond").doubleValue()).isPositive();
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertThat(BenchCommand.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(BenchCommand.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    }
}
