package dev.textgen.api.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.textgen.api.ModelFileException;
import dev.textgen.api.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFileTest {
    @TempDir
    Path dir;

    @Test
    void aModelRoundTripsExactly() {
        StoredModel model = TestModels.model(2, 3);
        Path file = dir.resolve("model.safetensors");

        ModelFile.write(file, model);
        StoredModel read = ModelFile.read(file);

        assertThat(read.config()).isEqualTo(model.config());
        assertThat(read.vocabulary()).isEqualTo(model.vocabulary());
        assertThat(read.vocabulary().symbols()).isEqualTo(Vocabulary.fromText(TestModels.SYMBOLS).symbols());
        assertThat(read.defaultPrompt()).isEqualTo("ab\"c\n😀");
        assertThat(read.trainingState()).isEmpty();
        TestModels.assertSameWeights(read.weights(), model.weights());
    }

    @Test
    void aCheckpointRoundTripsItsWholeTrainingState() {
        StoredModel checkpoint = TestModels.checkpoint(2, 3, true);
        Path file = dir.resolve("checkpoint.safetensors");

        ModelFile.write(file, checkpoint);
        TrainingState read = ModelFile.read(file).trainingState().orElseThrow();
        TrainingState expected = checkpoint.training();

        assertThat(read.epoch()).isEqualTo(2);
        assertThat(read.batch()).isEqualTo(17);
        assertThat(read.seed()).isEqualTo(-1234567890123456789L);
        assertThat(read.learningRate()).isEqualTo(expected.learningRate());
        assertThat(read.partialLossSum()).isEqualTo(123.45678901234567);
        assertThat(read.partialWindows()).isEqualTo(2176);
        assertThat(read.history()).isEqualTo(expected.history());
        assertThat(Double.isNaN(read.history().get(0).validationLoss())).isTrue();
        assertThat(read.optimizerState().keySet()).isEqualTo(expected.optimizerState().keySet());
        expected.optimizerState().forEach((name, values) -> assertThat(read.optimizerState().get(name)).containsExactly(values));
        TestModels.assertSameWeights(read.bestWeights(), expected.bestWeights());
    }

    @Test
    void aCheckpointWithoutBestWeightsOrOptimizerStateRoundTrips() {
        StoredModel model = TestModels.model(1, 4);
        TrainingState state = new TrainingState(Map.of(), 0, 0, 42, 0.01, 0, 0, List.of(), null);
        Path file = dir.resolve("fresh.safetensors");

        ModelFile.write(file, new StoredModel(model.config(), model.vocabulary(), model.weights(), null, state));
        StoredModel read = ModelFile.read(file);

        assertThat(read.defaultPrompt()).isNull();
        assertThat(read.training().bestWeights()).isNull();
        assertThat(read.training().optimizerState()).isEmpty();
        assertThat(read.training().history()).isEmpty();
    }

    /** The bytes follow the safetensors description, checked without ModelFile's reader. */
    @Test
    void theFileIsPlainSafetensorsInTheKerasLayout() throws IOException {
        StoredModel checkpoint = TestModels.checkpoint(2, 3, true);
        Path file = dir.resolve("layout.safetensors");
        ModelFile.write(file, checkpoint);

        HandParsedFile parsed = HandParsedFile.parse(file);
        int v = checkpoint.vocabulary().size();

        assertThat(parsed.headerLength % 8).as("header padded to 8 bytes").isZero();
        assertThat(new String(parsed.headerBytes, java.nio.charset.StandardCharsets.UTF_8)).startsWith("{\"__metadata__\":");
        assertThat(Files.size(file)).isEqualTo(8 + parsed.headerLength + parsed.data.length);

        JsonNode metadata = parsed.metadata();
        metadata.properties().forEach(e -> assertThat(e.getValue().isTextual()).as("metadata %s is a string", e.getKey()).isTrue());
        assertThat(metadata.get("format").textValue()).isEqualTo("textgen");
        assertThat(metadata.get("format_version").textValue()).isEqualTo("1");
        assertThat(metadata.get("vocabulary").textValue()).isEqualTo(checkpoint.vocabulary().symbols());
        assertThat(metadata.get("checksum").textValue()).matches("crc32c:[0-9a-f]{8}");
        JsonNode config = new ObjectMapper().readTree(metadata.get("config").textValue());
        assertThat(config.at("/model/hiddenSize").intValue()).isEqualTo(3);
        assertThat(config.at("/model/layers").intValue()).isEqualTo(2);
        JsonNode training = new ObjectMapper().readTree(metadata.get("training").textValue());
        assertThat(training.get("epoch").intValue()).isEqualTo(2);
        assertThat(training.get("batch").intValue()).isEqualTo(17);
        assertThat(training.at("/history/0/validationLoss").textValue()).isEqualTo("NaN");

        assertThat(shape(parsed, "lstm_0/kernel")).containsExactly(v, 12);
        assertThat(shape(parsed, "lstm_0/recurrent_kernel")).containsExactly(3, 12);
        assertThat(shape(parsed, "lstm_0/bias")).containsExactly(12);
        assertThat(shape(parsed, "lstm_1/kernel")).containsExactly(3, 12);
        assertThat(shape(parsed, "dense/kernel")).containsExactly(3, v);
        assertThat(shape(parsed, "dense/bias")).containsExactly(v);
        assertThat(shape(parsed, "best/dense/bias")).containsExactly(v);
        assertThat(shape(parsed, "optimizer/lstm_0/kernel/rms")).containsExactly(v * 12);
        assertThat(parsed.floats("lstm_0/kernel")).containsExactly(checkpoint.weights().lstm().get(0).kernel());
        assertThat(parsed.floats("lstm_1/recurrent_kernel")).containsExactly(checkpoint.weights().lstm().get(1).recurrentKernel());
        assertThat(parsed.floats("dense/kernel")).containsExactly(checkpoint.weights().denseKernel());
        assertThat(parsed.floats("best/lstm_0/bias")).containsExactly(checkpoint.training().bestWeights().lstm().get(0).bias());
        assertThat(parsed.floats("optimizer/iterations")).containsExactly(37f);

        // Tensors are listed in offset order and tile the data section exactly.
        long expected = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = parsed.header.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            assertThat(e.getValue().get("dtype").textValue()).isEqualTo("F32");
            assertThat(e.getValue().get("data_offsets").get(0).longValue()).as(e.getKey()).isEqualTo(expected);
            expected = e.getValue().get("data_offsets").get(1).longValue();
        }
        assertThat(expected).isEqualTo(parsed.data.length);
        // Raw little-endian float32: the first kernel value written is 0, the second -0, the third Float.MIN_VALUE.
        int first = parsed.header.get("lstm_0/kernel").get("data_offsets").get(0).intValue();
        assertThat(Arrays.copyOfRange(parsed.data, first, first + 12))
                .containsExactly(0, 0, 0, 0, 0, 0, 0, (byte) 0x80, 1, 0, 0, 0);
    }

    @Test
    void rewritingAFileReplacesItWhole() {
        Path file = dir.resolve("model.safetensors");
        ModelFile.write(file, TestModels.checkpoint(2, 3, true));
        StoredModel smaller = TestModels.model(1, 2);

        ModelFile.write(file, smaller);

        TestModels.assertSameWeights(ModelFile.read(file).weights(), smaller.weights());
        assertThat(ModelFile.read(file).trainingState()).isEmpty();
        assertThat(dir.toFile().list()).containsExactly("model.safetensors");
    }

    @Test
    void aModelWithNonFiniteWeightsIsNeverSaved() {
        StoredModel model = TestModels.model(1, 2);
        float[] bias = model.weights().denseBias();
        bias[1] = Float.NaN;
        ModelWeights nan = new ModelWeights(model.weights().lstm(), model.weights().denseKernel(), bias);
        Path file = dir.resolve("nan.safetensors");

        assertThatThrownBy(() -> ModelFile.write(file, new StoredModel(model.config(), model.vocabulary(), nan, null, null)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("dense/bias")
                .hasMessageContaining("NaN at index 1");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void weightsThatContradictTheConfigAreNotSaved() {
        StoredModel model = TestModels.model(2, 3);
        StoredModel wrong = new StoredModel(TestModels.config(1, 3), model.vocabulary(), model.weights(), null, null);
        Path file = dir.resolve("wrong.safetensors");

        assertThatThrownBy(() -> ModelFile.write(file, wrong))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("2 LSTM layer(s)")
                .hasMessageContaining("model.layers 1");
        assertThat(file).doesNotExist();
    }

    @Test
    void aMissingFolderIsAModelFileError() {
        Path file = dir.resolve("no/such/folder/model.safetensors");

        assertThatThrownBy(() -> ModelFile.write(file, TestModels.model(1, 2)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": cannot be written");
    }

    @Test
    void missingFilesAndFoldersAreNamed() {
        Path missing = dir.resolve("absent.safetensors");

        assertThatThrownBy(() -> ModelFile.read(missing))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(missing + ": does not exist");
        assertThatThrownBy(() -> ModelFile.read(dir))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(dir + ": is a folder, not a model file");
    }

    @Test
    void largerModelsSpanSeveralChunks() {
        // 300 hidden units: the first kernel alone is 10 x 1200 floats, the recurrent kernel 1.44 MB, more than a chunk.
        Vocabulary vocabulary = Vocabulary.fromText("abcdefghij");
        StoredModel model = new StoredModel(TestModels.config(1, 300), vocabulary, TestModels.weights(1, 300, 10, 3), null, null);
        Path file = dir.resolve("large.safetensors");

        ModelFile.write(file, model);

        TestModels.assertSameWeights(ModelFile.read(file).weights(), model.weights());
    }

    private static List<Integer> shape(HandParsedFile parsed, String tensor) {
        List<Integer> dims = new ArrayList<>();
        parsed.header.get(tensor).get("shape").forEach(d -> dims.add(d.intValue()));
        return dims;
    }
}
