package dev.textgen.api;

/**
 * Observes a training run. Called on the training thread, so training waits while a callback runs:
 * keep {@link #onBatch} quick, except for occasional work such as a mid-epoch checkpoint. Within either
 * callback the trainer's {@link Trainer#state()} and {@link Trainer#model()} describe the point just
 * reached, and a trainer resumed from them continues exactly as the run in progress does.
 */
public interface TrainingListener {

    /**
     * After every training batch; the trainer's state then has {@code epoch - 1} finished epochs and
     * {@code batch} batches of the next.
     *
     * @param epoch           one-based epoch
     * @param batch           one-based batch within the epoch
     * @param batchesPerEpoch batches in a full epoch
     * @param loss            the batch's mean loss, nats per symbol
     */
    default void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
    }

    /**
     * After every epoch, validation included; {@code trainer.state()} and {@code trainer.model()} reflect it.
     *
     * @param result the finished epoch's losses, time and learning rate
     * @param trainer the trainer, for a checkpoint of its state and model
     */
    default void onEpoch(EpochResult result, Trainer trainer) {
    }

    /**
     * A preview after an epoch, one per {@code training.preview.temperatures} entry, in order, right after
     * {@link #onEpoch}. A {@link Trainer} on its own makes none; a training run of the sdk
     * ({@code dev.textgen.sdk.TrainingRun}) does.
     *
     * @param preview the text sampled at one temperature
     */
    default void onPreview(Preview preview) {
    }

    /** A listener that does nothing. */
    TrainingListener NONE = new TrainingListener() {
    };
}
