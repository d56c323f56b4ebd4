package dev.textgen.spark;

import dev.textgen.api.ConfigException;
import dev.textgen.api.CorpusException;
import dev.textgen.api.EpochResult;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.api.testing.Weights;
import dev.textgen.api.data.IdWindows;
import dev.textgen.corpus.Corpus;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** SparkTrainer on {@code local[2]}: exactness against the single-process trainer, determinism, resume, errors. */
class SparkTrainerTest {
    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        if (SparkRuntime.starts()) {
            spark = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkTrainerTest")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        }
    }

    @BeforeEach
    void needSpark() {
        SparkRuntime.assumeSparkStarts();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** With decay, the worker's step count over the run is the single-process loop's update count. */
    @ParameterizedTest(name = "decay {0}")
    @ValueSource(doubles = {0.0, 0.05})
    void oneWorkerGivesTheSingleProcessTrainersWeightsBitForBit(double decay) {
        // K = 5 does not divide the 19 steps of an epoch: the last round of each epoch is shorter.
        TextgenConfig config = TestCorpus.config("\"optimizer\": {\"decay\": " + decay + "}",
                "{\"workers\": 1, \"localSteps\": 5}");
        String text = TestCorpus.text(1_000, 1);

        Corpus corpus = Corpus.fromText(text, config.corpus());
        Backend backend = Backends.installed().get("scratch");
        String defaultPrompt = corpus.randomWindow(new SplittableRandom(config.training().seed()));
        TrainingHistory single;
        ModelWeights expected;
        try (Trainer trainer = backend.newTrainer(config, corpus.vocabulary(), defaultPrompt)) {
            single = trainer.fit(corpus.trainWindows(), corpus.validationWindows(), TrainingListener.NONE);
            expected = trainer.model().weights();
        }

        SparkTrainer sparkTrainer = SparkTrainer.start(spark, config);
        TrainingHistory distributed = sparkTrainer.fit(spark.parallelize(List.of(text), 1));

        assertThat(Batches.sequential(corpus.trainWindows(), 16).count()).isEqualTo(19);
        assertBitIdentical(sparkTrainer.model().weights(), expected);
        assertThat(sparkTrainer.model().vocabulary()).isEqualTo(corpus.vocabulary());
        assertThat(sparkTrainer.model().defaultPrompt()).isEqualTo(defaultPrompt);
        assertThat(losses(distributed)).containsExactlyElementsOf(losses(single));
        // Each epoch shows the rate of its last step, update 19 e - 1 of the run.
        assertThat(distributed.epochs()).extracting(EpochResult::learningRate)
                .containsExactly(0.01 / (1 + decay * 18), 0.01 / (1 + decay * 37))
                .containsExactlyElementsOf(single.epochs().stream().map(EpochResult::learningRate).toList());
    }

    /** With the rule ("auto"), two workers take the steps of one process at twice the batch and twice the rate. */
    @ParameterizedTest(name = "learningRateScale {0}: one process at batch 32, learning rate {1}")
    @CsvSource({"1, 0.5", "'\"auto\"', 1.0"})
    void twoSgdWorkersWithOneLocalStepEqualOneProcessAtTwiceTheBatch(String scale, double singleLearningRate) {
        // Two shards of exactly 64 training windows each (202 symbols: windows at 0, 3, ..., 189).
        String sgd = "\"optimizer\": {\"type\": \"sgd\", \"learningRate\": 0.5}";
        TextgenConfig config = TestCorpus.config(0.0, sgd,
                "{\"workers\": 2, \"localSteps\": 1, \"learningRateScale\": " + scale + "}");
        List<String> shards = List.of(TestCorpus.text(202, 2), TestCorpus.text(202, 3));

        SparkTrainer sparkTrainer = SparkTrainer.start(spark, config);
        sparkTrainer.fit(spark.parallelize(shards, 2));
        Vocabulary vocabulary = sparkTrainer.model().vocabulary();

        List<WindowSet> windows = shards.stream()
                .map(text -> Corpus.fromText(text, config.corpus(), vocabulary).trainWindows()).toList();
        assertThat(windows).allSatisfy(w -> assertThat(w.size()).isEqualTo(64));
        TextgenConfig doubleBatch = TestCorpus.config(0.0, sgd + ", \"batchSize\": 32", "{}");
        ModelWeights expected;
        try (TrainingEngine engine = Backends.installed().get("scratch").newEngine(doubleBatch, vocabulary, null)) {
            List<ShardStream> streams = List.of(new ShardStream(windows.get(0), 16, 42, 0),
                    new ShardStream(windows.get(1), 16, 42, 1));
            Batch union = new Batch(32, 10, vocabulary.size(), false);
            for (long step = 0; step < 2 * 4; step++) {
                Batches.sequential(concatenated(streams, step, vocabulary.size()), 32).next(union);
                engine.trainBatch(union, singleLearningRate);
            }
            expected = engine.weights();
        }

        float[] actual = Weights.flat(sparkTrainer.model().weights());
        float[] single = Weights.flat(expected);
        assertThat(actual).hasSameSizeAs(single);
        for (int i = 0; i < single.length; i++) {
            assertThat(actual[i]).as("weight %d", i).isCloseTo(single[i], within(2e-6f));
        }
        // The model file and the checkpoint keep the configured rate, so a resumed or single-process run is unaffected.
        assertThat(sparkTrainer.model().config().training().optimizer().learningRate()).isEqualTo(0.5);
        assertThat(sparkTrainer.checkpoint().trainingState().orElseThrow().learningRate()).isEqualTo(0.5);
    }

    @Test
    void aResumedRunEndsOnTheSameWeightsAsTheUninterruptedOneAndWritesAModelFileEveryBackendReads(@TempDir Path dir) {
        TextgenConfig config = TestCorpus.config("\"epochs\": 3",
                "{\"workers\": 2, \"localSteps\": 4, \"warmupRounds\": 3, \"warmupLocalSteps\": 1}");
        String text = TestCorpus.text(4_000, 4);
        List<String> lines = List.of(text.split("\\. "));
        String checkpoints = dir.resolve("checkpoints").toUri().toString();

        SparkTrainer uninterrupted = SparkTrainer.start(spark, config).checkpointTo(checkpoints);
        TrainingHistory history = uninterrupted.fit(spark.parallelize(lines, 2));
        ModelWeights once = uninterrupted.model().weights();

        assertThat(history.epochs()).hasSize(3);
        assertThat(history.epochs().get(2).validationLoss()).isLessThan(history.epochs().get(0).validationLoss());
        assertThat(dir.resolve("checkpoints")).isDirectoryContaining(p -> p.getFileName().toString().equals("epoch-0003.safetensors"));
        SparkTrainer resumed = SparkTrainer.resume(spark, checkpoints + "/" + Checkpoints.name(1));
        resumed.fit(spark.parallelize(lines, 2));
        assertBitIdentical(resumed.model().weights(), once);
        assertThat(losses(new TrainingHistory(resumed.checkpoint().training().history(), 0, TrainingHistory.Outcome.COMPLETED)))
                .containsExactlyElementsOf(losses(history));

        Path model = dir.resolve("model.safetensors");
        resumed.save(model.toUri().toString());
        StoredModel stored = ModelFile.read(model);
        assertThat(stored.trainingState()).isEmpty();
        assertBitIdentical(stored.weights(), once);
        assertThat(TextGenerator.load(model).generate("the will to", 20)).hasSize(20);
    }

    @Test
    void textInMorePartitionsThanWorkersIsShardedInOrder() {
        List<String> lines = List.of("l0", "l1", "l2", "l3", "l4", "l5");
        List<List<String>> shards = Sharding.contiguous(spark.parallelize(lines, 3), 2).glom().collect();
        assertThat(shards).containsExactly(List.of("l0", "l1", "l2", "l3"), List.of("l4", "l5"));
    }

    @Test
    void settingsOfTheSingleProcessLoopThatSparkCannotHonourAreRejectedNamingTheField() {
        assertThatThrownBy(() -> SparkTrainer.start(spark, TestCorpus.config("\"earlyStopping\": {\"patience\": 2}", "{}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("training.earlyStopping.patience: 2 is invalid; allowed: 0 (the Spark trainer has no early"
                        + " stopping or plateau schedule)");
        assertThatThrownBy(() -> SparkTrainer.start(spark, TestCorpus.config("\"onNonFinite\": \"rollback\"", "{}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("training.onNonFinite: \"rollback\" is invalid");
    }

    @Test
    void aShardTooShortForOneWindowFailsWithTheCorpusErrorNotASparkOne() {
        SparkTrainer trainer = SparkTrainer.start(spark, TestCorpus.config("", "{\"workers\": 2}"));
        assertThatThrownBy(() -> trainer.fit(spark.parallelize(List.of(TestCorpus.text(500, 5), "short"), 2)))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("fewer than corpus.maxlen + 1 = 11");
        assertThatThrownBy(() -> trainer.fit(spark.parallelize(List.of(TestCorpus.text(500, 5)), 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the text has 1 partitions, fewer than spark.workers = 2");
    }

    /** Partition 0's then partition 1's batch of local step {@code step}, as one window set. */
    private static WindowSet concatenated(List<ShardStream> streams, long step, int vocabularySize) {
        // Each window as its 10 inputs and its target: windows of 10 ids every 11.
        int[] ids = new int[32 * 11];
        int row = 0;
        for (ShardStream stream : streams) {
            Batch batch = new Batch(16, 10, vocabularySize, false);
            stream.fill(step, batch);
            for (int b = 0; b < batch.size(); b++, row++) {
                System.arraycopy(batch.inputs(), b * 10, ids, row * 11, 10);
                ids[row * 11 + 10] = batch.targets()[b];
            }
        }
        return new IdWindows(ids, 10, 11, vocabularySize);
    }

    private static List<List<Double>> losses(TrainingHistory history) {
        return history.epochs().stream().map(e -> List.of(e.trainLoss(), e.validationLoss())).toList();
    }

    static void assertBitIdentical(ModelWeights actual, ModelWeights expected) {
        float[] a = Weights.flat(actual);
        float[] e = Weights.flat(expected);
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(e[i])) {
                throw new AssertionError("weight " + i + " is " + a[i] + ", expected bit for bit " + e[i]);
            }
        }
    }
}
