package dev.textgen.api;

import java.util.List;

/**
 * What {@link Trainer#fit} did.
 *
 * @param epochs     every finished epoch, including those of a run this one resumed
 * @param bestEpoch  one-based epoch with the lowest held-out loss (or training loss without a validation
 *                   set); 0 when no epoch finished
 * @param outcome    why training ended
 */
public record TrainingHistory(List<EpochResult> epochs, int bestEpoch, Outcome outcome) {

    /**
     * Copies {@code epochs}.
     *
     * @param epochs every finished epoch
     * @param bestEpoch one-based best epoch, or 0
     * @param outcome why training ended
     */
    public TrainingHistory {
        epochs = List.copyOf(epochs);
    }

    /** Why training ended. */
    public enum Outcome {
        /** All configured epochs ran. */
        COMPLETED,
        /** Early stopping found no improvement for {@code patience} epochs. */
        STOPPED_EARLY,
        /** {@link Trainer#requestStop()} was called. */
        CANCELLED
    }

    /**
     * The training loss of every epoch, in nats per symbol.
     *
     * @return one loss per epoch, in epoch order
     */
    public List<Double> trainLosses() {
        return epochs.stream().map(EpochResult::trainLoss).toList();
    }

    /**
     * The held-out loss of every epoch, in nats per symbol.
     *
     * @return one loss per epoch, in epoch order; NaN entries without a validation set
     */
    public List<Double> validationLosses() {
        return epochs.stream().map(EpochResult::validationLoss).toList();
    }

    /**
     * The wall-clock training time of every epoch.
     *
     * @return seconds per epoch, in epoch order
     */
    public List<Double> secondsPerEpoch() {
        return epochs.stream().map(EpochResult::seconds).toList();
    }
}
