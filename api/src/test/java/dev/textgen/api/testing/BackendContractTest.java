package dev.textgen.api.testing;

import dev.textgen.api.ConfigException;
import dev.textgen.api.Evaluation;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.UnknownChars;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TensorLayout;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Optimizer;
import dev.textgen.api.spi.RecurrentRows;
import dev.textgen.api.spi.Samplers;
import dev.textgen.api.spi.TrainingEngine;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The contract every backend keeps, run on {@link TinyCorpus}. A backend module's test extends this
 * class and supplies its {@link Backend}; it may override {@link #config()} (a small model) and the
 * tolerances. Models must give distributions, agree between sessions, window sessions and windows, round-trip their
 * weights, stay unchanged by later training, serve threads concurrently (predictions and whole generations),
 * train deterministically, learn, check the architecture and step the shared optimizer rules, take the loop's
 * decayed learning rate, and resume through {@link dev.textgen.api.training.TrainingLoop} as if never interrupted.
 */
public abstract class BackendContractTest {

    /** The backend under test. */
    protected abstract Backend backend();

    /** A small config for the backend: by default 16 hidden units on {@link TinyCorpus}. */
    protected TextgenConfig config() {
        return TinyCorpus.config(backend().name(), 16);
    }

    /** Largest difference allowed between a session's and a window's probabilities. */
    protected double sessionTolerance() {
        return 1e-5;
    }

    /** Largest difference allowed between a resumed and an uninterrupted run (0: bit for bit). */
    protected double resumeTolerance() {
        return 0;
    }

    /**
     * Weights after one optimizer step against the rule in float64: a weight's float32 rounding (about 6e-8 at
     * the sizes here) and the rounding of the step itself; a rule with another factor (decay, bias correction, clipping) moves them by
     * 1e-4 or more.
     */
    private static final double OPTIMIZER_STEP_TOLERANCE = 1e-6;

    /** Largest difference allowed between a row stepped in a batch and the same ids fed to a session (0: bit for bit). */
    protected double batchTolerance() {
        return 0;
    }

    private final Vocabulary vocabulary = TinyCorpus.vocabulary();
    private final WindowSet train = TinyCorpus.train();

    @Test
    public void predictGivesADistributionSummingToOne() {
        LanguageModel model = trainedModel(config(), 20);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 30; i++) {
            int[] context = randomContext(random, 1 + random.nextInt(model.maxlen()));
            float[] p = model.predict(context, 0, context.length, new float[vocabulary.size()]);
            double sum = 0;
            for (float v : p) {
                assertThat(v).isBetween(0f, 1f);
                sum += v;
            }
            assertThat(sum).as("sum of probabilities").isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    public void predictRejectsAnEmptyRangeAndForeignIds() {
        LanguageModel model = trainedModel(config(), 0);
        float[] out = new float[vocabulary.size()];
        assertThatThrownBy(() -> model.predict(new int[] {1, 2}, 1, 1, out)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.predict(new int[] {1, vocabulary.size()}, 0, 2, out))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void predictReadsOnlyTheLastMaxlenIds() {
        LanguageModel model = trainedModel(config(), 20);
        int[] context = randomContext(new SplittableRandom(2), model.maxlen() + 7);
        float[] all = model.predict(context, 0, context.length, new float[vocabulary.size()]);
        float[] last = model.predict(context, 7, context.length, new float[vocabulary.size()]);
        assertThat(all).containsExactly(last);
    }

    @Test
    public void sessionAgreesWithWindowForContextsUpToMaxlen() {
        LanguageModel model = trainedModel(config(), 30);
        int[] context = randomContext(new SplittableRandom(3), model.maxlen());
        float[] window = new float[vocabulary.size()];
        float[] stateful = new float[vocabulary.size()];
        try (Session session = model.newSession()) {
            assertThatThrownBy(() -> session.probabilities(stateful)).isInstanceOf(IllegalStateException.class);
            for (int length = 1; length <= context.length; length++) {
                session.feed(context[length - 1]);
                model.predict(context, 0, length, window);
                session.probabilities(stateful);
                for (int k = 0; k < window.length; k++) {
                    assertThat(stateful[k]).as("context length %d, symbol %d", length, k)
                            .isCloseTo(window[k], within((float) sessionTolerance()));
                }
            }
            session.reset();
            session.feed(context[0]);
            model.predict(context, 0, 1, window);
            assertThat(session.probabilities(stateful)).containsExactly(window, within((float) sessionTolerance()));
        }
    }

    /**
     * Five streams share one batch of rows the way a server's scheduler runs them: they join at different steps
     * (onto rows that held other state), each row steps on its own id, and when stream 1 leaves the last stream's
     * row moves into its place. Every distribution, read row by row or all rows in one call, equals that of a
     * session fed the stream's ids alone.
     */
    @Test
    public void aRowSteppedInABatchGivesWhatItsIdsGiveAlone() {
        LanguageModel model = trainedModel(config(), 30);
        int streams = 5;
        int length = 3 * model.maxlen();
        SplittableRandom random = new SplittableRandom(9);
        int[][] sequences = new int[streams][];
        float[][][] alone = new float[streams][length][];
        for (int s = 0; s < streams; s++) {
            sequences[s] = randomContext(random, length);
            try (Session session = model.newSession()) {
                for (int t = 0; t < length; t++) {
                    session.feed(sequences[s][t]);
                    alone[s][t] = session.probabilities(new float[vocabulary.size()]);
                }
            }
        }
        try (RecurrentRows rows = model.newRows(streams)) {
            rows.step(new int[] {1, 2, 3, 4, 5}, streams); // state that the streams joining later must not see
            List<Integer> live = new ArrayList<>(); // the stream on each live row, the live rows first
            int[] fed = new int[streams];
            int[] ids = new int[streams];
            for (int step = 0; step < streams || !live.isEmpty(); step++) {
                if (step < streams) {
                    rows.reset(live.size());
                    live.add(step);
                }
                for (int row = 0; row < live.size(); row++) {
                    ids[row] = sequences[live.get(row)][fed[live.get(row)]];
                }
                rows.step(ids, live.size());
                int stepped = live.size();
                int[] reversed = java.util.stream.IntStream.range(0, stepped).map(i -> stepped - 1 - i).toArray();
                float[][] together = new float[stepped][vocabulary.size()];
                rows.probabilities(reversed, stepped, together);
                for (int row = live.size() - 1; row >= 0; row--) { // backwards: a leaver's row takes a checked row
                    int s = live.get(row);
                    assertThat(rows.probabilities(row, new float[vocabulary.size()])).as("stream %d after %d ids", s, fed[s] + 1)
                            .containsExactly(alone[s][fed[s]], within((float) batchTolerance()));
                    assertThat(together[stepped - 1 - row]).as("stream %d after %d ids, read with the others", s, fed[s] + 1)
                            .containsExactly(alone[s][fed[s]], within((float) batchTolerance()));
                    fed[s]++;
                    if (fed[s] == length || (s == 1 && fed[s] == length / 2)) {
                        int last = live.size() - 1;
                        rows.move(last, row, 1);
                        live.set(row, live.get(last));
                        live.remove(last);
                    }
                }
            }
            assertThat(fed).containsExactly(length, length / 2, length, length, length);
        }
    }

    @Test
    public void windowSessionGivesPredictOfTheLastMaxlenIdsAfterEveryFeed() {
        LanguageModel model = trainedModel(config(), 30);
        int[] context = randomContext(new SplittableRandom(4), 3 * model.maxlen() + 7);
        float[] window = new float[vocabulary.size()];
        float[] windowed = new float[vocabulary.size()];
        try (Session session = model.newWindowSession()) {
            assertThatThrownBy(() -> session.probabilities(windowed)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> session.feed(vocabulary.size())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> session.feed(-1)).isInstanceOf(IllegalArgumentException.class);
            for (int round = 0; round < 2; round++) {
                for (int n = 1; n <= context.length; n++) {
                    session.feed(context[n - 1]);
                    model.predict(context, Math.max(0, n - model.maxlen()), n, window);
                    session.probabilities(windowed);
                    for (int k = 0; k < window.length; k++) {
                        assertThat(windowed[k]).as("round %d, after %d ids, symbol %d", round, n, k)
                                .isCloseTo(window[k], within((float) sessionTolerance()));
                    }
                }
                session.reset();
                assertThatThrownBy(() -> session.probabilities(windowed)).isInstanceOf(IllegalStateException.class);
            }
            session.feed(context[0]);
            assertThatThrownBy(() -> session.probabilities(new float[vocabulary.size() + 1]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    public void weightsRoundTripThroughLoad() {
        LanguageModel model = trainedModel(config(), 20);
        ModelWeights weights = model.weights();
        LanguageModel loaded = backend().load(new StoredModel(config(), vocabulary, weights, "default prompt", null));

        assertSameWeights(loaded.weights(), weights, 0);
        assertThat(loaded.defaultPrompt()).contains("default prompt");
        assertThat(loaded.vocabulary()).isEqualTo(vocabulary);
        int[] context = randomContext(new SplittableRandom(4), model.maxlen());
        assertThat(loaded.predict(context, 0, context.length, new float[vocabulary.size()]))
                .containsExactly(model.predict(context, 0, context.length, new float[vocabulary.size()]), within(1e-6f));
    }

    @Test
    public void aSnapshotIsUnchangedByLaterTraining() {
        try (TrainingEngine engine = backend().newEngine(config(), vocabulary, null)) {
            trainSteps(engine, 10);
            LanguageModel snapshot = engine.snapshot(null);
            List<int[]> contexts = contexts(20, 5);
            List<float[]> before = predictAll(snapshot, contexts);
            ModelWeights weightsBefore = snapshot.weights();

            trainSteps(engine, 10);

            assertThat(predictAll(snapshot, contexts)).usingRecursiveComparison().isEqualTo(before);
            assertSameWeights(snapshot.weights(), weightsBefore, 0);
            assertThat(predictAll(engine.snapshot(null), contexts).get(0)).as("training moved the live weights")
                    .isNotEqualTo(before.get(0));
        }
    }

    @Test
    public void eightThreadsGetTheSingleThreadedPredictions() throws Exception {
        LanguageModel model = trainedModel(config(), 20);
        List<int[]> contexts = contexts(100, 6);
        List<float[]> expected = predictAll(model, contexts);
        List<float[]> expectedSessions = sessionAll(model, contexts);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<List<float[]>>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Callable<List<List<float[]>>> task = () -> {
                    start.await();
                    return List.of(predictAll(model, contexts), sessionAll(model, contexts));
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<List<List<float[]>>> result : results) {
                List<List<float[]>> got = result.get(60, TimeUnit.SECONDS);
                assertThat(got.get(0)).usingRecursiveComparison().isEqualTo(expected);
                assertThat(got.get(1)).usingRecursiveComparison().isEqualTo(expectedSessions);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void eightThreadsGenerateTheSingleThreadedTextsInBothContexts() throws Exception {
        LanguageModel model = trainedModel(config(), 40);
        Samplers samplers = Samplers.of(List.of(new TestDoubleSamplerProvider()));
        for (GenerationConfig.Context context : GenerationConfig.Context.values()) {
            List<TextGenerator> generators = new ArrayList<>();
            for (long seed = 0; seed < 100; seed++) {
                generators.add(new TextGenerator(model, new GenerationConfig(SamplerConfig.of(TestDoubleSamplerProvider.NAME,
                        "temperature", 1.0), 30, context, UnknownChars.ERROR, " ", seed, List.of()), samplers));
            }
            List<String> expected = generators.stream().map(g -> g.generate("the cat")).toList();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return generators.stream().map(g -> g.generate("the cat")).toList();
                    }));
                }
                start.countDown();
                for (Future<List<String>> result : results) {
                    assertThat(result.get(60, TimeUnit.SECONDS)).as("context %s", context)
                            .containsExactlyElementsOf(expected);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(expected).as("different seeds give different texts").doesNotHaveDuplicates();
        }
    }

    @Test
    public void trainingRejectsABatchOfAnotherVocabularyOrWithForeignIds() {
        try (TrainingEngine engine = backend().newEngine(config(), vocabulary, null)) {
            Batch other = new Batch(4, train.maxlen(), vocabulary.size() + 1, engine.wantsOneHot());
            assertThat(Batches.sequential(train, 4).next(other)).isTrue();
            assertThatThrownBy(() -> engine.trainBatch(other, 0.01)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(vocabulary.size() + 1)).hasMessageContaining(String.valueOf(vocabulary.size()));
            assertThatThrownBy(() -> engine.evaluateBatch(other)).isInstanceOf(IllegalArgumentException.class);
            Batch batch = new Batch(4, train.maxlen(), vocabulary.size(), engine.wantsOneHot());
            assertThat(Batches.sequential(train, 4).next(batch)).isTrue();
            batch.inputs()[5] = vocabulary.size(); // a caller's corrupted id
            assertThatThrownBy(() -> engine.trainBatch(batch, 0.01)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input id " + vocabulary.size());
        }
    }

    @Test
    public void trainingIsDeterministicForTheSameSeed() {
        TextgenConfig config = TinyCorpus.withDropout(config(), 0.25);
        List<Double> first = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        ModelWeights a;
        ModelWeights b;
        try (TrainingEngine engine = backend().newEngine(config, vocabulary, null)) {
            first.addAll(trainSteps(engine, 15));
            a = engine.weights();
        }
        try (TrainingEngine engine = backend().newEngine(config, vocabulary, null)) {
            second.addAll(trainSteps(engine, 15));
            b = engine.weights();
        }
        assertThat(second).containsExactlyElementsOf(first);
        assertSameWeights(b, a, 0);
    }

    @Test
    public void evaluationMatchesPredictAndIgnoresDropout() {
        TextgenConfig config = TinyCorpus.withDropout(config(), 0.5);
        try (TrainingEngine engine = backend().newEngine(config, vocabulary, null)) {
            trainSteps(engine, 10);
            Batch batch = new Batch(16, train.maxlen(), vocabulary.size(), engine.wantsOneHot());
            Batches.sequential(train, 16).next(batch);
            LanguageModel model = engine.snapshot(null);
            double expected = 0;
            for (int b = 0; b < batch.size(); b++) {
                int[] window = Arrays.copyOfRange(batch.inputs(), b * batch.maxlen(), (b + 1) * batch.maxlen());
                float[] p = model.predict(window, 0, window.length, new float[vocabulary.size()]);
                expected -= Math.log(p[batch.targets()[b]]);
            }
            expected /= batch.size();

            double evaluated = engine.evaluateBatch(batch);
            assertThat(evaluated).isCloseTo(expected, within(1e-4));
            assertThat(engine.evaluateBatch(batch)).as("evaluation is repeatable").isEqualTo(evaluated);
            assertThat(engine.trainBatch(batch, 0.001)).as("training loss with dropout 0.5")
                    .isNotCloseTo(evaluated, within(1e-6));
        }
    }

    @Test
    public void recurrentDropoutIsSeededByTheBatchAndOffInEvaluation() {
        TextgenConfig config = config().withModel(config().model().withRecurrentDropout(0.5));
        try (TrainingEngine engine = backend().newEngine(config, vocabulary, null);
             TrainingEngine twin = backend().newEngine(config, vocabulary, null);
             TrainingEngine without = backend().newEngine(config(), vocabulary, null)) {
            Batch batch = new Batch(16, train.maxlen(), vocabulary.size(), engine.wantsOneHot());
            Batches.sequential(train, 16).next(batch);
            double evaluated = engine.evaluateBatch(batch);
            assertThat(evaluated).as("held-out loss with and without recurrent dropout")
                    .isEqualTo(without.evaluateBatch(batch));
            assertThat(engine.trainBatch(batch, 0.001)).as("training loss with recurrent dropout 0.5")
                    .isNotCloseTo(evaluated, within(1e-6))
                    .isEqualTo(twin.trainBatch(batch, 0.001));
            assertSameWeights(twin.weights(), engine.weights(), 0);
        }
    }

    @Test
    public void aFewHundredStepsLowerTheLoss() {
        try (TrainingEngine engine = backend().newEngine(config(), vocabulary, null)) {
            double before = meanLoss(engine, train);
            trainSteps(engine, 300);
            double after = meanLoss(engine, train);
            assertThat(after).as("loss after 300 steps (before: %.4f)", before).isLessThan(0.6 * before);
        }
    }

    @Test
    public void resumingACancelledRunEqualsTheUninterruptedRun() {
        TextgenConfig config = config();
        WindowSet validation = TinyCorpus.validation();
        TrainingHistory uninterrupted;
        ModelWeights expected;
        try (Trainer trainer = backend().newTrainer(config, vocabulary, TinyCorpus.defaultPrompt())) {
            uninterrupted = trainer.fit(train, validation, TrainingListener.NONE);
            expected = trainer.model().weights();
        }

        StoredModel checkpoint;
        try (Trainer trainer = backend().newTrainer(config, vocabulary, TinyCorpus.defaultPrompt())) {
            TrainingHistory cancelled = trainer.fit(train, validation, new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                    if (epoch == 2 && batch == 3) {
                        trainer.requestStop();
                    }
                }
            });
            assertThat(cancelled.outcome()).isEqualTo(TrainingHistory.Outcome.CANCELLED);
            assertThat(trainer.state().epoch()).isEqualTo(1);
            assertThat(trainer.state().batch()).isEqualTo(3);
            checkpoint = new StoredModel(config, vocabulary, trainer.model().weights(), TinyCorpus.defaultPrompt(),
                    trainer.state());
        }
        try (Trainer resumed = backend().resumeTrainer(checkpoint)) {
            TrainingHistory history = resumed.fit(train, validation, TrainingListener.NONE);
            assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.COMPLETED);
            assertThat(history.epochs()).hasSameSizeAs(uninterrupted.epochs());
            for (int e = 0; e < uninterrupted.epochs().size(); e++) {
                assertThat(history.trainLosses().get(e)).isCloseTo(uninterrupted.trainLosses().get(e),
                        within(resumeTolerance()));
                assertThat(history.validationLosses().get(e)).isCloseTo(uninterrupted.validationLosses().get(e),
                        within(resumeTolerance()));
            }
            assertSameWeights(resumed.model().weights(), expected, resumeTolerance());
        }
    }

    /**
     * {@code training.optimizer.decay} is the loop's: update {@code i} of a run reaches the engine as
     * {@code lr / (1 + decay * i)}, so a backend needs nothing of its own for it.
     */
    @Test
    public void aRunWithDecayTrainsEachUpdateAtTheDecayedRate() {
        TextgenConfig config = config();
        TrainingConfig training = config.training().withEpochs(2)
                .withOptimizer(new OptimizerConfig.RmsProp(0.01, 0.9, 1e-7, 0.05));
        TextgenConfig decaying = config.withTraining(training);
        ModelWeights trained;
        try (Trainer trainer = backend().newTrainer(decaying, vocabulary, TinyCorpus.defaultPrompt())) {
            trainer.fit(train, null, TrainingListener.NONE);
            trained = trainer.model().weights();
        }
        ModelWeights stepped = stepEpochs(decaying, update -> 0.01 / (1 + 0.05 * update));
        ModelWeights constant = stepEpochs(decaying, update -> 0.01);
        assertSameWeights(trained, stepped, 0);
        assertThat(trained.denseBias()).as("the decay changes the run").isNotEqualTo(constant.denseBias());
    }

    /** The weights after {@code config}'s epochs in the loop's batch order, update {@code i} at {@code rate(i)}. */
    private ModelWeights stepEpochs(TextgenConfig config, LongToDoubleFunction rate) {
        TrainingConfig training = config.training();
        try (TrainingEngine engine = backend().newEngine(config, vocabulary, null)) {
            Batch batch = new Batch(training.batchSize(), train.maxlen(), vocabulary.size(), engine.wantsOneHot());
            long update = 0;
            for (int epoch = 0; epoch < training.epochs(); epoch++) {
                Batches batches = Batches.shuffled(train, training.batchSize(), training.seed(), epoch);
                while (batches.next(batch)) {
                    engine.trainBatch(batch, rate.applyAsDouble(update++));
                }
            }
            return engine.weights();
        }
    }

    @Test
    public void weightsOfAnotherArchitectureThanTheConfigsAreAConfigException() {
        ModelConfig m = config().model();
        ModelWeights weights = ModelWeights.initialize(vocabulary.size(), m.hiddenSize(), m.layers(), 1L);
        TextgenConfig wider = config().withModel(new ModelConfig(m.backend(), m.hiddenSize() + 3, m.layers(),
                m.recurrentActivation(), m.dropout(), m.recurrentDropout()));
        TextgenConfig deeper = config().withModel(new ModelConfig(m.backend(), m.hiddenSize(), m.layers() + 1,
                m.recurrentActivation(), m.dropout(), m.recurrentDropout()));
        StoredModel onWider = new StoredModel(wider, vocabulary, weights, null, null);
        StoredModel onDeeper = new StoredModel(deeper, vocabulary, weights, null, null);
        assertThatThrownBy(() -> backend().load(onWider)).isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.path()).contains("model.hiddenSize"))
                .hasMessageContaining(String.valueOf(m.hiddenSize() + 3)).hasMessageContaining(m.hiddenSize() + " units");
        assertThatThrownBy(() -> backend().load(onDeeper)).isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.path()).contains("model.layers"))
                .hasMessageContaining("model.layers is " + (m.layers() + 1));
        assertThatThrownBy(() -> backend().newEngine(wider, vocabulary, weights)).isInstanceOfSatisfying(
                ConfigException.class, e -> assertThat(e.path()).contains("model.hiddenSize"));
        assertThatThrownBy(() -> backend().newEngine(deeper, vocabulary, weights)).isInstanceOfSatisfying(
                ConfigException.class, e -> assertThat(e.path()).contains("model.layers"));
    }

    @Test
    public void optimizerStateTensorsAreNamedAfterTheSharedLayout() {
        ModelConfig m = config().model();
        List<String> weights = TensorLayout.names(m.layers());
        Map<String, Integer> rms = new LinkedHashMap<>();
        Map<String, Integer> adam = new LinkedHashMap<>();
        for (int k = 0; k < weights.size(); k++) {
            int length = Arrays.stream(TensorLayout.shape(m.layers(), k, m.hiddenSize(), vocabulary.size()))
                    .reduce(1, (a, b) -> a * b);
            rms.put(weights.get(k) + "/" + Optimizer.RMS, length);
            adam.put(weights.get(k) + "/" + Optimizer.FIRST_MOMENT, length);
            adam.put(weights.get(k) + "/" + Optimizer.SECOND_MOMENT, length);
        }
        adam.put(Optimizer.ITERATIONS, 1);
        assertThat(stateLengths(withOptimizer(config(), OptimizerConfig.RmsProp.defaults(), null))).isEqualTo(rms);
        assertThat(stateLengths(withOptimizer(config(), OptimizerConfig.Adam.defaults(), null))).isEqualTo(adam);
    }

    /**
     * One training step from known weights and a known optimizer state follows the documented rules of
     * {@link Optimizer} (computed here in float64): RMSprop and Adam, with and without global-norm clipping. The
     * batch's gradient is read from the first moment of an Adam step from a zero state, {@code m = (1 - b1) g}.
     */
    @Test
    public void anOptimizerStepFollowsTheSharedRmspropAndAdamRules() {
        OptimizerConfig.Adam adam = OptimizerConfig.Adam.defaults();
        OptimizerConfig.RmsProp rms = OptimizerConfig.RmsProp.defaults();
        double lr = 0.01;
        Batch batch;
        ModelWeights start;
        Map<String, float[]> firstMoment;
        try (TrainingEngine engine = backend().newEngine(withOptimizer(config(), adam, null), vocabulary, null)) {
            batch = new Batch(16, train.maxlen(), vocabulary.size(), engine.wantsOneHot());
            assertThat(Batches.sequential(train, 16).next(batch)).isTrue();
            start = engine.weights();
            engine.trainBatch(batch, lr);
            firstMoment = engine.optimizerState();
        }
        int layers = start.lstm().size();
        List<String> names = TensorLayout.names(layers);
        float[][] w0 = TensorLayout.arrays(start);
        double[][] g = new double[names.size()][];
        double squares = 0;
        for (int k = 0; k < g.length; k++) {
            float[] m = firstMoment.get(names.get(k) + "/" + Optimizer.FIRST_MOMENT);
            g[k] = new double[m.length];
            for (int i = 0; i < m.length; i++) {
                g[k][i] = m[i] / (1 - adam.beta1());
                squares += g[k][i] * g[k][i];
            }
        }
        double norm = Math.sqrt(squares);
        SplittableRandom random = new SplittableRandom(21);
        for (Double clipNorm : new Double[] {null, norm / 3}) {
            double scale = clipNorm == null ? 1 : clipNorm / norm;
            Map<String, float[]> before = new LinkedHashMap<>();
            for (int k = 0; k < g.length; k++) {
                float[] ms = new float[g[k].length];
                for (int i = 0; i < ms.length; i++) {
                    ms[i] = (float) (g[k][i] * g[k][i] * scale * scale * random.nextDouble(0.2, 3) + 1e-9);
                }
                before.put(names.get(k) + "/" + Optimizer.RMS, ms);
            }
            Map<String, float[]> after;
            ModelWeights stepped;
            try (TrainingEngine engine = backend().newEngine(withOptimizer(config(), rms, clipNorm), vocabulary, start)) {
                engine.setOptimizerState(before);
                engine.trainBatch(batch, lr);
                after = engine.optimizerState();
                stepped = engine.weights();
            }
            float[][] w1 = TensorLayout.arrays(stepped);
            for (int k = 0; k < g.length; k++) {
                String name = names.get(k) + "/" + Optimizer.RMS;
                for (int i = 0; i < g[k].length; i++) {
                    double gi = g[k][i] * scale;
                    double ms = rms.rho() * before.get(name)[i] + (1 - rms.rho()) * gi * gi;
                    double w = w0[k][i] - lr * gi / (Math.sqrt(ms) + rms.epsilon());
                    assertThat((double) after.get(name)[i]).as("rmsprop, clip %s: %s[%d]", clipNorm, name, i)
                            .isCloseTo(ms, within(1e-5 * ms + 1e-12));
                    assertThat((double) w1[k][i]).as("rmsprop, clip %s: %s[%d]", clipNorm, names.get(k), i)
                            .isCloseTo(w, within(OPTIMIZER_STEP_TOLERANCE));
                }
            }

            before.clear();
            for (int k = 0; k < g.length; k++) {
                float[] m = new float[g[k].length];
                float[] v = new float[g[k].length];
                for (int i = 0; i < m.length; i++) {
                    m[i] = (float) (g[k][i] * scale * random.nextDouble(-2, 2));
                    v[i] = (float) (g[k][i] * g[k][i] * scale * scale * random.nextDouble(0.2, 3) + 1e-9);
                }
                before.put(names.get(k) + "/" + Optimizer.FIRST_MOMENT, m);
                before.put(names.get(k) + "/" + Optimizer.SECOND_MOMENT, v);
            }
            before.put(Optimizer.ITERATIONS, new float[] {4});
            try (TrainingEngine engine = backend().newEngine(withOptimizer(config(), adam, clipNorm), vocabulary, start)) {
                engine.setOptimizerState(before);
                engine.trainBatch(batch, lr);
                after = engine.optimizerState();
                stepped = engine.weights();
            }
            assertThat(after.get(Optimizer.ITERATIONS)).containsExactly(5f);
            double rate = lr * Math.sqrt(1 - Math.pow(adam.beta2(), 5)) / (1 - Math.pow(adam.beta1(), 5));
            w1 = TensorLayout.arrays(stepped);
            for (int k = 0; k < g.length; k++) {
                String first = names.get(k) + "/" + Optimizer.FIRST_MOMENT;
                String second = names.get(k) + "/" + Optimizer.SECOND_MOMENT;
                for (int i = 0; i < g[k].length; i++) {
                    double gi = g[k][i] * scale;
                    double m = adam.beta1() * before.get(first)[i] + (1 - adam.beta1()) * gi;
                    double v = adam.beta2() * before.get(second)[i] + (1 - adam.beta2()) * gi * gi;
                    double w = w0[k][i] - rate * m / (Math.sqrt(v) + adam.epsilon());
                    double terms = Math.abs(adam.beta1() * before.get(first)[i]) + Math.abs((1 - adam.beta1()) * gi);
                    assertThat((double) after.get(first)[i]).as("adam, clip %s: %s[%d]", clipNorm, first, i)
                            .isCloseTo(m, within(1e-5 * terms + 1e-12));
                    assertThat((double) after.get(second)[i]).as("adam, clip %s: %s[%d]", clipNorm, second, i)
                            .isCloseTo(v, within(1e-5 * v + 1e-12));
                    assertThat((double) w1[k][i]).as("adam, clip %s: %s[%d]", clipNorm, names.get(k), i)
                            .isCloseTo(w, within(OPTIMIZER_STEP_TOLERANCE));
                }
            }
        }
    }

    /** The length of every optimizer state tensor of a fresh engine, by name. */
    private Map<String, Integer> stateLengths(TextgenConfig config) {
        try (TrainingEngine engine = backend().newEngine(config, vocabulary, null)) {
            Map<String, Integer> lengths = new LinkedHashMap<>();
            engine.optimizerState().forEach((name, values) -> lengths.put(name, values.length));
            return lengths;
        }
    }

    /** {@code config} with another optimizer and gradient clipping. */
    private static TextgenConfig withOptimizer(TextgenConfig config, OptimizerConfig optimizer, Double clipNorm) {
        TrainingConfig t = config.training();
        return config.withTraining(new TrainingConfig(t.epochs(), t.batchSize(), t.seed(), t.threads(), clipNorm, optimizer,
                t.preview(), t.earlyStopping(), t.reduceLrOnPlateau(), t.onNonFinite(), t.keepCheckpoints(),
                t.checkpointEveryBatches(), t.loss()));
    }

    /** A model after {@code steps} training batches from the config's seed. */
    private LanguageModel trainedModel(TextgenConfig config, int steps) {
        try (TrainingEngine engine = backend().newEngine(config, vocabulary, null)) {
            trainSteps(engine, steps);
            return engine.snapshot(TinyCorpus.defaultPrompt());
        }
    }

    /** Trains on {@code steps} batches of 16 in the seeded order of successive epochs; returns the losses. */
    private List<Double> trainSteps(TrainingEngine engine, int steps) {
        Batch batch = new Batch(16, train.maxlen(), vocabulary.size(), engine.wantsOneHot());
        List<Double> losses = new ArrayList<>();
        for (int epoch = 0; losses.size() < steps; epoch++) {
            Batches batches = Batches.shuffled(train, 16, 11, epoch);
            while (losses.size() < steps && batches.next(batch)) {
                double loss = engine.trainBatch(batch, 0.01);
                assertThat(loss).as("loss of step %d", losses.size() + 1).isFinite();
                losses.add(loss);
            }
        }
        return losses;
    }

    private static double meanLoss(TrainingEngine engine, WindowSet windows) {
        return Evaluation.of(engine, windows, 32).loss();
    }

    private int[] randomContext(SplittableRandom random, int length) {
        int[] context = new int[length];
        for (int i = 0; i < length; i++) {
            context[i] = random.nextInt(vocabulary.size());
        }
        return context;
    }

    private List<int[]> contexts(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> contexts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            contexts.add(randomContext(random, 1 + random.nextInt(TinyCorpus.MAXLEN)));
        }
        return contexts;
    }

    private List<float[]> predictAll(LanguageModel model, List<int[]> contexts) {
        List<float[]> out = new ArrayList<>();
        for (int[] context : contexts) {
            out.add(model.predict(context, 0, context.length, new float[vocabulary.size()]));
        }
        return out;
    }

    private List<float[]> sessionAll(LanguageModel model, List<int[]> contexts) {
        List<float[]> out = new ArrayList<>();
        try (Session session = model.newSession()) {
            for (int[] context : contexts) {
                session.reset();
                for (int id : context) {
                    session.feed(id);
                }
                out.add(session.probabilities(new float[vocabulary.size()]));
            }
        }
        return out;
    }

    /** Asserts every tensor of {@code actual} equals {@code expected}'s within {@code tolerance}. */
    public static void assertSameWeights(ModelWeights actual, ModelWeights expected, double tolerance) {
        assertThat(actual.lstm()).hasSameSizeAs(expected.lstm());
        for (int n = 0; n < expected.lstm().size(); n++) {
            LstmWeights a = actual.lstm().get(n);
            LstmWeights e = expected.lstm().get(n);
            assertClose("lstm_" + n + "/kernel", a.kernel(), e.kernel(), tolerance);
            assertClose("lstm_" + n + "/recurrent_kernel", a.recurrentKernel(), e.recurrentKernel(), tolerance);
            assertClose("lstm_" + n + "/bias", a.bias(), e.bias(), tolerance);
        }
        assertClose("dense/kernel", actual.denseKernel(), expected.denseKernel(), tolerance);
        assertClose("dense/bias", actual.denseBias(), expected.denseBias(), tolerance);
    }

    private static void assertClose(String name, float[] actual, float[] expected, double tolerance) {
        if (tolerance == 0) {
            assertThat(actual).as(name).containsExactly(expected);
        } else {
            assertThat(actual).as(name).containsExactly(expected, within((float) tolerance));
        }
    }
}
