package dev.textgen.api.config;

/**
 * Reduce-on-plateau learning-rate schedule: multiply the learning rate by {@code factor} when the
 * held-out loss has not improved for {@code patience} epochs, never below {@code minLearningRate}.
 *
 * @param patience        epochs without improvement before a reduction; 0 disables the schedule
 * @param factor          multiplier in (0, 1)
 * @param minLearningRate floor for the learning rate
 */
public record PlateauConfig(int patience, double factor, double minLearningRate) {
    /**
     * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param patience at least 0
     * @param factor in (0, 1)
     * @param minLearningRate at least 0
     */
    public PlateauConfig {
        Require.atLeast("training.reduceLrOnPlateau.patience", patience, 0);
        if (!(factor > 0 && factor < 1)) {
            throw dev.textgen.api.ConfigException.invalid("training.reduceLrOnPlateau.factor", factor, "a number in (0, 1)");
        }
        Require.inRange("training.reduceLrOnPlateau.minLearningRate", minLearningRate, 0.0, Double.MAX_VALUE, true);
    }

    /**
     * The schedule off (patience 0), as in the reference notebook; enabling it halves the rate down to 1e-5.
     *
     * @return the defaults: patience 0, factor 0.5, minLearningRate 1e-5
     */
    public static PlateauConfig defaults() {
        return new PlateauConfig(0, 0.5, 1e-5);
    }

    /**
     * Whether the schedule is on.
     *
     * @return true when {@link #patience()} is at least 1
     */
    public boolean enabled() {
        return patience > 0;
    }
}
