package dev.textgen.dl4j;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.api.testing.BackendContractTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The training engine's math checked against {@link ReferenceLstm} and the optimizers' formulas. */
class TrainingEngineTest {
    private static final int V = 20;
    private static final int H = 16;
    private static final int MAXLEN = 10;
    private static final int BATCH = 16;
    private static final Vocabulary VOCABULARY = Fixtures.vocabulary(V);
    private static Dl4jBackend backend;
    private static WindowSet windows;

    @BeforeAll
    static void startBackend() {
        backend = Dl4jBackend.start();
        windows = Fixtures.windows(Fixtures.text(400, V, 21), MAXLEN, 3, V);
    }

    private static TrainingEngine engine(TextgenConfig config, ModelWeights weights) {
        return backend.newEngine(config, VOCABULARY, weights);
    }

    private static double referenceLoss(ModelWeights weights, boolean hardSigmoid, Batch batch) {
        ReferenceLstm reference = new ReferenceLstm(weights, hardSigmoid);
        double sum = 0;
        for (int b = 0; b < batch.size(); b++) {
            double[] p = reference.window(batch.inputs(), b * MAXLEN, (b + 1) * MAXLEN);
            sum -= Math.log(p[batch.targets()[b]]);
        }
        return sum / batch.size();
    }

    @Test
    void rmspropStepUsesTheReferenceLossGradientAndKerasFormulaWithThePerCallLearningRate() {
        ModelWeights before = Fixtures.weights(V, H, 1, 0.4, 31);
        Batch batch = Fixtures.batch(windows, BATCH);
        double lr = 0.02; // not the config's 0.01: the call's rate wins
        try (TrainingEngine engine = engine(Fixtures.config(H, 1, "sigmoid", 0, MAXLEN), before)) {
            double loss = engine.trainBatch(batch, lr);
            assertThat(loss).isCloseTo(referenceLoss(before, false, batch), within(1e-5));
            ModelWeights after = engine.weights();
            Map<String, float[]> state = engine.optimizerState();
            // one step from ms = 0: ms = 0.1 g^2 and w -= lr g / (sqrt(ms) + eps), so |dw| ~ lr / sqrt(0.1)
            float[] w0 = before.lstm().get(0).kernel();
            float[] w1 = after.lstm().get(0).kernel();
            float[] ms = state.get("lstm_0/kernel/rms");
            int checked = 0;
            for (int i = 0; i < w0.length; i++) {
                if (ms[i] > 0) {
                    double g = Math.sqrt(ms[i] / 0.1);
                    assertThat((double) Math.abs(w1[i] - w0[i])).isCloseTo(lr * g / (Math.sqrt(ms[i]) + 1e-7), within(2e-5));
                    checked++;
                } else {
                    assertThat(w1[i]).isEqualTo(w0[i]); // an id absent from the batch: no gradient, no step
                }
            }
            assertThat(checked).isGreaterThan(100);
            // the gradient it implies matches finite differences of the reference loss, in every gate block
            int width = 4 * H;
            int[] rows = {batch.inputs()[0], batch.inputs()[MAXLEN - 1]}; // input ids that occur in the batch
            for (int row : rows) {
                for (int gate = 0; gate < 4; gate++) {
                    int index = row * width + gate * H + 3;
                    double implied = -Math.signum(w1[index] - w0[index]) * Math.sqrt(ms[index] / 0.1);
                    assertThat(implied).as("kernel gradient at row %d gate %d", row, gate)
                            .isCloseTo(numericGradient(before, batch, index), within(2e-3 + 0.03 * Math.abs(implied)));
                }
            }
        }
    }

    private static double numericGradient(ModelWeights weights, Batch batch, int kernelIndex) {
        double h = 1e-3;
        return (referenceLoss(perturbKernel(weights, kernelIndex, h), false, batch)
                - referenceLoss(perturbKernel(weights, kernelIndex, -h), false, batch)) / (2 * h);
    }

    private static ModelWeights perturbKernel(ModelWeights weights, int index, double delta) {
        LstmWeights layer = weights.lstm().get(0);
        float[] kernel = layer.kernel().clone();
        kernel[index] += (float) delta;
        return new ModelWeights(List.of(new LstmWeights(layer.inputSize(), layer.hiddenSize(), kernel,
                layer.recurrentKernel(), layer.bias())), weights.denseKernel(), weights.denseBias());
    }

