package dev.textgen.api.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A model file read by an independent reader: {@code src/test/python/read_textgen_model.py}, numpy and
 * json only. Skipped with a message where python3 with numpy is not installed.
 */
class PythonInteropTest {
    @TempDir
    Path dir;

    @Test
    void pythonReadsTheTensorsAndVerifiesTheChecksum() throws Exception {
        StoredModel checkpoint = TestModels.checkpoint(2, 3, false);
        Path file = dir.resolve("model.safetensors");
        ModelFile.write(file, checkpoint);

        JsonNode result = new ObjectMapper().readTree(runPython(file));

        assertThat(result.get("format").textValue()).isEqualTo("textgen");
        assertThat(result.get("version").textValue()).isEqualTo("1");
        assertThat(result.get("hiddenSize").intValue()).isEqualTo(3);
        assertThat(result.get("checksumOk").booleanValue()).isTrue();
        // Python counts code points; the vocabulary has an emoji, which is two Java chars.
        assertThat(result.get("vocabulary").intValue()).isEqualTo(checkpoint.vocabulary().size());
        assertThat(result.at("/shapes/lstm_0~1kernel").toString()).isEqualTo("[10,12]");
        assertThat(result.at("/shapes/dense~1kernel").toString()).isEqualTo("[3,10]");
        assertThat(result.at("/sums/dense~1bias").doubleValue()).isCloseTo(sum(checkpoint.weights().denseBias()), within(1e-9));
        assertThat(result.at("/sums/lstm_1~1recurrent_kernel").doubleValue())
                .isCloseTo(sum(checkpoint.weights().lstm().get(1).recurrentKernel()), within(1e-9));
    }

    private static double sum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum;
    }

    private String runPython(Path file) throws IOException, InterruptedException {
        Path script = Path.of("src", "test", "python", "read_textgen_model.py").toAbsolutePath();
        Process process;
        try {
            process = new ProcessBuilder("python3", script.toString(), file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("SKIPPED: python3 is not installed here: " + e.getMessage());
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(output.contains("No module named 'numpy'"), "SKIPPED: python3 has no numpy here");
        assertThat(process.exitValue()).as(output).isZero();
        return output.strip();
    }
}
