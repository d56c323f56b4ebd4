package dev.textgen.scratch;

import dev.textgen.api.ConfigException;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.scratch.nn.KernelChoices;
import dev.textgen.scratch.simd.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class ScratchModelTest {
    static final Vocabulary VOCABULARY = ScratchTrainingEngineTest.VOCABULARY;
    static final int[] CONTEXT = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7};

    static List<Kernels> kernels() {
        return KernelChoices.all();
    }

    /** A model after a few training batches, so that its weights are not the initial ones. */
    static LanguageModel trained(Kernels kernels, ModelConfig.RecurrentActivation activation) {
        TextgenConfig config = Configs.of(7, 9, 2, activation, 0.2, 1, null, OptimizerConfig.RmsProp.defaults(), 8L);
        try (TrainingEngine engine = new ScratchBackend(kernels).newEngine(config, VOCABULARY, null)) {
            for (int i = 0; i < 3; i++) {
                engine.trainBatch(TestData.batch(ScratchTrainingEngineTest.WINDOWS, 16, 8L, i), 0.01);
            }
            return engine.snapshot("default prompt");
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void aWindowPredictionReadsOnlyTheLastMaxlenIdsFromTheZeroState(Kernels kernels) {
        LanguageModel model = trained(kernels, ModelConfig.RecurrentActivation.SIGMOID);
        float[] full = model.predict(CONTEXT, 0, CONTEXT.length, new float[VOCABULARY.size()]);
        float[] tail = model.predict(CONTEXT, CONTEXT.length - 7, CONTEXT.length, new float[VOCABULARY.size()]);
        assertThat(full).containsExactly(tail);
        double sum = 0;
        for (float p : full) {
            assertThat(p).isBetween(0f, 1f);
            sum += p;
        }
        assertThat(sum).isCloseTo(1.0, offset(1e-5));
        float[] shorter = model.predict(CONTEXT, CONTEXT.length - 3, CONTEXT.length, new float[VOCABULARY.size()]);
        assertThat(shorter).isNotEqualTo(full);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void aSessionStepsLikeTheWindowFromTheZeroState(Kernels kernels) {
        for (ModelConfig.RecurrentActivation activation : ModelConfig.RecurrentActivation.values()) {
            LanguageModel model = trained(kernels, activation);
            try (Session session = model.newSession()) {
                for (int i = 0; i < 5; i++) {
                    session.feed(CONTEXT[i]);
                }
                float[] window = model.predict(CONTEXT, 0, 5, new float[VOCABULARY.size()]);
                assertThat(session.probabilities(new float[VOCABULARY.size()])).containsExactly(window);
                session.reset();
                session.feed(CONTEXT[4]);
                assertThat(session.probabilities(new float[VOCABULARY.size()]))
                        .containsExactly(model.predict(CONTEXT, 4, 5, new float[VOCABULARY.size()]));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void theWindowSessionIsBitIdenticalToPredictOnTheLastMaxlenIds(Kernels kernels) {
        // 2 layers of 9 units, maxlen 7: the batched rows run the same FMAs in the same order as one row
        for (ModelConfig.RecurrentActivation activation : ModelConfig.RecurrentActivation.values()) {
            LanguageModel model = trained(kernels, activation);
            int[] text = new int[40];
            for (int i = 0; i < text.length; i++) {
                text[i] = CONTEXT[(7 * i + i / CONTEXT.length) % CONTEXT.length];
            }
            try (Session session = model.newWindowSession()) {
                for (int n = 1; n <= text.length; n++) {
                    session.feed(text[n - 1]);
                    assertThat(session.probabilities(new float[VOCABULARY.size()])).as("%s, after %d ids", activation, n)
                            .containsExactly(model.predict(text, Math.max(0, n - 7), n, new float[VOCABULARY.size()]));
                }
            }
        }
    }

    @Test
    void theSameWeightsPredictTheSameThroughATrainingPass() {
        // The model's stepper and the training pass are separate code: their forward passes must agree.
        LanguageModel model = trained(KernelChoices.all().get(0), ModelConfig.RecurrentActivation.SIGMOID);
        Batch batch = TestData.batch(ScratchTrainingEngineTest.WINDOWS, 16, 1L, 0);
        double sum = 0;
        int[] window = new int[7];
        float[] p = new float[VOCABULARY.size()];
        for (int b = 0; b < batch.size(); b++) {
            System.arraycopy(batch.inputs(), b * 7, window, 0, 7);
            sum -= Math.log(model.predict(window, 0, 7, p)[batch.targets()[b]]);
        }
        TextgenConfig config = model.config();
        try (TrainingEngine engine = new ScratchBackend().newEngine(config, VOCABULARY, model.weights())) {
            assertThat(engine.evaluateBatch(batch)).isCloseTo(sum / batch.size(), offset(1e-5));
        }
    }

    @Test
    void aSnapshotIsIndependentOfLaterTrainingAndSafeAcrossThreads() throws Exception {
        TextgenConfig config = Configs.small(1);
        try (TrainingEngine engine = new ScratchBackend().newEngine(config, VOCABULARY, null)) {
            LanguageModel model = engine.snapshot(null);
            float[] before = model.predict(CONTEXT, 0, 7, new float[VOCABULARY.size()]);
            engine.trainBatch(TestData.batch(ScratchTrainingEngineTest.WINDOWS, 16, 8L, 0), 0.05);
            assertThat(model.predict(CONTEXT, 0, 7, new float[VOCABULARY.size()])).containsExactly(before);
            assertThat(engine.snapshot(null).predict(CONTEXT, 0, 7, new float[VOCABULARY.size()])).isNotEqualTo(before);
            assertThat(model.defaultPrompt()).isEmpty();
            assertThat(model.backend()).isEqualTo("scratch");

            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> model.predict(CONTEXT, 0, 7, new float[VOCABULARY.size()])));
                }
                for (Future<float[]> result : results) {
                    assertThat(result.get()).containsExactly(before);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void loadingChecksTheWeightsAgainstTheConfig() {
        LanguageModel model = trained(KernelChoices.all().get(0), ModelConfig.RecurrentActivation.SIGMOID);
        StoredModel stored = new StoredModel(model.config(), VOCABULARY, model.weights(), "abc", null);
        LanguageModel loaded = new ScratchBackend().load(stored);
        assertThat(loaded.predict(CONTEXT, 0, 9, new float[VOCABULARY.size()]))
                .containsExactly(model.predict(CONTEXT, 0, 9, new float[VOCABULARY.size()]));
        assertThat(loaded.defaultPrompt()).contains("abc");
        TextgenConfig threeLayers = Configs.of(7, 9, 3, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 1, null, OptimizerConfig.RmsProp.defaults(), 1L);
        StoredModel wrong = new StoredModel(threeLayers, VOCABULARY, model.weights(), null, null);
        assertThatThrownBy(() -> new ScratchBackend().load(wrong))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.layers").hasMessageContaining("3");
    }

    @Test
    void badArgumentsAreNamed() {
        LanguageModel model = trained(KernelChoices.all().get(0), ModelConfig.RecurrentActivation.SIGMOID);
        float[] out = new float[VOCABULARY.size()];
        assertThatThrownBy(() -> model.predict(CONTEXT, 3, 3, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 3)");
        assertThatThrownBy(() -> model.predict(new int[] {1, 11}, 0, 2, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("symbol id 11 at position 1");
        assertThatThrownBy(() -> model.predict(CONTEXT, 0, 2, new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11 floats");
        try (Session session = model.newSession()) {
            assertThatThrownBy(() -> session.probabilities(out)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> session.feed(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("symbol id -1");
        }
    }
}
