package dev.textgen.api;

/**
 * The loss or a gradient became NaN or infinite. The message says at which epoch and batch; the
 * model is left at its last finite weights and nothing non-finite is ever saved.
 */
public class TrainingDivergedException extends TextgenException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;

    public TrainingDivergedException(int epoch, int batch, String what) {
        super("training diverged at epoch " + epoch + ", batch " + batch + ": " + what
                + "; lower training.optimizer.learningRate or set training.clipNorm"
                + " (or training.onNonFinite \"rollback\" to retry from the last good weights)");
        this.epoch = epoch;
        this.batch = batch;
    }

    /** One-based epoch in which the fault appeared. */
    public int epoch() {
        return epoch;
    }

    /** One-based batch within that epoch. */
    public int batch() {
        return batch;
    }
}
