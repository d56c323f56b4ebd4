package dev.textgen.dl4j;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.UnknownChars;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.EarlyStoppingConfig;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.PlateauConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Samplers;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.api.testing.TinyCorpus;
import dev.textgen.api.testing.Weights;
import dev.textgen.scratch.ScratchBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 6's portability evidence: one textgen model file gives the same next-symbol probabilities
 * (within {@value #PROBABILITY_TOLERANCE}) and the same greedy text on the scratch and the dl4j backend,
 * whichever of them trained it, and a checkpoint of either resumes on the other.
 */
class CrossBackendTest {
    private static final System.Logger LOG = System.getLogger(CrossBackendTest.class.getName());
    private static final double PROBABILITY_TOLERANCE = 1e-5;
    /**
     * Per-batch losses of a continuation on the other backend: float32 rounding differs between the
     * backends (fused ops, summation order) and the difference grows slowly with every update.
     */
    private static final double RESUMED_LOSS_TOLERANCE = 1e-5;
    /**
     * A weight after a run on each backend: RMSprop divides every step by the root mean square of the gradients
     * seen, so a rounding difference in a small gradient becomes a larger one in the step.
     */
    private static final double WEIGHT_TOLERANCE = 1e-4;
    /** A gradient element on the two backends: float32 rounding of the same sums in another order. */
    private static final double GRADIENT_TOLERANCE = 1e-6;
    private static final int HIDDEN = 16;
    private static final int GENERATED = 300;
    private static final Vocabulary VOCABULARY = TinyCorpus.vocabulary();
    /** The largest difference seen per kind of evidence, reported after the class. */
    private static final Map<String, Double> MAX_DIFFERENCES = new ConcurrentHashMap<>();

    private static Backend scratch;
    private static Backend dl4j;
    private static Samplers samplers;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBackends() {
        scratch = new ScratchBackend();
        dl4j = Dl4jBackend.start();
        samplers = Samplers.of(CrossBackendTest.class.getClassLoader());
    }

    @AfterAll
    static void reportDifferences() {
        MAX_DIFFERENCES.forEach((kind, max) -> LOG.log(System.Logger.Level.INFO,
                () -> String.format("max difference, %s: %.3g", kind, max)));
    }

    private static TextgenConfig config(String gates, int layers, OptimizerConfig optimizer, int epochs) {
        TextgenConfig tiny = TinyCorpus.config(ScratchBackend.NAME, HIDDEN);
        return tiny.withModel(new ModelConfig(ScratchBackend.NAME, HIDDEN, layers, Fixtures.activation(gates), 0.0, 0.0))
                .withTraining(TinyCorpus.training(epochs, 16, optimizer, EarlyStoppingConfig.defaults(),
                        PlateauConfig.defaults(), TrainingConfig.OnNonFinite.STOP));
    }

    private static Backend backend(String name) {
        return name.equals(ScratchBackend.NAME) ? scratch : dl4j;
    }

    @ParameterizedTest(name = "{0}, {1} layers")
    @CsvSource({"sigmoid, 1", "hard_sigmoid, 1", "sigmoid, 2", "hard_sigmoid, 2"})
    void sameWeightsGiveTheSameProbabilitiesAndGreedyText(String gates, int layers) {
        TextgenConfig config = config(gates, layers, OptimizerConfig.RmsProp.defaults(), 1);
        ModelWeights fresh;
        try (var engine = scratch.newEngine(config, VOCABULARY, null)) {
            fresh = engine.weights();
        }
        assertSameOnBothBackends(config, fresh, "fresh seeded weights");
        // large enough that many gate inputs fall outside hard_sigmoid's linear part [-2.5, 2.5]
        double otherGate = assertSameOnBothBackends(config, Fixtures.weights(VOCABULARY.size(), HIDDEN, layers, 1.5, 41),
                "wide random weights");
        assertThat(otherGate).as("the gate function matters for these weights").isGreaterThan(0.01);
    }

    @ParameterizedTest(name = "trained on {0}, {1} gates, {2} layers")
    @CsvSource({"scratch, sigmoid, 1", "dl4j, sigmoid, 1", "scratch, hard_sigmoid, 2", "dl4j, hard_sigmoid, 2"})
    void aModelTrainedOnOneBackendGeneratesTheSameOnTheOther(String trainedOn, String gates, int layers) {
        TextgenConfig config = config(gates, layers, OptimizerConfig.RmsProp.defaults(), 3);
        ModelWeights trained;
        try (Trainer trainer = backend(trainedOn).newTrainer(config, VOCABULARY, TinyCorpus.defaultPrompt())) {
            var history = trainer.fit(TinyCorpus.train(), TinyCorpus.validation(), TrainingListener.NONE);
            assertThat(history.trainLosses().get(2)).as("it learned something").isLessThan(Math.log(VOCABULARY.size()) - 0.3);
            trained = trainer.model().weights();
        }
        assertSameOnBothBackends(config, trained, "trained on " + trainedOn);
    }

    /**
     * Writes the weights to a model file, loads it on both backends and compares them with each other
     * and with {@link ReferenceLstm}; returns how far the other gate function's reference is.
     */
    private double assertSameOnBothBackends(TextgenConfig config, ModelWeights weights, String what) {
        Path file = dir.resolve("model.textgen");
        ModelFile.write(file, new StoredModel(config, VOCABULARY, weights, TinyCorpus.defaultPrompt(), null));
        StoredModel stored = ModelFile.read(file);
        LanguageModel onScratch = scratch.load(stored);
        LanguageModel onDl4j = dl4j.load(stored);
        String label = what + ", " + config.model().recurrentActivation() + ", " + config.model().layers() + " layers";

        SplittableRandom random = new SplittableRandom(label.hashCode());
        int v = VOCABULARY.size();
        double windows = 0;
        for (int w = 0; w < 100; w++) {
            int[] context = new int[1 + random.nextInt(config.corpus().maxlen() + 5)]; // past maxlen too
            for (int i = 0; i < context.length; i++) {
                context[i] = random.nextInt(v);
            }
            windows = Math.max(windows, maxDifference(onScratch.predict(context, 0, context.length, new float[v]),
                    onDl4j.predict(context, 0, context.length, new float[v])));
        }
        double steps = 0;
        double fromReference = 0; // Keras' definitions in float64, hard_sigmoid = clip(0.2 x + 0.5, 0, 1)
        double otherGate = 0; // how far the other gate function would be: the gate choice is exercised
        boolean hardSigmoid = config.model().hardSigmoid();
        ReferenceLstm reference = new ReferenceLstm(weights, hardSigmoid);
        ReferenceLstm otherGateReference = new ReferenceLstm(weights, !hardSigmoid);
        try (Session a = onScratch.newSession(); Session b = onDl4j.newSession()) {
            for (int step = 0; step < 50; step++) {
                int id = random.nextInt(v);
                a.feed(id);
                b.feed(id);
                float[] pa = a.probabilities(new float[v]);
                float[] pb = b.probabilities(new float[v]);
                double[] expected = reference.step(id);
                steps = Math.max(steps, maxDifference(pa, pb));
                fromReference = Math.max(fromReference, Math.max(maxDifference(pa, expected), maxDifference(pb, expected)));
                otherGate = Math.max(otherGate, maxDifference(pa, otherGateReference.step(id)));
            }
        }
        record(what + ": 100 windows", windows);
        record(what + ": 50 session steps", steps);
        record(what + ": 50 session steps, either backend vs float64 reference", fromReference);
        assertThat(windows).as("window probabilities, %s", label).isLessThanOrEqualTo(PROBABILITY_TOLERANCE);
        assertThat(steps).as("session probabilities, %s", label).isLessThanOrEqualTo(PROBABILITY_TOLERANCE);
        assertThat(fromReference).as("against the reference, %s", label).isLessThanOrEqualTo(PROBABILITY_TOLERANCE);

        for (GenerationConfig.Context context : GenerationConfig.Context.values()) {
            GenerationConfig greedy = new GenerationConfig(SamplerConfig.of("greedy"), GENERATED, context,
                    UnknownChars.ERROR, " ", 1L, List.of());
            String fromScratch = new TextGenerator(onScratch, greedy, samplers).generate(TinyCorpus.defaultPrompt());
            String fromDl4j = new TextGenerator(onDl4j, greedy, samplers).generate(TinyCorpus.defaultPrompt());
            assertThat(fromScratch).hasSize(GENERATED);
            assertThat(fromDl4j).as("greedy %s text, %s", context, label).isEqualTo(fromScratch);
        }
        return otherGate;
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double maxDifference(float[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static void record(String kind, double difference) {
        MAX_DIFFERENCES.merge(kind, difference, Math::max);
    }

    /**
     * Dropout and recurrent dropout masks come from one stream shared by the backends, so a run with either takes
     * the same steps on both: every batch loss of its first three epochs agrees within
     * {@value #RESUMED_LOSS_TOLERANCE} and the final weights within {@value #WEIGHT_TOLERANCE}, while the same run
     * without dropout is far from it.
     */
    @ParameterizedTest(name = "dropout {0}, recurrent dropout {1}, {2} loss")
    @CsvSource({"0.3, 0, LAST_STEP", "0.3, 0, ALL_STEPS", "0, 0.3, LAST_STEP", "0.3, 0.3, ALL_STEPS"})
    void aRunWithDropoutTakesTheSameStepsOnBothBackends(double dropout, double recurrentDropout, TrainingConfig.Loss loss) {
        TextgenConfig plain = config("sigmoid", 2, OptimizerConfig.RmsProp.defaults(), 3);
        plain = plain.withTraining(plain.training().withLoss(loss));
        TextgenConfig config = withDropout(plain, dropout, recurrentDropout);
        Run onScratch = run(scratch, config);
        Run onDl4j = run(dl4j, config);
        Run withoutDropout = run(scratch, plain);
        assertThat(onDl4j.losses).hasSameSizeAs(onScratch.losses).hasSizeGreaterThan(50);
        String label = "dropout " + dropout + ", recurrent dropout " + recurrentDropout + ", " + loss;
        double difference = maxDifference(onScratch.losses, onDl4j.losses);
        double weightDifference = maxDifference(onScratch.weights, onDl4j.weights);
        record(label + ": batch losses of 3 epochs", difference);
        record(label + ": weights after 3 epochs", weightDifference);
        assertThat(difference).as("batch losses with dropout, scratch against dl4j").isLessThanOrEqualTo(RESUMED_LOSS_TOLERANCE);
        assertThat(weightDifference).as("weights after the run, scratch against dl4j").isLessThanOrEqualTo(WEIGHT_TOLERANCE);
        assertThat(maxDifference(onScratch.losses, withoutDropout.losses)).as("dropout changes the run").isGreaterThan(0.01);
        assertThat(maxDifference(onScratch.weights, withoutDropout.weights)).as("dropout changes the weights")
                .isGreaterThan(100 * WEIGHT_TOLERANCE);
    }

    /**
     * One batch with recurrent dropout (alone, and beside dropout) has the same loss and gradient on both backends.
     * Each takes one plain SGD step of rate 1 from the same weights, so the step it applies is its gradient.
     */
    @ParameterizedTest(name = "dropout {0}, recurrent dropout {1}, {2} layers, {3} loss")
    @CsvSource({"0, 0.3, 1, LAST_STEP", "0, 0.3, 2, LAST_STEP", "0.3, 0.3, 2, LAST_STEP", "0.3, 0.3, 2, ALL_STEPS"})
    void aBatchWithRecurrentDropoutHasTheSameLossAndGradientOnBothBackends(double dropout, double recurrentDropout,
                                                                          int layers, TrainingConfig.Loss loss) {
        TextgenConfig plain = config("sigmoid", layers, new OptimizerConfig.Sgd(1.0), 1);
        plain = plain.withTraining(plain.training().withLoss(loss));
        TextgenConfig config = withDropout(plain, dropout, recurrentDropout);
        ModelWeights weights = Fixtures.weights(VOCABULARY.size(), HIDDEN, layers, 0.5, 43);
        Batch batch = new Batch(16, config.corpus().maxlen(), VOCABULARY.size(), false);
        Batches.shuffled(TinyCorpus.train(), 16, 5L, 0).next(batch);
        SgdStep onScratch = sgdStep(scratch, config, weights, batch);
        SgdStep onDl4j = sgdStep(dl4j, config, weights, batch);
        SgdStep withoutRecurrentDropout = sgdStep(scratch, withDropout(plain, dropout, 0), weights, batch);
        String label = "dropout " + dropout + ", recurrent dropout " + recurrentDropout + ", " + layers + " layers, " + loss;
        double lossDifference = Math.abs(onScratch.loss - onDl4j.loss);
        double gradientDifference = maxDifference(onScratch.gradient, onDl4j.gradient);
        record(label + ": loss of one batch", lossDifference);
        record(label + ": gradient of one batch", gradientDifference);
        assertThat(lossDifference).as("loss, scratch against dl4j").isLessThanOrEqualTo(RESUMED_LOSS_TOLERANCE);
        assertThat(gradientDifference).as("gradient, scratch against dl4j").isLessThanOrEqualTo(GRADIENT_TOLERANCE);
        assertThat(maxDifference(onScratch.gradient, withoutRecurrentDropout.gradient))
                .as("recurrent dropout changes the gradient").isGreaterThan(1000 * GRADIENT_TOLERANCE);
    }

    private static TextgenConfig withDropout(TextgenConfig config, double dropout, double recurrentDropout) {
        return config.withModel(config.model().withDropout(dropout).withRecurrentDropout(recurrentDropout));
    }

    /** The loss of one training batch and the gradient it applied, flat in parameter order. */
    private record SgdStep(double loss, float[] gradient) {
    }

    /** One training step on {@code batch} from {@code weights} with {@code config}'s SGD at rate 1. */
    private static SgdStep sgdStep(Backend backend, TextgenConfig config, ModelWeights weights, Batch batch) {
        try (TrainingEngine engine = backend.newEngine(config, VOCABULARY, weights)) {
            double loss = engine.trainBatch(batch, 1.0);
            float[] before = Weights.flat(weights);
            float[] after = Weights.flat(engine.weights());
            float[] gradient = new float[before.length];
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] = before[i] - after[i];
            }
            return new SgdStep(loss, gradient);
        }
    }

    /** Plain SGD is the api's shared {@code Optimizer} on both backends, so the runs take the same steps. */
    @Test
    void aRunWithSgdTakesTheSameStepsOnBothBackends() {
        TextgenConfig config = config("sigmoid", 2, new OptimizerConfig.Sgd(0.5), 3);
        List<Double> onScratch = run(scratch, config).losses;
        List<Double> onDl4j = run(dl4j, config).losses;
        assertThat(onDl4j).hasSameSizeAs(onScratch).hasSizeGreaterThan(50);
        double difference = maxDifference(onScratch, onDl4j);
        record("sgd: batch losses of 3 epochs", difference);
        assertThat(difference).as("batch losses with sgd, scratch against dl4j").isLessThanOrEqualTo(RESUMED_LOSS_TOLERANCE);
        assertThat(onScratch.get(onScratch.size() - 1)).as("sgd trains").isLessThan(onScratch.get(0));
    }

    /** The loss of every training batch of a run and its final weights, flat in parameter order. */
    private record Run(List<Double> losses, float[] weights) {
    }

    /** A run of {@code config} from fresh seeded weights. */
    private static Run run(Backend backend, TextgenConfig config) {
        List<Double> losses = new ArrayList<>();
        try (Trainer trainer = backend.newTrainer(config, VOCABULARY, TinyCorpus.defaultPrompt())) {
            trainer.fit(TinyCorpus.train(), TinyCorpus.validation(), new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                    losses.add(loss);
                }
            });
            return new Run(losses, Weights.flat(trainer.model().weights()));
        }
    }

    private static double maxDifference(List<Double> a, List<Double> b) {
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            max = Math.max(max, Math.abs(a.get(i) - b.get(i)));
        }
        return max;
    }

    @ParameterizedTest(name = "{2} checkpoint from {0} resumed on {1}")
    @CsvSource({"scratch, dl4j, rmsprop", "scratch, dl4j, adam", "dl4j, scratch, rmsprop", "dl4j, scratch, adam"})
    void aCheckpointResumesOnTheOtherBackendLikeOnItsOwn(String from, String to, String optimizer) {
        TextgenConfig config = config("sigmoid", 2, OptimizerConfig.defaults(optimizer), 3);
        StoredModel checkpoint;
        try (Trainer trainer = backend(from).newTrainer(config, VOCABULARY, TinyCorpus.defaultPrompt())) {
            Trainer[] self = {trainer};
            trainer.fit(TinyCorpus.train(), TinyCorpus.validation(), new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                    if (epoch == 2 && batch == 5) { // mid-epoch: partial sums and the position travel too
                        self[0].requestStop();
                    }
                }
            });
            LanguageModel model = trainer.model();
            Path file = dir.resolve("checkpoint.textgen");
            ModelFile.write(file, new StoredModel(config, VOCABULARY, model.weights(), TinyCorpus.defaultPrompt(), trainer.state()));
            checkpoint = ModelFile.read(file);
        }
        Continuation own = resume(backend(from), checkpoint);
        Continuation other = resume(backend(to), checkpoint);

        assertThat(other.optimizerState).as("the same optimizer tensor names").isEqualTo(own.optimizerState);
        assertThat(other.losses).hasSameSizeAs(own.losses).hasSizeGreaterThan(20);
        double lossDifference = 0;
        for (int i = 0; i < own.losses.size(); i++) {
            lossDifference = Math.max(lossDifference, Math.abs(own.losses.get(i) - other.losses.get(i)));
        }
        double validationDifference = Math.abs(own.validation - other.validation);
        record(optimizer + " checkpoint from " + from + ": resumed batch losses", lossDifference);
        record(optimizer + " checkpoint from " + from + ": final validation loss", validationDifference);
        assertThat(lossDifference).as("batch losses of the continuation").isLessThanOrEqualTo(RESUMED_LOSS_TOLERANCE);
        assertThat(validationDifference).isLessThanOrEqualTo(RESUMED_LOSS_TOLERANCE);

        // the optimizer state matters: without it the continuation leaves the tolerance
        TrainingState state = checkpoint.training();
        StoredModel withoutOptimizerState = new StoredModel(checkpoint.config(), checkpoint.vocabulary(), checkpoint.weights(),
                checkpoint.defaultPrompt(), new TrainingState(Map.of(), state.epoch(), state.batch(), state.seed(),
                state.learningRate(), state.partialLossSum(), state.partialWindows(), state.history(), state.bestWeights()));
        List<Double> reset = resume(backend(to), withoutOptimizerState).losses;
        double resetDifference = 0;
        for (int i = 0; i < own.losses.size(); i++) {
            resetDifference = Math.max(resetDifference, Math.abs(own.losses.get(i) - reset.get(i)));
        }
        record(optimizer + " checkpoint from " + from + ": resumed on " + to + " with the optimizer state reset", resetDifference);
        assertThat(resetDifference).as("a reset optimizer").isGreaterThan(10 * RESUMED_LOSS_TOLERANCE);
        assertThat(own.losses.get(0)).as("the first loss is of the checkpoint's weights")
                .isCloseTo(other.losses.get(0), within(1e-5));
    }

    /** The batch losses, final validation loss and optimizer tensor names of a resumed run to the end. */
    private record Continuation(List<Double> losses, double validation, java.util.Set<String> optimizerState) {
    }

    private static Continuation resume(Backend backend, StoredModel checkpoint) {
        List<Double> losses = new ArrayList<>();
        try (Trainer trainer = backend.resumeTrainer(checkpoint)) {
            var history = trainer.fit(TinyCorpus.train(), TinyCorpus.validation(), new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                    losses.add(loss);
                }
            });
            return new Continuation(losses, history.validationLosses().get(history.validationLosses().size() - 1),
                    trainer.state().optimizerState().keySet());
        }
    }
}
