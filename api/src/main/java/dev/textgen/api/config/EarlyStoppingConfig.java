package dev.textgen.api.config;

/**
 * Stop when the held-out loss has not improved by more than {@code minDelta} for {@code patience}
 * epochs, and optionally restore the best epoch's weights.
 *
 * @param patience    epochs without improvement before stopping; 0 disables early stopping
 * @param minDelta    the smallest decrease of held-out loss (nats/char) that counts as improvement
 * @param restoreBest whether the final model is the best epoch's rather than the last one's
 */
public record EarlyStoppingConfig(int patience, double minDelta, boolean restoreBest) {
    /**
     * Checks each field's range, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param patience at least 0
     * @param minDelta at least 0
     * @param restoreBest whether to restore the best epoch's weights
     */
    public EarlyStoppingConfig {
        Require.atLeast("training.earlyStopping.patience", patience, 0);
        Require.inRange("training.earlyStopping.minDelta", minDelta, 0.0, Double.MAX_VALUE, true);
    }

    /**
     * Early stopping off (patience 0), as in the reference notebook; enabling it restores the best epoch's weights.
     *
     * @return the defaults: patience 0, minDelta 0, restoreBest true
     */
    public static EarlyStoppingConfig defaults() {
        return new EarlyStoppingConfig(0, 0.0, true);
    }

    /**
     * Whether early stopping is on.
     *
     * @return true when {@link #patience()} is at least 1
     */
    public boolean enabled() {
        return patience > 0;
    }
}
