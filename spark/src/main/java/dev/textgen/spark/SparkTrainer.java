package dev.textgen.spark;

import dev.textgen.api.ConfigException;
import dev.textgen.api.CorpusException;
import dev.textgen.api.EpochResult;
import dev.textgen.api.TrainingDivergedException;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.SparkConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Trains a textgen model data-parallel on Apache Spark, by local SGD with periodic averaging. The driver's side
 * of a round (broadcast, collect, average, checkpoint) is here; what runs on the executors is in {@code Shard}
 * and {@code ShardStream}.
 *
 * <p>The corpus is cut into {@code spark.workers} shards, one Spark partition each, in the order of the
 * text (a deterministic, locality-independent grouping). The vocabulary is the union of the shards'.
 * Every round the driver broadcasts the weights and the optimizer state; each partition's task builds
 * the configured backend's {@link TrainingEngine} from them and runs K local steps on its own shard (the
 * batches of its {@link ShardStream}: a pure function of the training seed, the partition and the round); the
 * driver collects the results, sums them in partition order and divides by the number of workers. With
 * {@code spark.optimizerState} "reset" each round starts from a fresh optimizer state instead. The same
 * config and partitioning therefore give bit-identical weights from run to run, and when Spark runs a
 * failed task again.
 *
 * <p>The workers' local steps use the configured learning rate times {@code spark.learningRateScale}
 * ({@link SparkConfig#workerLearningRate}; by default N for N workers, 1 for one); checkpoints and the
 * history keep the configured, single-process rate. {@code training.optimizer.decay} divides the workers' rate as
 * the single-process loop divides its own: local step {@code s} of a worker's run (its updates so far, the same
 * for every worker) uses {@code rate / (1 + decay * s)}; an epoch's history entry shows the configured rate so
 * decayed at the epoch's last step.
 *
 * <p>An epoch is {@code S = ceil(training windows / (workers x batchSize))} local steps per worker, split
 * into rounds of K ({@code spark.localSteps}; {@code spark.warmupLocalSteps} during the first
 * {@code spark.warmupRounds} rounds of a run); the last round of an epoch may be shorter. After each epoch
 * the held-out loss is measured over every shard's held-out windows, and, when a checkpoint directory is
 * set, a checkpoint is written there: resuming from it continues the run exactly. One worker over the whole
 * text takes the single-process trainer's steps, bit for bit.
 *
 * <p>Early stopping, the plateau schedule, rollback on a non-finite loss and mid-epoch checkpoints belong
 * to the single-process loop and are rejected here; a non-finite loss or weight fails the run with a
 * {@link TrainingDivergedException}.
 */
public final class SparkTrainer {
    private static final System.Logger LOG = System.getLogger(SparkTrainer.class.getName());

    private final JavaSparkContext spark;
    private final TextgenConfig config;
    private final String configJson;
    private final List<EpochResult> history;
    private Vocabulary vocabulary;
    private String defaultPrompt;
    private Tensors tensors;
    private int epoch;
    private double learningRate;
    private String checkpointDirectory;
    private Consumer<EpochResult> onEpoch = result -> { };
    private Consumer<RoundTimes> onRound = times -> { };

    private SparkTrainer(JavaSparkContext spark, TextgenConfig config, StoredModel checkpoint) {
        this.spark = Objects.requireNonNull(spark, "spark");
        this.config = Objects.requireNonNull(config, "config");
        requireSupported(config.training());
        Backends.installed().get(config.model().backend()); // fails now, on the driver, naming what is missing
        this.configJson = ConfigLoader.toJson(config);
        if (checkpoint == null) {
            this.history = new ArrayList<>();
            this.learningRate = config.training().optimizer().learningRate();
        } else {
            TrainingState state = checkpoint.trainingState().orElseThrow(() -> new IllegalArgumentException(
                    "the model holds no training state: it is a finished model, not a checkpoint to resume"));
            if (state.batch() != 0) {
                throw new IllegalArgumentException("the checkpoint was written in the middle of epoch " + (state.epoch() + 1)
                        + " (after batch " + state.batch() + "); the Spark trainer resumes only from the end of an epoch");
            }
            this.history = new ArrayList<>(state.history());
            this.vocabulary = checkpoint.vocabulary();
            this.defaultPrompt = checkpoint.defaultPrompt();
            this.tensors = Tensors.of(checkpoint.weights(), state.optimizerState());
            this.epoch = state.epoch();
            this.learningRate = state.learningRate();
        }
    }

    /**
     * A trainer that starts from fresh weights initialised with {@code config.training().seed()}.
     *
     * @param spark  the context the rounds run on
     * @param config the config, its {@code spark} section included
     * @return the trainer
     * @throws dev.textgen.api.ConfigException naming a setting the Spark trainer cannot honour
     */
    public static SparkTrainer start(JavaSparkContext spark, TextgenConfig config) {
        return new SparkTrainer(spark, config, null);
    }

    /**
     * A trainer that continues the checkpoint at {@code checkpoint}, a Hadoop path, exactly: its weights,
     * optimizer state, epoch, learning rate and history, with its config and vocabulary.
     *
     * @param spark      the context the rounds run on
     * @param checkpoint the checkpoint's Hadoop path
     * @return the trainer
     * @throws dev.textgen.api.ModelFileException when the checkpoint cannot be read
     */
    public static SparkTrainer resume(JavaSparkContext spark, String checkpoint) {
        StoredModel stored = HadoopModelFiles.read(checkpoint, spark.hadoopConfiguration());
        return new SparkTrainer(spark, stored.config(), stored);
    }

    /**
     * Writes a checkpoint into {@code directory} (a Hadoop path) after every epoch, keeping the latest few.
     *
     * @param directory the Hadoop path of the checkpoint folder
     * @return this trainer
     */
    public SparkTrainer checkpointTo(String directory) {
        this.checkpointDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /**
     * Called on the driver after every epoch.
     *
     * @param listener receives each epoch's losses
     * @return this trainer
     */
    public SparkTrainer onEpoch(Consumer<EpochResult> listener) {
        this.onEpoch = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Called on the driver after every round with where its time went.
     *
     * @param listener receives each round's timings
     * @return this trainer
     */
    public SparkTrainer onRound(Consumer<RoundTimes> listener) {
        this.onRound = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Trains on the text file(s) at {@code path}, a Hadoop path or glob, read with {@code textFile}.
     *
     * @param path a Hadoop path ({@code file://}, {@code hdfs://}, {@code s3a://}) or glob
     * @return the epochs trained
     */
    public TrainingHistory fit(String path) {
        return fit(spark.textFile(path, config.spark().workers()));
    }

    /**
     * Trains on {@code text}, whose elements are pieces of the corpus in order (lines, as {@code textFile}
     * gives them, are joined with line breaks within a shard).
     *
     * @param text the corpus in order
     * @return the epochs trained
     * @throws dev.textgen.api.CorpusException when a shard is too short for one window
     */
    public TrainingHistory fit(JavaRDD<String> text) {
        SparkConfig sparkConfig = config.spark();
        JavaRDD<String> pieces = Sharding.contiguous(text, sparkConfig.workers());
        String json = configJson;
        Vocabulary shared = vocabulary != null ? vocabulary : discoverVocabulary(pieces);
        String symbols = shared.symbols();
        JavaRDD<Shard> shards = pieces
                .mapPartitionsWithIndex((partition, it) -> List.of(Shard.of(partition, it, json, symbols)).iterator(), true)
                .persist(StorageLevel.MEMORY_ONLY());
        try {
            List<Shard.Info> infos = shards.map(Shard::info).collect();
            for (Shard.Info info : infos) {
                if (info.failure() != null) {
                    throw info.failure();
                }
            }
            vocabulary = shared;
            if (defaultPrompt == null) {
                defaultPrompt = infos.get(0).defaultPrompt();
            }
            if (tensors == null) {
                tensors = freshTensors();
            }
            return train(shards, infos);
        } finally {
            shards.unpersist(false);
        }
    }

    /**
     * The model as trained so far (no training state), ready to save or load into any backend.
     *
     * @return the model
     */
    public StoredModel model() {
        requireTrained();
        return new StoredModel(config, vocabulary, tensors.weights(), defaultPrompt, null);
    }

    /**
     * A checkpoint of the run at the end of the last finished epoch.
     *
     * @return the checkpoint, with the training state to resume from
     */
    public StoredModel checkpoint() {
        requireTrained();
        TrainingState state = new TrainingState(tensors.optimizerState(), epoch, 0, config.training().seed(),
                learningRate, 0, 0, history, null);
        return new StoredModel(config, vocabulary, tensors.weights(), defaultPrompt, state);
    }

    /**
     * Writes {@link #model()} to {@code path}, a Hadoop path, atomically.
     *
     * @param path the model file's Hadoop path
     */
    public void save(String path) {
        HadoopModelFiles.write(path, model(), spark.hadoopConfiguration());
    }

    private TrainingHistory train(JavaRDD<Shard> shards, List<Shard.Info> infos) {
        TrainingConfig training = config.training();
        SparkConfig sparkConfig = config.spark();
        long trainWindows = infos.stream().mapToLong(Shard.Info::trainWindows).sum();
        long validationWindows = infos.stream().mapToLong(Shard.Info::validationWindows).sum();
        int workers = infos.size();
        long stepsPerEpoch = (trainWindows + (long) workers * training.batchSize() - 1) / ((long) workers * training.batchSize());
        long round = roundsBefore(epoch, stepsPerEpoch);
        while (epoch < training.epochs()) {
            long started = System.nanoTime();
            double lossSum = 0;
            long windows = 0;
            for (long step = 0; step < stepsPerEpoch; ) {
                int steps = (int) Math.min(localSteps(round), stepsPerEpoch - step);
                long roundStarted = System.nanoTime();
                Broadcast<Shard.Round> broadcast = spark.broadcast(new Shard.Round(tensors,
                        sparkConfig.workerLearningRate(learningRate), epoch * stepsPerEpoch + step, steps));
                long broadcastNanos = System.nanoTime() - roundStarted;
                List<Shard.Result> results;
                try {
                    results = shards.map(shard -> shard.train(broadcast.value())).collect();
                } finally {
                    broadcast.destroy();
                }
                long collected = System.nanoTime();
                List<Tensors> parts = new ArrayList<>(results.size());
                long computeNanos = 0;
                long roundWindows = 0;
                for (Shard.Result result : results) {
                    if (result.tensors() == null) {
                        throw new TrainingDivergedException(epoch + 1, (int) (step + result.failedStep()), String.format(
                                Locale.ROOT, "the loss of worker %d is %s", result.partition(), result.weightedLosses()[0]));
                    }
                    parts.add(result.tensors());
                    for (double loss : result.weightedLosses()) {
                        lossSum += loss; // step by step, as the single-process loop sums them
                    }
                    roundWindows += result.windows();
                    computeNanos = Math.max(computeNanos, result.computeNanos());
                }
                windows += roundWindows;
                Tensors averaged = Tensors.average(parts);
                tensors = sparkConfig.averagesOptimizerState() ? averaged : withStateOf(averaged, tensors);
                long finished = System.nanoTime();
                onRound.accept(new RoundTimes(round, workers, steps, roundWindows, finished - roundStarted,
                        broadcastNanos, computeNanos, finished - collected));
                step += steps;
                round++;
            }
            ModelWeights weights = tensors.weights();
            if (!weights.allFinite()) {
                throw new TrainingDivergedException(epoch + 1, (int) stepsPerEpoch, "an averaged weight is not finite");
            }
            double validationLoss = validationWindows > 0 ? evaluate(shards) : Double.NaN;
            double seconds = (System.nanoTime() - started) / 1e9;
            EpochResult result = new EpochResult(epoch + 1, lossSum / windows, validationLoss, seconds,
                    training.optimizer().decayedLearningRate(learningRate, (epoch + 1L) * stepsPerEpoch - 1));
            history.add(result);
            epoch++;
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
                    "epoch %d: train loss %.4f, held-out loss %.4f, %.1f s, %d workers x %d local steps",
                    result.epoch(), result.trainLoss(), result.validationLoss(), seconds, workers, sparkConfig.localSteps()));
            if (checkpointDirectory != null) {
                Checkpoints.write(checkpointDirectory, epoch, checkpoint(), training.keepCheckpoints(),
                        spark.hadoopConfiguration());
            }
            onEpoch.accept(result);
        }
        return new TrainingHistory(history, EpochResult.best(history), TrainingHistory.Outcome.COMPLETED);
    }

    private double evaluate(JavaRDD<Shard> shards) {
        Broadcast<Tensors> broadcast = spark.broadcast(tensors);
        try {
            double sum = 0;
            long windows = 0;
            for (Shard.Result result : shards.map(shard -> shard.evaluate(broadcast.value())).collect()) {
                sum += result.weightedLosses()[0];
                windows += result.windows();
            }
            return sum / windows;
        } finally {
            broadcast.destroy();
        }
    }

    /** K for round {@code round} (zero-based, counted over the whole run). */
    private int localSteps(long round) {
        SparkConfig sparkConfig = config.spark();
        return round < sparkConfig.warmupRounds() ? sparkConfig.warmupLocalSteps() : sparkConfig.localSteps();
    }

    /** The rounds the first {@code epochs} epochs took, so that a resumed run keeps the warm-up schedule. */
    private long roundsBefore(int epochs, long stepsPerEpoch) {
        long round = 0;
        for (int e = 0; e < epochs; e++) {
            for (long step = 0; step < stepsPerEpoch; round++) {
                step += Math.min(localSteps(round), stepsPerEpoch - step);
            }
        }
        return round;
    }

    /** Fresh weights and optimizer state, exactly as the single-process trainer starts. */
    private Tensors freshTensors() {
        try (TrainingEngine engine = Backends.installed().get(config.model().backend()).newEngine(config, vocabulary, null)) {
            return Tensors.of(engine.weights(), engine.optimizerState());
        }
    }

    /** {@code weights}' weights with {@code state}'s optimizer state ("reset": the state never changes). */
    private static Tensors withStateOf(Tensors weights, Tensors state) {
        return Tensors.of(weights.weights(), state.optimizerState());
    }

    private Vocabulary discoverVocabulary(JavaRDD<String> pieces) {
        String json = configJson;
        List<Shard.Symbols> perShard = pieces.mapPartitions(it -> List.of(Shard.symbols(it, json)).iterator()).collect();
        TreeSet<Integer> codePoints = new TreeSet<>();
        for (Shard.Symbols shard : perShard) {
            if (shard.failure() != null) {
                throw shard.failure();
            }
            shard.symbols().codePoints().forEach(codePoints::add);
        }
        if (codePoints.size() > config.corpus().maxVocabulary()) {
            throw new CorpusException(String.format(Locale.ROOT,
                    "the corpus has %,d distinct symbols, more than corpus.maxVocabulary = %,d", codePoints.size(),
                    config.corpus().maxVocabulary()));
        }
        return Vocabulary.of(codePoints.stream().mapToInt(Integer::intValue).toArray());
    }

    private void requireTrained() {
        if (tensors == null) {
            throw new IllegalStateException("nothing is trained yet: call fit first");
        }
    }

    private static void requireSupported(TrainingConfig training) {
        if (training.earlyStopping().enabled()) {
            throw unsupported("training.earlyStopping.patience", training.earlyStopping().patience());
        }
        if (training.reduceLrOnPlateau().enabled()) {
            throw unsupported("training.reduceLrOnPlateau.patience", training.reduceLrOnPlateau().patience());
        }
        if (training.onNonFinite() != TrainingConfig.OnNonFinite.STOP) {
            throw ConfigException.invalid("training.onNonFinite", training.onNonFinite().jsonName(),
                    "stop (the Spark trainer does not roll back)");
        }
        if (training.checkpointEveryBatches() != 0) {
            throw ConfigException.invalid("training.checkpointEveryBatches", training.checkpointEveryBatches(),
                    "0 (the Spark trainer writes checkpoints at the end of each epoch)");
        }
    }

    private static ConfigException unsupported(String path, int value) {
        return ConfigException.invalid(path, value, "0 (the Spark trainer has no early stopping or plateau schedule)");
    }

    /**
     * Where one round's time went, on the driver's clock except {@code computeNanos}.
     *
     * @param round          zero-based, over the whole run
     * @param workers        tasks in the round
     * @param localSteps     K of this round
     * @param windows        windows trained on, over all workers
     * @param wallNanos      the whole round: broadcast, the job, averaging
     * @param broadcastNanos creating the broadcast of the weights and optimizer state
     * @param computeNanos   the slowest task's own time: building its engine and its local steps
     * @param aggregateNanos summing and averaging the workers' results on the driver
     */
    public record RoundTimes(long round, int workers, int localSteps, long windows, long wallNanos, long broadcastNanos,
                             long computeNanos, long aggregateNanos) {

        /**
         * What is left: launching the tasks, fetching the broadcast on the executors, and sending the
         * results back.
         *
         * @return the round's nanoseconds not spent broadcasting, computing or aggregating
         */
        public long schedulingNanos() {
            return wallNanos - broadcastNanos - computeNanos - aggregateNanos;
        }
    }
}
