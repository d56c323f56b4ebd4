package dev.textgen.api.io;

import dev.textgen.api.EpochResult;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.TextgenConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Small seeded models and checkpoints for the model-file tests. */
final class TestModels {
    /** Symbols that need escaping in JSON or are outside the BMP, to exercise the vocabulary's round trip. */
    static final String SYMBOLS = "\n \"\\abcé€😀";

    private TestModels() {
    }

    static TextgenConfig config(int layers, int hidden) {
        return TextgenConfig.defaults().withModel(new ModelConfig("scratch", hidden, layers, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 0.0));
    }

    static ModelWeights weights(int layers, int hidden, int vocabulary, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LstmWeights> lstm = new ArrayList<>();
        for (int n = 0; n < layers; n++) {
            int input = n == 0 ? vocabulary : hidden;
            lstm.add(new LstmWeights(input, hidden, values(random, input * 4 * hidden), values(random, hidden * 4 * hidden),
                    values(random, 4 * hidden)));
        }
        return new ModelWeights(lstm, values(random, hidden * vocabulary), values(random, vocabulary));
    }

    static StoredModel model(int layers, int hidden) {
        Vocabulary vocabulary = Vocabulary.fromText(SYMBOLS);
        return new StoredModel(config(layers, hidden), vocabulary, weights(layers, hidden, vocabulary.size(), 7),
                "ab\"c\n😀", null);
    }

    static StoredModel checkpoint(int layers, int hidden, boolean withBest) {
        StoredModel model = model(layers, hidden);
        SplittableRandom random = new SplittableRandom(11);
        Map<String, float[]> optimizer = new LinkedHashMap<>();
        for (TensorLayout.Tensor tensor : TensorLayout.tensors("", model.weights())) {
            optimizer.put(tensor.name() + "/rms", values(random, tensor.values().length));
        }
        optimizer.put("iterations", new float[] {37f});
        List<EpochResult> history = List.of(
                new EpochResult(1, 2.0123456789012345, Double.NaN, 12.5, 0.01),
                new EpochResult(2, 1.6, 1.7000000000000002, 11.25, 0.005));
        ModelWeights best = withBest ? weights(layers, hidden, model.vocabulary().size(), 99) : null;
        TrainingState state = new TrainingState(optimizer, 2, 17, -1234567890123456789L, 0.0049999999999999996,
                123.45678901234567, 2176, history, best);
        return new StoredModel(model.config(), model.vocabulary(), model.weights(), model.defaultPrompt(), state);
    }

    /** Values of a trained model's magnitude, with a few exact corner cases in front. */
    static float[] values(SplittableRandom random, int n) {
        float[] values = new float[n];
        float[] corners = {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < n; i++) {
            values[i] = i < corners.length ? corners[i] : (float) (random.nextGaussian() * 0.3);
        }
        return values;
    }

    static void assertSameWeights(ModelWeights actual, ModelWeights expected) {
        assertThat(actual.lstm()).hasSameSizeAs(expected.lstm());
        for (int n = 0; n < expected.lstm().size(); n++) {
            LstmWeights a = actual.lstm().get(n);
            LstmWeights e = expected.lstm().get(n);
            assertThat(a.inputSize()).isEqualTo(e.inputSize());
            assertThat(a.hiddenSize()).isEqualTo(e.hiddenSize());
            assertThat(a.kernel()).isEqualTo(e.kernel());
            assertThat(a.recurrentKernel()).isEqualTo(e.recurrentKernel());
            assertThat(a.bias()).isEqualTo(e.bias());
        }
        assertThat(actual.denseKernel()).isEqualTo(expected.denseKernel());
        assertThat(actual.denseBias()).isEqualTo(expected.denseBias());
    }
}
