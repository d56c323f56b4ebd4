package dev.textgen.api;

import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.TrainingState;

/**
 * Fits a model on windows for the configured number of epochs, optionally reporting held-out loss,
 * with early stopping, a learning-rate schedule, cancellation and exact resume from a checkpoint.
 * Obtain one from {@link dev.textgen.api.spi.Backend#newTrainer}; it writes no files. For a run with
 * checkpoints, previews, metrics and resume in a run folder, as {@code ./textgen train} does it, use the
 * sdk's {@code dev.textgen.sdk.TrainingRun}. A trainer is used by one thread, except
 * {@link #requestStop()}, which any thread may call.
 */
public interface Trainer extends AutoCloseable {

    /**
     * Trains until the configured epochs are done, early stopping triggers or {@link #requestStop()}
     * is called; resumes from where the trainer's state says.
     *
     * @param train      training windows
     * @param validation held-out windows, or null (or empty) for none
     * @param listener   progress callbacks
     * @return the epochs run, the best one and why training ended
     * @throws TrainingDivergedException on a non-finite loss or gradient, unless configured to roll back
     */
    TrainingHistory fit(WindowSet train, WindowSet validation, TrainingListener listener);

    /** Asks {@link #fit} to return after the batch in progress; safe from any thread (a signal handler, say). */
    void requestStop();

    /**
     * An immutable model of the current weights (or of the best epoch's after early stopping restored them).
     *
     * @return a model independent of further training
     */
    LanguageModel model();

    /**
     * The state a checkpoint needs to resume exactly here.
     *
     * @return the optimizer state, position, learning rate and history after the last finished batch
     */
    TrainingState state();

    @Override
    default void close() {
    }
}
