package dev.textgen.api;

/**
 * Observes a training run. Called on the training thread: keep it quick, and do heavy work such as
 * writing checkpoints from {@link #onEpoch} (which runs between epochs, when the state is consistent).
 */
public interface TrainingListener {

    /**
     * After every training batch.
     *
     * @param epoch           one-based epoch
     * @param batch           one-based batch within the epoch
     * @param batchesPerEpoch batches in a full epoch
     * @param loss            the batch's mean loss, nats per symbol
     */
    default void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
    }

    /** After every epoch, validation included; {@code trainer.state()} and {@code trainer.model()} reflect it. */
    default void onEpoch(EpochResult result, Trainer trainer) {
    }

    /** A listener that does nothing. */
    TrainingListener NONE = new TrainingListener() {
    };
}