    @Test
    void allStepsTrainingReturnsTheMeanOverEveryStepAndEvaluationTheLastStep() {
        TextgenConfig config = Fixtures.config(H, 2, "sigmoid", 0, MAXLEN);
        TextgenConfig allSteps = config.withTraining(config.training().withLoss(TrainingConfig.Loss.ALL_STEPS));
        ModelWeights weights = Fixtures.weights(V, H, 2, 0.4, 37);
        Batch batch = Fixtures.batch(windows, BATCH);
        try (TrainingEngine engine = engine(allSteps, weights)) {
            assertThat(engine.evaluateBatch(batch)).isCloseTo(referenceLoss(weights, false, batch), within(1e-5));
            assertThat(engine.trainBatch(batch, 0.01)).isCloseTo(LstmGradientTest.allStepsReferenceLoss(weights, batch), within(1e-5));
            assertThat(engine.weights().denseBias()).isNotEqualTo(weights.denseBias());
        }
    }

    @Test
    void freshWeightsAreTheSharedKerasInitialisationOfTheSeed() {
        // the same weights as every backend's fresh engine for this seed (scratch included)
        TextgenConfig config = Fixtures.config(H, 2, "sigmoid", 0, MAXLEN);
        try (TrainingEngine a = engine(config, null)) {
            BackendContractTest.assertSameWeights(a.weights(),
                    ModelWeights.initialize(V, H, 2, config.training().seed()), 0);
        }
    }

    @Test
    void clippingScalesTheWholeGradientToTheGlobalNorm() {
        double clip = 1e-3;
        TextgenConfig config = Fixtures.config(H, 2, "sigmoid", 0, MAXLEN, clip, OptimizerConfig.RmsProp.defaults());
        try (TrainingEngine engine = engine(config, Fixtures.weights(V, H, 2, 0.4, 32))) {
            engine.trainBatch(Fixtures.batch(windows, BATCH), 0.01);
            double squares = 0; // ms = 0.1 g^2 summed over every tensor = 0.1 |g|^2
            for (float[] tensor : engine.optimizerState().values()) {
                for (float v : tensor) {
                    squares += v;
                }
            }
            assertThat(Math.sqrt(squares / 0.1)).isCloseTo(clip, within(clip * 1e-3));
        }
    }

