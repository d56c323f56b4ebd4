package dev.textgen.api.training;

import dev.textgen.api.ConfigException;
import dev.textgen.api.CorpusException;
import dev.textgen.api.EpochResult;
import dev.textgen.api.Evaluation;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingDivergedException;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.TrainingEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The training loop every backend shares: epochs of seeded shuffled batches, validation, early
 * stopping with best-weights restore, reduce-on-plateau, non-finite detection (stop or roll back),
 * cancellation and exact resume. The backend supplies only a {@link dev.textgen.api.spi.TrainingEngine}.
 *
 * <p>Epoch {@code e} (zero-based) trains on {@link Batches#shuffled}{@code (train, batchSize, seed, e)},
 * the last partial batch included. Its training loss is the window-weighted mean of the batch losses;
 * its held-out loss the {@link Evaluation} of the validation windows. Early stopping
 * and the plateau schedule follow Keras' EarlyStopping and ReduceLROnPlateau on the held-out loss, and
 * decide from the history alone, so a resumed run takes the same decisions.
 *
 * <p>Update {@code i} (zero-based over the whole run, {@code epoch * batchesPerEpoch + batch}) trains with
 * {@code learningRate / (1 + training.optimizer.decay * i)}, Keras' inverse-time decay. {@code learningRate} is the
 * base rate that the plateau schedule and rollbacks lower and that {@link #state()} stores; as in Keras the
 * plateau schedule sets the base rate and the decay divides it. An epoch's {@link EpochResult#learningRate()} is
 * the rate of its last batch, so that the decay shows.
 *
 * <p>{@link #requestStop()} makes {@link #fit} return after the batch in progress; {@link #state()} and
 * {@link #model()} then describe that exact point, and a trainer {@link #resume}d from them replays the
 * rest of the run bit for bit (the same shuffles, batch seeds, optimizer state, learning rate and partial
 * epoch sums). The seconds of an epoch that was resumed count only the part run after the resume.
 *
 * <p>A non-finite loss (the engine then applies nothing), a non-finite weight or held-out loss either
 * fails with a {@link TrainingDivergedException} naming the one-based epoch and batch
 * ({@code training.onNonFinite} "stop"), or ("rollback") returns to the weights, optimizer state and
 * position at the start of the epoch (or of the resumed part of it) with half the learning rate, at most
 * {@value #MAX_ROLLBACKS} times per trainer. Either way the weights {@link #model()} and {@link #state()}
 * describe are finite.
 */
public final class TrainingLoop implements Trainer {
    /** How often {@code training.onNonFinite} "rollback" retries before giving up. */
    public static final int MAX_ROLLBACKS = 3;

    private static final System.Logger LOG = System.getLogger(TrainingLoop.class.getName());

    private final TextgenConfig config;
    private final TrainingConfig training;
    private final Vocabulary vocabulary;
    private final String defaultPrompt;
    private final TrainingEngine engine;
    private final long seed;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    private final List<EpochResult> history;
    private int epoch;
    private int batch;
    private double learningRate;
    private double partialLossSum;
    private long partialWindows;
    private ModelWeights bestWeights;
    /** Of the windows {@link #fit} trains on; with the epoch and batch it gives the update count the decay reads. */
    private int batchesPerEpoch;
    private int rollbacks;
    private GoodPoint goodPoint;

    /** Bumped on every change of the engine's weights, so that {@link #model()} snapshots only when needed. */
    private long weightsVersion;
    private long snapshotVersion = -1;
    private LanguageModel snapshot;

    private TrainingLoop(TextgenConfig config, Vocabulary vocabulary, String defaultPrompt, TrainingEngine engine,
                         TrainingState state) {
        this.config = config;
        this.training = config.training();
        this.vocabulary = vocabulary;
        this.defaultPrompt = defaultPrompt;
        this.engine = engine;
        if (state == null) {
            this.seed = training.seed();
            this.learningRate = training.optimizer().learningRate();
            this.history = new ArrayList<>();
        } else {
            this.seed = state.seed();
            this.epoch = state.epoch();
            this.batch = state.batch();
            this.learningRate = state.learningRate();
            this.partialLossSum = state.partialLossSum();
            this.partialWindows = state.partialWindows();
            this.history = new ArrayList<>(state.history());
            this.bestWeights = state.bestWeights();
        }
    }

    /**
     * A trainer from fresh weights initialised with {@code config.training().seed()}.
     *
     * @param backend builds the training engine
     * @param config the model and training settings
     * @param vocabulary the symbols the model reads and predicts
     * @param defaultPrompt a window of training text stored in the model for generation without a prompt, or null
     * @return a trainer at epoch 0
     */
    public static Trainer start(Backend backend, TextgenConfig config, Vocabulary vocabulary, String defaultPrompt) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(vocabulary, "vocabulary");
        TrainingEngine engine = backend.newEngine(config, vocabulary, null);
        return new TrainingLoop(config, vocabulary, defaultPrompt, engine, null);
    }

    /**
     * A trainer continuing {@code checkpoint} exactly: its weights, optimizer state, position, learning
     * rate, partial epoch sums, history and best weights.
     *
     * @param backend builds the training engine
     * @param checkpoint a model file holding a training state
     * @return a trainer at the checkpoint's position
     * @throws IllegalArgumentException when the checkpoint holds no training state or non-finite weights
     */
    public static Trainer resume(Backend backend, StoredModel checkpoint) {
        TrainingState state = checkpoint.trainingState().orElseThrow(() -> new IllegalArgumentException(
                "the model holds no training state: it is a finished model, not a checkpoint to resume"));
        if (!checkpoint.weights().allFinite() || (state.bestWeights() != null && !state.bestWeights().allFinite())) {
            throw new IllegalArgumentException("the checkpoint holds non-finite weights and cannot be resumed");
        }
        TrainingEngine engine = backend.newEngine(checkpoint.config(), checkpoint.vocabulary(), checkpoint.weights());
        engine.setOptimizerState(state.optimizerState());
        return new TrainingLoop(checkpoint.config(), checkpoint.vocabulary(), checkpoint.defaultPrompt(), engine, state);
    }

    @Override
    public TrainingHistory fit(WindowSet train, WindowSet validation, TrainingListener listener) {
        checkShape("training", train);
        boolean validating = validation != null && validation.size() > 0;
        if (validating) {
            checkShape("validation", validation);
        }
        if (train.size() == 0) {
            throw new CorpusException("there are no training windows: the training text is shorter than corpus.maxlen + 1 = "
                    + (config.corpus().maxlen() + 1) + " symbols");
        }
        requireValidationForSchedules(validating);
        TrainingListener listen = listener == null ? TrainingListener.NONE : listener;

        Batch buffer = new Batch(training.batchSize(), train.maxlen(), train.vocabularySize(), engine.wantsOneHot());
        batchesPerEpoch = Batches.sequential(train, training.batchSize()).count();
        if (progress().stop()) {
            return finish(TrainingHistory.Outcome.STOPPED_EARLY);
        }
        while (epoch < training.epochs()) {
            if (stopRequested.getAndSet(false)) {
                return finish(TrainingHistory.Outcome.CANCELLED);
            }
            goodPoint = new GoodPoint(engine.weights(), engine.optimizerState(), batch, partialLossSum, partialWindows);
            long started = System.nanoTime();
            Pass pass = trainRemainingBatches(train, buffer, listen);
            if (pass == Pass.CANCELLED) {
                return finish(TrainingHistory.Outcome.CANCELLED);
            }
            if (pass == Pass.ROLLED_BACK) {
                continue;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            ModelWeights weights = engine.weights();
            if (!weights.allFinite()) {
                onNonFinite(batch, "a weight is not finite");
                continue;
            }
            double validationLoss = validating ? Evaluation.of(engine, validation, training.batchSize()).loss() : Double.NaN;
            if (validating && !Double.isFinite(validationLoss)) {
                onNonFinite(batch, "the held-out loss is " + validationLoss);
                continue;
            }
            EpochResult result = new EpochResult(epoch + 1, partialLossSum / partialWindows, validationLoss, seconds,
                    rateOf((epoch + 1L) * batchesPerEpoch - 1));
            Progress progress = closeEpoch(result, weights);
            listen.onEpoch(result, this);
            if (progress.stop()) {
                LOG.log(System.Logger.Level.INFO, "epoch " + result.epoch() + ": held-out loss has not improved for "
                        + training.earlyStopping().patience() + " epochs; stopping early (best epoch "
                        + progress.bestEpoch() + ")");
                return finish(TrainingHistory.Outcome.STOPPED_EARLY);
            }
        }
        return finish(TrainingHistory.Outcome.COMPLETED);
    }

    /** How a pass over the rest of an epoch's batches ended. */
    private enum Pass { DONE, ROLLED_BACK, CANCELLED }

    private Pass trainRemainingBatches(WindowSet train, Batch buffer, TrainingListener listener) {
        Batches batches = Batches.shuffled(train, training.batchSize(), seed, epoch).skip(batch);
        while (batches.next(buffer)) {
            double loss = engine.trainBatch(buffer, rateOf((long) epoch * batchesPerEpoch + batch));
            weightsVersion++;
            if (!Double.isFinite(loss)) {
                onNonFinite(batch + 1, "the loss is " + loss);
                return Pass.ROLLED_BACK;
            }
            batch++;
            partialLossSum += loss * buffer.size();
            partialWindows += buffer.size();
            listener.onBatch(epoch + 1, batch, batchesPerEpoch, loss);
            if (stopRequested.getAndSet(false)) {
                return Pass.CANCELLED;
            }
        }
        return Pass.DONE;
    }

    /** Records a finished epoch, keeps its weights if they are the best, and applies the plateau schedule. */
    private Progress closeEpoch(EpochResult result, ModelWeights weights) {
        history.add(result);
        epoch++;
        batch = 0;
        partialLossSum = 0;
        partialWindows = 0;
        Progress progress = progress();
        if (keepsBestWeights() && progress.bestEpoch() == result.epoch()) {
            bestWeights = weights;
        }
        if (progress.reduceLearningRate()) {
            double lowered = Math.max(learningRate * training.reduceLrOnPlateau().factor(),
                    training.reduceLrOnPlateau().minLearningRate());
            LOG.log(System.Logger.Level.INFO, "epoch " + result.epoch() + ": held-out loss has not improved for "
                    + training.reduceLrOnPlateau().patience() + " epochs; learning rate " + learningRate + " -> "
                    + lowered);
            learningRate = lowered;
        }
        return progress;
    }

    /** The step size of update {@code iteration} of the run: the base rate, decayed. */
    private double rateOf(long iteration) {
        return training.optimizer().decayedLearningRate(learningRate, iteration);
    }

    private Progress progress() {
        return Progress.of(history, training, batchesPerEpoch);
    }

    @Override
    public void requestStop() {
        stopRequested.set(true);
    }

    @Override
    public LanguageModel model() {
        if (snapshotVersion != weightsVersion) {
            snapshot = engine.snapshot(defaultPrompt);
            snapshotVersion = weightsVersion;
        }
        return snapshot;
    }

    @Override
    public TrainingState state() {
        return new TrainingState(engine.optimizerState(), epoch, batch, seed, learningRate, partialLossSum,
                partialWindows, history, bestWeights);
    }

    @Override
    public void close() {
        engine.close();
    }

    /** Ends {@link #fit}: a finished run ends on the best weights when early stopping keeps them. */
    private TrainingHistory finish(TrainingHistory.Outcome outcome) {
        if (outcome == TrainingHistory.Outcome.CANCELLED && !engine.weights().allFinite()) {
            // A last update may have overflowed without a non-finite loss yet: never hand out such weights.
            restore(goodPoint);
        }
        if (outcome != TrainingHistory.Outcome.CANCELLED && keepsBestWeights() && bestWeights != null) {
            engine.setWeights(bestWeights);
            weightsVersion++;
        }
        return new TrainingHistory(history, progress().bestEpoch(), outcome);
    }

    /** Rolls back to the last good point with half the learning rate, or throws. */
    private void onNonFinite(int batchNumber, String what) {
        if (training.onNonFinite() == TrainingConfig.OnNonFinite.ROLLBACK && rollbacks < MAX_ROLLBACKS) {
            rollbacks++;
            restore(goodPoint);
            LOG.log(System.Logger.Level.WARNING, "epoch " + (epoch + 1) + ", batch " + batchNumber + ": " + what
                    + "; rolled back to batch " + batch + " of the epoch with learning rate " + learningRate + " -> "
                    + learningRate / 2 + " (rollback " + rollbacks + " of " + MAX_ROLLBACKS + ")");
            learningRate /= 2;
            return;
        }
        if (!engine.weights().allFinite()) {
            restore(goodPoint);
        }
        throw new TrainingDivergedException(epoch + 1, batchNumber, what + (rollbacks > 0
                ? " even after " + rollbacks + " rollbacks that halved the learning rate to " + learningRate : ""));
    }

    private void restore(GoodPoint point) {
        engine.setWeights(point.weights());
        engine.setOptimizerState(point.optimizerState());
        weightsVersion++;
        batch = point.batch();
        partialLossSum = point.partialLossSum();
        partialWindows = point.partialWindows();
    }

    private boolean keepsBestWeights() {
        return training.earlyStopping().enabled() && training.earlyStopping().restoreBest();
    }

    private void requireValidationForSchedules(boolean validating) {
        if (validating) {
            return;
        }
        if (training.earlyStopping().enabled()) {
            throw new ConfigException("training.earlyStopping.patience", "training.earlyStopping.patience: "
                    + training.earlyStopping().patience() + " watches the held-out loss, but there are no held-out"
                    + " windows; set corpus.validationFraction > 0 (e.g. 0.1) or patience 0");
        }
        if (training.reduceLrOnPlateau().enabled()) {
            throw new ConfigException("training.reduceLrOnPlateau.patience", "training.reduceLrOnPlateau.patience: "
                    + training.reduceLrOnPlateau().patience() + " watches the held-out loss, but there are no held-out"
                    + " windows; set corpus.validationFraction > 0 (e.g. 0.1) or patience 0");
        }
    }

    private void checkShape(String which, WindowSet windows) {
        Objects.requireNonNull(windows, which + " windows");
        if (windows.maxlen() != config.corpus().maxlen() || windows.vocabularySize() != vocabulary.size()) {
            throw new IllegalArgumentException("the " + which + " windows have maxlen " + windows.maxlen() + " over "
                    + windows.vocabularySize() + " symbols, but the model has corpus.maxlen " + config.corpus().maxlen()
                    + " and a " + vocabulary.size() + "-symbol vocabulary");
        }
    }

    /** Where a rollback returns to: the start of the epoch's pass, with the sums of the batches before it. */
    private record GoodPoint(ModelWeights weights, Map<String, float[]> optimizerState, int batch,
                             double partialLossSum, long partialWindows) {
    }
}
