package dev.textgen.sdk;

import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.corpus.Corpus;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One training run in a run folder, everything {@code ./textgen train} does: it loads the corpus the
 * config names, trains on the backend the config names, and writes into the folder a checkpoint after
 * every epoch (keeping the last {@code training.keepCheckpoints} and the best) and every
 * {@code training.checkpointEveryBatches} batches, {@code metrics.csv} and {@code loss.svg} after every
 * epoch, and {@code model.safetensors} at the end; {@link RunDirectory} has the folder's layout and
 * rules. Every {@code training.*} field means what it means to the command line.
 *
 * <pre>{@code
 * try (TrainingRun run = TrainingRun.start(ConfigLoader.load(Path.of("my.json")), Path.of("runs/my"))) {
 *     run.fit();
 * }
 * try (TrainingRun run = TrainingRun.resume(Path.of("runs/my"))) {
 *     run.fit();   // continues from the latest checkpoint; a finished run returns at once
 * }
 * }</pre>
 *
 * <p>{@link #cancel()} stops the run after the batch in progress and leaves a checkpoint at that exact
 * position, from which {@link #resume} continues bit for bit as the uninterrupted run would have. A run
 * is used by one thread, except {@link #cancel()}, which any thread may call at any time.
 */
public final class TrainingRun implements AutoCloseable {
    private final TextgenConfig config;
    private final Corpus corpus;
    private final RunDirectory folder;
    private final Trainer trainer;
    private final RunRecorder recorder;
    private final Path resumedFrom;
    private final List<Path> deletedTemporaries;
    private boolean closed;

    private TrainingRun(TextgenConfig config, Corpus corpus, RunDirectory folder, Trainer trainer, Path resumedFrom,
                        List<Path> deletedTemporaries) {
        this.config = config;
        this.corpus = corpus;
        this.folder = folder;
        this.trainer = trainer;
        this.recorder = new RunRecorder(config, corpus, folder, trainer);
        this.resumedFrom = resumedFrom;
        this.deletedTemporaries = List.copyOf(deletedTemporaries);
    }

    /**
     * A new run of {@code config} writing into {@code runDir} (created when missing), from fresh weights
     * initialised with {@code training.seed}. Loads the corpus, and deletes temporary files a killed run
     * left in the folder.
     *
     * @param config the corpus, model and training settings
     * @param runDir the run folder; it must hold no checkpoints
     * @return a run ready to {@link #fit()}; the caller closes it
     * @throws RunFolderException                       when {@code runDir} holds another run's checkpoints
     * @throws dev.textgen.api.BackendUnavailableException when the config's backend is not installed
     * @throws dev.textgen.api.CorpusException           when the corpus cannot be read or cut into windows
     */
    public static TrainingRun start(TextgenConfig config, Path runDir) {
        Objects.requireNonNull(config, "config");
        requireNoOtherRun(runDir);
        Backend backend = Backends.installed().get(config.model().backend());
        Corpus corpus = Corpus.load(config.corpus());
        RunDirectory folder = RunDirectory.create(runDir);
        List<Path> stale = folder.deleteStaleTemporaries();
        // The window stored in the model for generation without a prompt, drawn as the command line always has.
        String window = corpus.randomWindow(new SplittableRandom(config.training().seed()));
        Trainer trainer = backend.newTrainer(config, corpus.vocabulary(), window);
        return new TrainingRun(config, corpus, folder, trainer, null, stale);
    }

    /**
     * The run in {@code runDir}, continued from its latest checkpoint (mid-epoch or not) with the config
     * stored there.
     *
     * @param runDir the folder of an earlier run
     * @return a run ready to {@link #fit()}; the caller closes it
     * @throws RunFolderException when {@code runDir} holds no checkpoint
     * @see #resume(Path, ConfigOverrides, Path)
     */
    public static TrainingRun resume(Path runDir) {
        return resume(runDir, ConfigOverrides.none(), runDir);
    }

    /**
     * The run in {@code runDir}, continued from its latest checkpoint with the config stored there changed
     * by {@code changes} (e.g. {@code training.epochs} to train further than planned), writing into
     * {@code into}: {@code runDir} itself, or a folder without another run's checkpoints. The corpus is
     * read with the checkpoint's vocabulary.
     *
     * @param runDir the folder of an earlier run
     * @param changes values that win over the checkpoint's config, each naming where it came from
     * @param into the folder to write into
     * @return a run ready to {@link #fit()}; the caller closes it
     * @throws RunFolderException                       when {@code runDir} holds no checkpoint, or {@code into}
     *                                                  is another folder that holds a run's checkpoints
     * @throws dev.textgen.api.ConfigException           when a change is invalid
     * @throws dev.textgen.api.ModelFileException        when the latest checkpoint is unreadable
     * @throws dev.textgen.api.BackendUnavailableException when the config's backend is not installed
     * @throws dev.textgen.api.CorpusException           when the corpus cannot be read or holds characters
     *                                                  outside the checkpoint's vocabulary
     */
    public static TrainingRun resume(Path runDir, ConfigOverrides changes, Path into) {
        Objects.requireNonNull(changes, "changes");
        Path file = RunDirectory.latestCheckpoint(runDir).orElseThrow(() -> RunFolderException.noCheckpoint(runDir));
        StoredModel stored = ModelFile.read(file);
        TextgenConfig config = ConfigLoader.override(stored.config(), file.toString(), changes);
        if (!into.equals(runDir)) {
            requireNoOtherRun(into);
        }
        Backend backend = Backends.installed().get(config.model().backend());
        Corpus corpus = Corpus.load(config.corpus(), stored.vocabulary());
        RunDirectory folder = RunDirectory.create(into);
        List<Path> stale = folder.deleteStaleTemporaries();
        Trainer trainer = backend.resumeTrainer(new StoredModel(config, stored.vocabulary(), stored.weights(),
                stored.defaultPrompt(), stored.training()));
        return new TrainingRun(config, corpus, folder, trainer, file, stale);
    }

    private static void requireNoOtherRun(Path runDir) {
        if (!RunDirectory.checkpoints(runDir).isEmpty()) {
            throw RunFolderException.holdsAnotherRun(runDir);
        }
    }

    /**
     * {@link #fit(TrainingListener)} without a listener; no previews are generated.
     *
     * @return every finished epoch (a resumed run's earlier ones included), the best one and why training ended
     */
    public TrainingHistory fit() {
        return fit(TrainingListener.NONE);
    }

    /**
     * Trains until the configured epochs are done, early stopping ends the run or {@link #cancel()} stops
     * it, telling {@code listener} of every batch, epoch and preview on this thread as they happen.
     * Finished or stopped early, the run saves {@link #modelFile()}; cancelled, it saves a checkpoint at
     * the exact position reached ({@link #lastCheckpoint()}). A run that had already finished returns at
     * once.
     *
     * @param listener told of every batch, epoch and preview; {@link TrainingListener#NONE} for nothing
     * @return every finished epoch (a resumed run's earlier ones included), the best one and why training ended
     * @throws dev.textgen.api.TrainingDivergedException on a non-finite loss or weight, unless
     *                                                   {@code training.onNonFinite} rolls back
     */
    public TrainingHistory fit(TrainingListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("the training run in " + folder.dir() + " is closed");
        }
        TrainingHistory history = trainer.fit(corpus.trainWindows(), corpus.validationWindows(),
                recorder.recording(listener));
        if (history.outcome() == TrainingHistory.Outcome.CANCELLED) {
            recorder.saveCheckpoint(trainer.state(), trainer.model());
        } else {
            trainer.model().save(folder.model());
            recorder.writeMetrics(history.epochs());
        }
        return history;
    }

    /**
     * Makes {@link #fit} return after the batch in progress, having saved a checkpoint there; before
     * {@code fit} starts, it returns as soon as it starts. Safe from any thread, e.g. a signal handler.
     */
    public void cancel() {
        trainer.requestStop();
    }

    /**
     * Where the final model is written: {@code model.safetensors} in the run folder.
     *
     * @return the final model's path, whether or not it was written yet
     */
    public Path modelFile() {
        return folder.model();
    }

    /**
     * The run folder.
     *
     * @return the run folder's path
     */
    public Path runDir() {
        return folder.dir();
    }

    /**
     * The run's config: the one given to {@link #start}, or the checkpoint's with the changes given to {@link #resume}.
     *
     * @return the config
     */
    public TextgenConfig config() {
        return config;
    }

    /**
     * The corpus the run trains on.
     *
     * @return the corpus: its vocabulary and its training and validation windows
     */
    public Corpus corpus() {
        return corpus;
    }

    /**
     * The checkpoint a resumed run continues from; empty for a run that started fresh.
     *
     * @return the checkpoint's path, or empty
     */
    public Optional<Path> resumedFrom() {
        return Optional.ofNullable(resumedFrom);
    }

    /**
     * The temporary files of a killed run that were deleted from the run folder when this run began.
     *
     * @return the deleted files' paths; empty when there were none
     */
    public List<Path> deletedTemporaries() {
        return deletedTemporaries;
    }

    /**
     * The checkpoint this run wrote last, if any.
     *
     * @return the checkpoint's path, or empty when this run wrote none yet
     */
    public Optional<Path> lastCheckpoint() {
        return Optional.ofNullable(recorder.lastCheckpoint());
    }

    /**
     * Where training stands: position, learning rate and finished epochs. Not to be called while {@link #fit} runs.
     *
     * @return the training state after the last finished batch
     */
    public TrainingState state() {
        return trainer.state();
    }

    /** Releases the backend's training resources; the files written stay. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            trainer.close();
        }
    }
}
