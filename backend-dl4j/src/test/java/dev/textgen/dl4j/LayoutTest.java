package dev.textgen.dl4j;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.TrainingEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Measures the parameter layouts against {@link ReferenceLstm}: the same portable weights must give the
 * same next-symbol probabilities (window and stateful, through the fused lstmLayer op that models run on)
 * and the same greedy text, the same loss through the training engine and through a DL4J
 * {@code MultiLayerNetwork} (whose LSTM layer has another gate order), and survive the round trip. A wrong gate order or a transposed matrix fails these.
 */
class LayoutTest {
    private static final int V = 57;
    private static final int MAXLEN = 60;
    private static Dl4jBackend backend;

    @BeforeAll
    static void startBackend() {
        backend = Dl4jBackend.start();
    }

    private static LanguageModel model(TextgenConfig config, ModelWeights weights) {
        return backend.load(new StoredModel(config, Fixtures.vocabulary(V), weights, null, null));
    }

    @ParameterizedTest(name = "{0} x LSTM {1}, {2}")
    @CsvSource({"1, 128, sigmoid", "2, 24, hard_sigmoid"})
    void windowProbabilitiesMatchTheReferenceOver100RandomWindows(int layers, int hidden, String gates) {
        ModelWeights weights = Fixtures.weights(V, hidden, layers, 0.4, 11);
        LanguageModel model = model(Fixtures.config(hidden, layers, gates, 0, MAXLEN), weights);
        ReferenceLstm reference = new ReferenceLstm(weights, gates.equals("hard_sigmoid"));
        int[] text = Fixtures.text(5_000, V, 3);
        SplittableRandom random = new SplittableRandom(5);
        float[] out = new float[V];
        double worst = 0;
        for (int w = 0; w < 100; w++) {
            int to = MAXLEN + random.nextInt(text.length - MAXLEN);
            double[] expected = reference.window(text, to - MAXLEN, to);
            model.predict(text, 0, to, out); // only the last maxlen ids count
            for (int v = 0; v < V; v++) {
                worst = Math.max(worst, Math.abs(out[v] - expected[v]));
            }
        }
        assertThat(worst).isLessThanOrEqualTo(1e-5);
    }

