package dev.textgen.scratch;

import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.scratch.nn.KernelChoices;
import dev.textgen.scratch.simd.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class ScratchTrainingEngineTest {
    static final Vocabulary VOCABULARY = Vocabulary.fromText("abcdefghijk");
    static final WindowSet WINDOWS = TestData.windows(600, VOCABULARY.size(), 7, 1, 5L);

    static List<Kernels> kernels() {
        return KernelChoices.all();
    }

    /** Trains {@code batches} batches of 16 and returns the losses followed by every weight. */
    static List<Float> run(Kernels kernels, TextgenConfig config, int batches) {
        List<Float> out = new ArrayList<>();
        try (TrainingEngine engine = new ScratchBackend(kernels).newEngine(config, VOCABULARY, null)) {
            Batch batch = new Batch(16, 7, VOCABULARY.size(), false);
            Batches epoch = Batches.shuffled(WINDOWS, 16, config.training().seed(), 0);
            for (int i = 0; i < batches && epoch.next(batch); i++) {
                out.add((float) engine.trainBatch(batch, 0.01));
            }
            ModelWeights w = engine.weights();
            for (LstmWeights layer : w.lstm()) {
                for (float v : layer.kernel()) out.add(v);
                for (float v : layer.recurrentKernel()) out.add(v);
                for (float v : layer.bias()) out.add(v);
            }
            for (float v : w.denseKernel()) out.add(v);
            for (float v : w.denseBias()) out.add(v);
        }
        return out;
    }

    @Test
    void theServiceLoaderFindsTheScratchBackend() {
        Backends backends = Backends.installed();
        assertThat(backends.names()).contains("scratch");
        assertThat(backends.get("scratch").name()).isEqualTo("scratch");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void aSeededRunIsReproducibleBitForBit(Kernels kernels) {
        assertThat(run(kernels, Configs.small(2), 5)).isEqualTo(run(kernels, Configs.small(2), 5));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void oneAndTwoThreadsAgree(Kernels kernels) {
        List<Float> one = run(kernels, Configs.small(1), 5);
        List<Float> two = run(kernels, Configs.small(2), 5);
        assertThat(one).hasSameSizeAs(two);
        // Every output element is computed by the same operations whatever the split, so the runs agree exactly;
        // the stated contract is only agreement within 1e-6.
        for (int i = 0; i < one.size(); i++) {
            assertThat(two.get(i)).as("value %d", i).isCloseTo(one.get(i), offset(1e-6f));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void anAllStepsRunIsReproducibleAndDiffersFromLastStep(Kernels kernels) {
        TextgenConfig allSteps = Configs.of(7, 9, 2, ModelConfig.RecurrentActivation.SIGMOID, 0.2, 2, null, OptimizerConfig.RmsProp.defaults(),
                42L, TrainingConfig.Loss.ALL_STEPS);
        List<Float> first = run(kernels, allSteps, 5);
        assertThat(run(kernels, allSteps, 5)).isEqualTo(first);
        assertThat(first).isNotEqualTo(run(kernels, Configs.small(2), 5));
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        TextgenConfig other = Configs.of(7, 9, 2, ModelConfig.RecurrentActivation.SIGMOID, 0.2, 2, null, OptimizerConfig.RmsProp.defaults(), 43L);
        assertThat(run(KernelChoices.all().get(0), other, 1)).isNotEqualTo(run(KernelChoices.all().get(0), Configs.small(2), 1));
    }

    @Test
    void trainingLowersTheLoss() {
        TextgenConfig config = Configs.of(7, 32, 1, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 2, 5.0, OptimizerConfig.RmsProp.defaults(), 1L);
        try (TrainingEngine engine = new ScratchBackend().newEngine(config, VOCABULARY, null)) {
            Batch batch = new Batch(32, 7, VOCABULARY.size(), false);
            Batches.sequential(WINDOWS, 32).next(batch);
            double before = engine.evaluateBatch(batch);
            for (int epoch = 0; epoch < 4; epoch++) {
                Batches batches = Batches.shuffled(WINDOWS, 32, 1L, epoch);
                Batch b = new Batch(32, 7, VOCABULARY.size(), false);
                while (batches.next(b)) {
                    assertThat(engine.trainBatch(b, 0.01)).isFinite();
                }
            }
            assertThat(before).isCloseTo(Math.log(VOCABULARY.size()), offset(0.1));
            assertThat(engine.evaluateBatch(batch)).isLessThan(before - 0.5);
        }
    }

    @Test
    void rmsPropFollowsTheKerasFormula() {
        TextgenConfig config = Configs.of(7, 9, 1, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 1, null,
                new OptimizerConfig.RmsProp(0.01, 0.9, 1e-7), 3L);
        Batch batch = TestData.batch(WINDOWS, 8, 3L, 0);
        try (TrainingEngine engine = new ScratchBackend().newEngine(config, VOCABULARY, null)) {
            float[] before = engine.weights().denseBias();
            engine.trainBatch(batch, 0.05);
            float[] after = engine.weights().denseBias();
            float[] ms = engine.optimizerState().get("dense/bias/rms");
            for (int v = 0; v < before.length; v++) {
                // First step from a zero state: ms = 0.1 g^2, so the step is lr g / (sqrt(0.1) |g| + eps).
                double g = Math.sqrt(ms[v] / 0.1);
                double step = 0.05 * g / (Math.sqrt(ms[v]) + 1e-7);
                assertThat((double) Math.abs(before[v] - after[v])).isCloseTo(step, offset(1e-6));
                assertThat(Math.abs(before[v] - after[v])).isCloseTo(0.05f / (float) Math.sqrt(0.1), offset(1e-5f));
            }
        }
    }

    @Test
    void sgdStepsByTheLearningRateTimesTheGradientAndHasNoState() {
        Batch batch = TestData.batch(WINDOWS, 8, 3L, 0);
        float[] gradient;
        try (TrainingEngine rms = new ScratchBackend().newEngine(Configs.of(7, 9, 1, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 1, null,
                new OptimizerConfig.RmsProp(0.01, 0.9, 1e-7), 3L), VOCABULARY, null)) {
            rms.trainBatch(batch, 0.01);
            gradient = rms.optimizerState().get("dense/bias/rms"); // 0.1 g^2 after one step from zero
        }
        TextgenConfig config = Configs.of(7, 9, 1, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 1, null, new OptimizerConfig.Sgd(0.05), 3L);
        try (TrainingEngine engine = new ScratchBackend().newEngine(config, VOCABULARY, null)) {
            float[] before = engine.weights().denseBias();
            engine.trainBatch(batch, 0.05);
            float[] after = engine.weights().denseBias();
            assertThat(engine.optimizerState()).isEmpty();
            for (int v = 0; v < before.length; v++) {
                assertThat((double) Math.abs(before[v] - after[v])).isCloseTo(0.05 * Math.sqrt(gradient[v] / 0.1), offset(1e-6));
            }
        }
    }

    @Test
    void adamFollowsTheKerasFormula() {
        TextgenConfig config = Configs.of(7, 9, 1, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 1, null,
                new OptimizerConfig.Adam(0.001, 0.9, 0.999, 1e-7), 3L);
        Batch batch = TestData.batch(WINDOWS, 8, 3L, 0);
        try (TrainingEngine engine = new ScratchBackend().newEngine(config, VOCABULARY, null)) {
            float[] before = engine.weights().denseBias();
            engine.trainBatch(batch, 0.001);
            engine.trainBatch(batch, 0.001);
            Map<String, float[]> state = engine.optimizerState();
            assertThat(state.get("adam/iterations")).containsExactly(2f);
            float[] m = state.get("dense/bias/m");
            float[] v = state.get("dense/bias/v");
            assertThat(m).hasSize(VOCABULARY.size());
            assertThat(v).hasSize(VOCABULARY.size());
            // Two steps of size lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps) each; the first is exactly lr.
            float[] after = engine.weights().denseBias();
            for (int i = 0; i < before.length; i++) {
                double second = 0.001 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9) * m[i] / (Math.sqrt(v[i]) + 1e-7);
                assertThat((double) (before[i] - after[i]))
                        .isCloseTo(0.001 * Math.signum(m[i]) + second, offset(2e-5));
            }
        }
    }

    @Test
    void clippingScalesTheGradientToTheGlobalNorm() {
        Batch batch = TestData.batch(WINDOWS, 8, 3L, 0);
        Map<String, float[]> unclipped = firstRmsState(null, batch);
        double norm = 0;
        for (float[] ms : unclipped.values()) {
            for (float v : ms) {
                norm += v / 0.1;
            }
        }
        norm = Math.sqrt(norm);
        double clip = norm / 4;
        Map<String, float[]> clipped = firstRmsState(clip, batch);
        float[] a = unclipped.get("lstm_0/recurrent_kernel/rms");
        float[] b = clipped.get("lstm_0/recurrent_kernel/rms");
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isCloseTo(a[i] / 16f, offset(1e-6f * a[i] + 1e-12f));
        }
    }

    private static Map<String, float[]> firstRmsState(Double clip, Batch batch) {
        TextgenConfig config = Configs.of(7, 9, 1, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 1, clip, OptimizerConfig.RmsProp.defaults(), 3L);
        try (TrainingEngine engine = new ScratchBackend().newEngine(config, VOCABULARY, null)) {
            engine.trainBatch(batch, 0.01);
            return engine.optimizerState();
        }
    }

    @Test
    void aNonFiniteLossUpdatesNothing() {
        Batch batch = TestData.batch(WINDOWS, 8, 3L, 0);
        try (TrainingEngine engine = new ScratchBackend().newEngine(Configs.small(1), VOCABULARY, null)) {
            ModelWeights w = engine.weights();
            float[] bias = w.denseBias();
            bias[0] = Float.NaN;
            ModelWeights broken = new ModelWeights(w.lstm(), w.denseKernel(), bias);
            engine.setWeights(broken);
            assertThat(engine.trainBatch(batch, 0.01)).isNaN();
            assertThat(engine.weights().denseKernel()).containsExactly(w.denseKernel());
            assertThat(engine.weights().lstm().get(0).kernel()).containsExactly(w.lstm().get(0).kernel());
            assertThat(engine.optimizerState().get("dense/kernel/rms")).containsOnly(0f);
        }
    }

    @Test
    void optimizerStateRoundTripsAndRejectsStrangers() {
        Batch batch = TestData.batch(WINDOWS, 8, 3L, 0);
        try (TrainingEngine a = new ScratchBackend().newEngine(Configs.small(1), VOCABULARY, null);
             TrainingEngine b = new ScratchBackend().newEngine(Configs.small(1), VOCABULARY, null)) {
            a.trainBatch(batch, 0.01);
            b.setWeights(a.weights());
            b.setOptimizerState(a.optimizerState());
            Batch next = TestData.batch(WINDOWS, 8, 3L, 1);
            assertThat(b.trainBatch(next, 0.01)).isEqualTo(a.trainBatch(next, 0.01));
            assertThat(b.weights().denseKernel()).containsExactly(a.weights().denseKernel());
            assertThat(a.optimizerState().keySet()).contains("lstm_0/kernel/rms", "lstm_1/recurrent_kernel/rms", "dense/bias/rms");
            assertThatThrownBy(() -> b.setOptimizerState(Map.of("lstm_9/kernel/rms", new float[1])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lstm_9/kernel/rms");
            Map<String, float[]> wrong = new java.util.HashMap<>(a.optimizerState());
            wrong.put("dense/bias/rms", new float[3]);
            assertThatThrownBy(() -> b.setOptimizerState(wrong))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dense/bias/rms").hasMessageContaining("3");
            b.setOptimizerState(Map.of());
            assertThat(b.optimizerState().get("dense/bias/rms")).containsOnly(0f);
        }
    }

    @Test
    void rejectsWeightsOfAnotherShape() {
        try (TrainingEngine engine = new ScratchBackend().newEngine(Configs.small(1), VOCABULARY, null);
             TrainingEngine wide = new ScratchBackend().newEngine(
                     Configs.of(7, 10, 2, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 1, null, OptimizerConfig.RmsProp.defaults(), 1L),
                     VOCABULARY, null)) {
            assertThatThrownBy(() -> engine.setWeights(wide.weights()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lstm_0").hasMessageContaining("10 units");
            assertThatThrownBy(() -> new ScratchBackend().newEngine(Configs.small(1), VOCABULARY, wide.weights()))
                    .isInstanceOf(dev.textgen.api.ConfigException.class).hasMessageContaining("model.hiddenSize");
        }
    }

    @Test
    void rejectsABatchOverAnotherVocabulary() {
        try (TrainingEngine engine = new ScratchBackend().newEngine(Configs.small(1), VOCABULARY, null)) {
            Batch batch = new Batch(4, 7, 5, false);
            Batches.sequential(TestData.windows(100, 5, 7, 1, 1L), 4).next(batch);
            assertThatThrownBy(() -> engine.trainBatch(batch, 0.01))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 symbols").hasMessageContaining("11");
        }
    }
}
