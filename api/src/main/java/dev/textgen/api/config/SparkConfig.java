package dev.textgen.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.textgen.api.ConfigException;

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
 * @param learningRateScale what the workers multiply {@code training.optimizer.learningRate} by:
 *                          {@code "auto"} (the rule of {@link LearningRateScale#factor(int)}) or a fixed number
 */
public record SparkConfig(int workers, int localSteps, int warmupRounds, int warmupLocalSteps,
                          OptimizerState optimizerState, LearningRateScale learningRateScale) {

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
     * @param workers           at least 1
     * @param localSteps        at least 1
     * @param warmupRounds      at least 0
     * @param warmupLocalSteps  at least 1
     * @param optimizerState    not null
     * @param learningRateScale not null
     */
    public SparkConfig {
        Require.atLeast("spark.workers", workers, 1);
        Require.atLeast("spark.localSteps", localSteps, 1);
        Require.atLeast("spark.warmupRounds", warmupRounds, 0);
        Require.atLeast("spark.warmupLocalSteps", warmupLocalSteps, 1);
        Require.present("spark.optimizerState", optimizerState);
        Require.present("spark.learningRateScale", learningRateScale);
    }

    /**
     * Two workers, 8 local steps, no warm-up, optimizer state averaged, the learning rate scaled by the rule.
     *
     * @return the defaults
     */
    public static SparkConfig defaults() {
        return new SparkConfig(2, 8, 0, 1, OptimizerState.AVERAGE, LearningRateScale.AUTO);
    }

    /**
     * Whether the optimizer state travels with the weights and is averaged.
     *
     * @return true for {@code average}
     */
    public boolean averagesOptimizerState() {
        return optimizerState == OptimizerState.AVERAGE;
    }

    /**
     * The workers' learning rate for a single-process learning rate: {@code learningRate} times the scale
     * for this many {@link #workers()}.
     *
     * @param learningRate the single-process learning rate ({@code training.optimizer.learningRate}, or
     *                     what a schedule made of it)
     * @return the learning rate every worker's local steps use
     */
    public double workerLearningRate(double learningRate) {
        return learningRate * learningRateScale.factor(workers);
    }

    /**
     * This config with another {@link #workers()}.
     *
     * @param value shards and tasks per round, at least 1
     * @return a copy with {@code workers} replaced
     */
    public SparkConfig withWorkers(int value) {
        return new SparkConfig(value, localSteps, warmupRounds, warmupLocalSteps, optimizerState, learningRateScale);
    }

    /**
     * This config with another {@link #localSteps()}.
     *
     * @param value K, at least 1
     * @return a copy with {@code localSteps} replaced
     */
    public SparkConfig withLocalSteps(int value) {
        return new SparkConfig(workers, value, warmupRounds, warmupLocalSteps, optimizerState, learningRateScale);
    }

    /**
     * This config with another {@link #warmupRounds()}.
     *
     * @param value rounds at the warm-up K, at least 0
     * @return a copy with {@code warmupRounds} replaced
     */
    public SparkConfig withWarmupRounds(int value) {
        return new SparkConfig(workers, localSteps, value, warmupLocalSteps, optimizerState, learningRateScale);
    }

    /**
     * This config with another {@link #warmupLocalSteps()}.
     *
     * @param value K during the warm-up, at least 1
     * @return a copy with {@code warmupLocalSteps} replaced
     */
    public SparkConfig withWarmupLocalSteps(int value) {
        return new SparkConfig(workers, localSteps, warmupRounds, value, optimizerState, learningRateScale);
    }

    /**
     * This config with another {@link #optimizerState()}.
     *
     * @param value {@code AVERAGE} or {@code RESET}
     * @return a copy with {@code optimizerState} replaced
     */
    public SparkConfig withOptimizerState(OptimizerState value) {
        return new SparkConfig(workers, localSteps, warmupRounds, warmupLocalSteps, value, learningRateScale);
    }

    /**
     * This config with another {@link #learningRateScale()}.
     *
     * @param value {@link LearningRateScale#AUTO} or {@link LearningRateScale#fixed(double)}
     * @return a copy with {@code learningRateScale} replaced
     */
    public SparkConfig withLearningRateScale(LearningRateScale value) {
        return new SparkConfig(workers, localSteps, warmupRounds, warmupLocalSteps, optimizerState, value);
    }

    /**
     * What the workers multiply the single-process learning rate by. In JSON, {@code "auto"} or a number.
     *
     * <p>{@code "auto"} is the linear scaling rule (Goyal et al. 2017), {@code N} for N workers: averaging
     * N workers' steps of b windows moves the weights about as far as one step of N·b windows, so, at the
     * same characters seen, the average takes N times fewer steps than one process, and each must be N times
     * longer. One worker keeps the learning rate as it is, so it trains exactly as the single process does.
     *
     * @param fixed the factor, or null for the rule
     */
    public record LearningRateScale(Double fixed) {
        /** The rule: N for N workers. */
        public static final LearningRateScale AUTO = new LearningRateScale(null);

        private static final String FIELD = "spark.learningRateScale";
        private static final String ALLOWED = "\"auto\" or a finite number > 0";

        /**
         * Checks the factor.
         *
         * @param fixed null (the rule), or a finite number &gt; 0
         * @throws ConfigException if {@code fixed} is not null and not a finite number &gt; 0
         */
        public LearningRateScale {
            if (fixed != null && !(Double.isFinite(fixed) && fixed > 0)) {
                throw ConfigException.invalid(FIELD, fixed, ALLOWED);
            }
        }

        /**
         * A fixed factor, whatever the number of workers.
         *
         * @param factor a finite number &gt; 0
         * @return the scale
         */
        public static LearningRateScale fixed(double factor) {
            return new LearningRateScale(factor);
        }

        /**
         * The factor for {@code workers} workers.
         *
         * @param workers at least 1
         * @return the fixed factor, or the rule's
         */
        public double factor(int workers) {
            Require.atLeast("spark.workers", workers, 1);
            return fixed != null ? fixed : workers;
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static LearningRateScale fromJson(JsonNode value) {
            if (value.isTextual() && value.asText().equals("auto")) {
                return AUTO;
            }
            if (value.isNumber()) {
                return new LearningRateScale(value.doubleValue());
            }
            throw ConfigException.invalid(FIELD, value.isTextual() ? value.asText() : value, ALLOWED);
        }

        @JsonValue
        Object toJson() {
            return fixed != null ? fixed : "auto";
        }
    }
}