    @ParameterizedTest(name = "{0} x LSTM {1}, {2}")
    @CsvSource({"1, 128, sigmoid", "2, 24, hard_sigmoid"})
    void theTrainingEngineAndDl4jsLstmLayerInItsGateOrderMatchTheReferenceOn100Windows(int layers, int hidden, String gates) {
        ModelWeights weights = Fixtures.weights(V, hidden, layers, 0.4, 16);
        ReferenceLstm reference = new ReferenceLstm(weights, gates.equals("hard_sigmoid"));
        Batch batch = Fixtures.batch(Fixtures.windows(Fixtures.text(5_000, V, 7), MAXLEN, 37, V), 100);
        double expected = 0;
        for (int b = 0; b < batch.size(); b++) {
            expected -= Math.log(reference.window(batch.inputs(), b * MAXLEN, (b + 1) * MAXLEN)[batch.targets()[b]]);
        }
        TextgenConfig config = Fixtures.config(hidden, layers, gates, 0, MAXLEN);
        try (TrainingEngine engine = backend.newEngine(config, Fixtures.vocabulary(V), weights)) {
            assertThat(engine.evaluateBatch(batch)).isCloseTo(expected / batch.size(), within(1e-5));
        }
        // the MultiLayerNetwork the benchmarks compare with, its LSTM layers in DL4J's gate order
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, batch.size(), MAXLEN, V);
        for (int i = 0; i < batch.size() * MAXLEN; i++) {
            oneHot.putScalar(new long[]{i / MAXLEN, i % MAXLEN, batch.inputs()[i]}, 1f);
        }
        INDArray output = Networks.build(config.model(), weights).output(oneHot);
        double network = 0;
        for (int b = 0; b < batch.size(); b++) {
            network -= Math.log(output.getDouble(b, MAXLEN - 1, batch.targets()[b]));
        }
        assertThat(network / batch.size()).isCloseTo(expected / batch.size(), within(1e-5));
    }

    @ParameterizedTest(name = "{0} x LSTM {1}, {2}")
    @CsvSource({"1, 128, sigmoid", "2, 24, hard_sigmoid"})
    void stepsOfASessionMatchTheReferenceFor50Steps(int layers, int hidden, String gates) {
        ModelWeights weights = Fixtures.weights(V, hidden, layers, 0.4, 12);
        LanguageModel model = model(Fixtures.config(hidden, layers, gates, 0, MAXLEN), weights);
        ReferenceLstm reference = new ReferenceLstm(weights, gates.equals("hard_sigmoid"));
        int[] text = Fixtures.text(50, V, 4);
        float[] out = new float[V];
        try (Session session = model.newSession()) {
            for (int round = 0; round < 2; round++) { // the second round checks reset()
                reference.reset();
                for (int id : text) {
                    session.feed(id);
                    double[] expected = reference.step(id);
                    session.probabilities(out);
                    for (int v = 0; v < V; v++) {
                        assertThat((double) out[v]).isCloseTo(expected[v], within(1e-5));
                    }
                }
                session.reset();
            }
        }
    }

    @ParameterizedTest(name = "{0} x LSTM {1}, {2}")
    @CsvSource({"1, 128, sigmoid", "2, 24, hard_sigmoid"})
    void greedyGenerationOf300CharsIsIdentical(int layers, int hidden, String gates) {
        ModelWeights weights = Fixtures.weights(V, hidden, layers, 0.4, 13);
        LanguageModel model = model(Fixtures.config(hidden, layers, gates, 0, MAXLEN), weights);
        ReferenceLstm reference = new ReferenceLstm(weights, gates.equals("hard_sigmoid"));
        int[] dl4j = new int[MAXLEN + 300];
        System.arraycopy(Fixtures.text(MAXLEN, V, 6), 0, dl4j, 0, MAXLEN);
        int[] expected = dl4j.clone();
        float[] out = new float[V];
        for (int t = MAXLEN; t < dl4j.length; t++) {
            dl4j[t] = argmax(model.predict(dl4j, t - MAXLEN, t, out));
            expected[t] = argmax(reference.window(expected, t - MAXLEN, t));
        }
        assertThat(dl4j).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0} x LSTM {1}, {2}")
    @CsvSource({"1, 128, sigmoid", "2, 24, hard_sigmoid"})
    void weightsSurviveTheRoundTripThroughModelAndEngine(int layers, int hidden, String gates) {
        ModelWeights weights = Fixtures.weights(V, hidden, layers, 0.4, 14);
        TextgenConfig config = Fixtures.config(hidden, layers, gates, 0, MAXLEN);
        assertSame(model(config, weights).weights(), weights);
        Vocabulary vocabulary = Fixtures.vocabulary(V);
        try (TrainingEngine engine = backend.newEngine(config, vocabulary, weights)) {
            assertSame(engine.weights(), weights);
            ModelWeights other = Fixtures.weights(V, hidden, layers, 0.4, 15);
            engine.setWeights(other);
            assertSame(engine.weights(), other);
            assertSame(engine.snapshot(null).weights(), other);
        }
    }

    @ParameterizedTest(name = "hidden {0}")
    @CsvSource({"1", "5"})
    void gateReorderingIsItsOwnInverse(int hidden) {
        float[] portable = Fixtures.uniform(new SplittableRandom(hidden), 3 * 4 * hidden, 1);
        float[] dl4j = Networks.gatesToDl4j(portable, hidden);
        assertThat(Networks.gatesToPortable(dl4j, hidden)).containsExactly(portable);
        // DL4J's first block is the portable third (cell candidate), its last the portable first (input)
        assertThat(dl4j[0]).isEqualTo(portable[2 * hidden]);
        assertThat(dl4j[3 * hidden]).isEqualTo(portable[0]);
    }

    private static void assertSame(ModelWeights actual, ModelWeights expected) {
        assertThat(actual.lstm()).hasSameSizeAs(expected.lstm());
        for (int n = 0; n < expected.lstm().size(); n++) {
            assertThat(actual.lstm().get(n).kernel()).containsExactly(expected.lstm().get(n).kernel());
            assertThat(actual.lstm().get(n).recurrentKernel()).containsExactly(expected.lstm().get(n).recurrentKernel());
            assertThat(actual.lstm().get(n).bias()).containsExactly(expected.lstm().get(n).bias());
        }
        assertThat(actual.denseKernel()).containsExactly(expected.denseKernel());
        assertThat(actual.denseBias()).containsExactly(expected.denseBias());
    }

    static int argmax(float[] p) {
        double[] wide = new double[p.length];
        Arrays.setAll(wide, i -> p[i]);
        return argmax(wide);
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