    @Test
    void adamStepIsKerasAdamWithBiasCorrection() {
        ModelWeights before = Fixtures.weights(V, H, 1, 0.4, 33);
        TextgenConfig config = Fixtures.config(H, 1, "sigmoid", 0, MAXLEN, null, OptimizerConfig.Adam.defaults());
        try (TrainingEngine engine = engine(config, before)) {
            engine.trainBatch(Fixtures.batch(windows, BATCH), 0.001);
            Map<String, float[]> state = engine.optimizerState();
            assertThat(state.get("adam/iterations")).containsExactly(1f);
            float[] m = state.get("dense/kernel/m");
            float[] v = state.get("dense/kernel/v");
            float[] w0 = before.denseKernel();
            float[] w1 = engine.weights().denseKernel();
            for (int i = 0; i < m.length; i++) {
                // m = 0.1 g, v = 0.001 g^2, step = lr sqrt(1 - 0.999) / (1 - 0.9) m / (sqrt(v) + eps) ~ lr sign(g)
                assertThat((double) m[i] * m[i] / v[i]).isCloseTo(10, within(1e-3));
                double step = 0.001 * Math.sqrt(1 - 0.999) / (1 - 0.9) * m[i] / (Math.sqrt(v[i]) + 1e-7);
                assertThat((double) (w0[i] - w1[i])).isCloseTo(step, within(2e-7));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rmsprop", "adam"})
    void optimizerStateExportedAndRestoredContinuesExactly(String optimizer) {
        TextgenConfig config = Fixtures.config(H, 2, "sigmoid", 0, MAXLEN, 1.0, OptimizerConfig.defaults(optimizer));
        Batch first = Fixtures.batch(windows, BATCH);
        Batch second = Fixtures.batch(Fixtures.windows(Fixtures.text(400, V, 22), MAXLEN, 3, V), BATCH);
        try (TrainingEngine a = engine(config, null)) {
            a.trainBatch(first, 0.01);
            a.trainBatch(second, 0.01);
            try (TrainingEngine b = engine(config, a.weights())) {
                b.setOptimizerState(a.optimizerState());
                assertThat(b.optimizerState()).containsOnlyKeys(a.optimizerState().keySet());
                a.optimizerState().forEach((name, values) -> assertThat(b.optimizerState().get(name)).containsExactly(values));
                a.trainBatch(first, 0.01);
                b.trainBatch(first, 0.01);
                assertThat(b.weights().denseKernel()).containsExactly(a.weights().denseKernel());
                assertThat(b.weights().lstm().get(1).recurrentKernel()).containsExactly(a.weights().lstm().get(1).recurrentKernel());
                b.setOptimizerState(Map.of()); // reset
                assertThat(b.optimizerState().get("dense/bias/" + (optimizer.equals("adam") ? "m" : "rms"))).containsOnly(0f);
            }
        }
    }

    @Test
    void foreignOrMissingOptimizerTensorsAreRejectedByName() {
        try (TrainingEngine engine = engine(Fixtures.config(H, 1, "sigmoid", 0, MAXLEN), null)) {
            Map<String, float[]> state = new HashMap<>(engine.optimizerState());
            state.put("lstm_0/kernel/m", new float[1]);
            assertThatThrownBy(() -> engine.setOptimizerState(state))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lstm_0/kernel/m").hasMessageContaining("rmsprop");
            state.remove("lstm_0/kernel/m");
            state.remove("dense/bias/rms");
            assertThatThrownBy(() -> engine.setOptimizerState(state))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dense/bias/rms");
        }
    }

    @Test
    void nonFiniteLossAppliesNothing() {
        ModelWeights good = Fixtures.weights(V, H, 1, 0.4, 34);
        float[] bias = good.denseBias().clone();
        bias[0] = Float.NaN;
        ModelWeights poisoned = new ModelWeights(good.lstm(), good.denseKernel(), bias);
        try (TrainingEngine engine = engine(Fixtures.config(H, 1, "sigmoid", 0, MAXLEN), poisoned)) {
            assertThat(engine.trainBatch(Fixtures.batch(windows, BATCH), 0.01)).isNaN();
            assertThat(engine.weights().lstm().get(0).kernel()).containsExactly(good.lstm().get(0).kernel());
            assertThat(engine.optimizerState().get("lstm_0/kernel/rms")).containsOnly(0f);
        }
    }

    @ParameterizedTest(name = "dropout {0}, recurrent dropout {1}")
    @CsvSource({"0.5, 0", "0, 0.5", "0.5, 0.5"})
    void dropoutIsSeededByTheBatchAndOffInEvaluation(double dropout, double recurrentDropout) {
        ModelWeights weights = Fixtures.weights(V, H, 2, 0.4, 35);
        TextgenConfig plain = Fixtures.config(H, 2, "hard_sigmoid", 0, MAXLEN);
        TextgenConfig config = plain.withModel(plain.model().withDropout(dropout).withRecurrentDropout(recurrentDropout));
        Batch batch = Fixtures.batch(windows, BATCH);
        int[] context = Arrays.copyOf(batch.inputs(), MAXLEN);
        try (TrainingEngine a = engine(config, weights); TrainingEngine b = engine(config, weights);
             TrainingEngine without = engine(plain, weights)) {
            double evaluated = a.evaluateBatch(batch);
            assertThat(evaluated).as("held-out loss with and without dropout").isEqualTo(without.evaluateBatch(batch))
                    .isCloseTo(referenceLoss(weights, true, batch), within(1e-5));
            assertThat(a.snapshot(null).predict(context, 0, MAXLEN, new float[V])).as("predictions")
                    .containsExactly(without.snapshot(null).predict(context, 0, MAXLEN, new float[V]));
            double trainedA = a.trainBatch(batch, 0.0);
            double trainedB = b.trainBatch(batch, 0.0);
            assertThat(trainedA).isEqualTo(trainedB).isNotCloseTo(evaluated, within(1e-3));
            assertThat(a.evaluateBatch(batch)).as("evaluation after a step of rate 0").isEqualTo(evaluated);
        }
    }

    @Test
    void evaluationChangesNothingAndSnapshotsAreIndependentOfLaterTraining() {
        ModelWeights weights = Fixtures.weights(V, H, 1, 0.4, 36);
        Batch batch = Fixtures.batch(windows, BATCH);
        try (TrainingEngine engine = engine(Fixtures.config(H, 1, "sigmoid", 0, MAXLEN), weights)) {
            double evaluated = engine.evaluateBatch(batch);
            assertThat(engine.evaluateBatch(batch)).isEqualTo(evaluated);
            LanguageModel snapshot = engine.snapshot("default prompt");
            double first = engine.trainBatch(batch, 0.01);
            assertThat(first).isCloseTo(evaluated, within(1e-5));
            for (int i = 0; i < 10; i++) {
                engine.trainBatch(batch, 0.01);
            }
            assertThat(engine.evaluateBatch(batch)).as("training lowers the loss").isLessThan(evaluated - 0.2);
            assertThat(snapshot.weights().denseKernel()).containsExactly(weights.denseKernel());
            assertThat(snapshot.defaultPrompt()).contains("default prompt");
        }
    }
}
