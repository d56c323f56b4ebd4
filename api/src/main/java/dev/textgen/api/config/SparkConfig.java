package dev.textgen.api.config;

/**
 * Data-parallel training on Apache Spark ({@code dev.textgen:textgen-spark}); ignored by the
 * single-process trainer. Each round the driver broadcasts the weights and the optimizer state, every
 * worker runs {@code localSteps} optimizer steps on its own shard of windows, and the driver averages
 * what they return.
 *
 * @param workers           shards of the corpus, one Spark partition and one task per round each
 * @param localSteps        K, the local steps between two averages
 * @param warmupRounds      rounds at the start of a run that use {@code warmupLocalSteps} instead
 * @param warmupLocalSteps  K during the warm-up rounds (usually smaller: averaging more often early on)
 * @param optimizerState    {@code average}: the optimizer state is averaged with the weights (Local Adam);
 *                          {@code reset}: every round starts from a fresh optimizer state
 */
public record SparkConfig(int workers, int localSteps, int warmupRounds, int warmupLocalSteps,
                          OptimizerState optimizerState) {

    /** What becomes of the optimizer state between rounds. */
    public enum OptimizerState implements ConfigChoice {
        /** Averaged with the weights every round. */
        AVERAGE,
        /** Fresh every round. */
        RESET
    }

    /**
     * Checks every field, naming it ({@code spark.workers}, ...) in a {@link dev.textgen.api.ConfigException}.
     *
     * @param workers          at least 1
     * @param localSteps       at least 1
     * @param warmupRounds     at least 0
     * @param warmupLocalSteps at least 1
     * @param optimizerState   not null
     */
    public SparkConfig {
        Require.atLeast("spark.workers", workers, 1);
        Require.atLeast("spark.localSteps", localSteps, 1);
        Require.atLeast("spark.warmupRounds", warmupRounds, 0);
        Require.atLeast("spark.warmupLocalSteps", warmupLocalSteps, 1);
        Require.present("spark.optimizerState", optimizerState);
    }

    /**
     * Two workers, 8 local steps, no warm-up, optimizer state averaged.
     *
     * @return the defaults
     */
    public static SparkConfig defaults() {
        return new SparkConfig(2, 8, 0, 1, OptimizerState.AVERAGE);
    }

    /**
     * Whether the optimizer state travels with the weights and is averaged.
     *
     * @return true for {@code average}
     */
    public boolean averagesOptimizerState() {
        return optimizerState == OptimizerState.AVERAGE;
    }
}
