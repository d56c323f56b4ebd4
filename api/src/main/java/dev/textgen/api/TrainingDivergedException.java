package dev.textgen.api;

/**
 * The loss or a gradient became NaN or infinite. The message says at which epoch and batch; the
 * model is left at its last finite weights and nothing non-finite is ever saved.
 */
public class TrainingDivergedException extends TextgenException {
    private static final long serialVersionUID = 1L;

    /** One-based epoch in which the fault appeared. */
    private final int epoch;
    /** One-based batch within that epoch. */
    private final int batch;

    /**
     * An exception naming the epoch, the batch and the fault, with what to change.
     *
     * @param epoch one-based epoch in which the fault appeared
     * @param batch one-based batch within that epoch
     * @param what the fault, e.g. {@code "the loss is NaN"}
     */
    public TrainingDivergedException(int epoch, int batch, String what) {
        super("training diverged at epoch " + epoch + ", batch " + batch + ": " + what
                + "; lower training.optimizer.learningRate or set training.clipNorm"
                + " (or training.onNonFinite \"rollback\" to retry from the last good weights)");
        this.epoch = epoch;
        this.batch = batch;
    }

    /**
     * One-based epoch in which the fault appeared.
     *
     * @return the epoch, at least 1
     */
    public int epoch() {
        return epoch;
    }

    /**
     * One-based batch within that epoch.
     *
     * @return the batch, at least 1
     */
    public int batch() {
        return batch;
    }
}
