package dev.textgen.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/** The optimizer, chosen by its {@code "type"}: {@code rmsprop} (the reference notebook's), {@code adam} or {@code sgd}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = OptimizerConfig.RmsProp.class, name = "rmsprop"),
        @JsonSubTypes.Type(value = OptimizerConfig.Adam.class, name = "adam"),
        @JsonSubTypes.Type(value = OptimizerConfig.Sgd.class, name = "sgd")})
public sealed interface OptimizerConfig {

    /** The {@code "type"} names, in the order error messages list them. */
    List<String> TYPES = List.of("rmsprop", "adam", "sgd");

    /**
     * The step size applied to each update.
     *
     * @return the learning rate, greater than 0
     */
    double learningRate();

    /**
     * Keras' inverse-time decay of the learning rate: update {@code i} (zero-based, counted over the whole run)
     * steps with {@code lr / (1 + decay * i)}, where {@code lr} is the base rate, {@link #learningRate()} as far as
     * the plateau schedule and rollbacks have lowered it. 0 keeps the rate constant.
     *
     * @return the decay, a finite number >= 0
     */
    double decay();

    /**
     * The step size of update {@code iteration} for the base rate {@code learningRate}:
     * {@code learningRate / (1 + decay * iteration)}, exactly {@code learningRate} when {@link #decay()} is 0.
     *
     * @param learningRate the base rate
     * @param iteration the number of updates made before this one, over the whole run
     * @return the decayed learning rate
     */
    default double decayedLearningRate(double learningRate, long iteration) {
        return learningRate / (1 + decay() * iteration);
    }

    /**
     * The same optimizer with another learning rate (used by learning-rate schedules); the decay is kept.
     *
     * @param learningRate the new learning rate, greater than 0
     * @return a copy of this optimizer with {@code learningRate} replaced
     */
    OptimizerConfig withLearningRate(double learningRate);

    /**
     * The defaults for {@code type}, or null when the type is unknown.
     *
     * @param type an optimizer name, one of {@link #TYPES}
     * @return that optimizer's defaults, or null
     */
    static OptimizerConfig defaults(String type) {
        return switch (type) {
            case "rmsprop" -> RmsProp.defaults();
            case "adam" -> Adam.defaults();
            case "sgd" -> Sgd.defaults();
            default -> null;
        };
    }

    /**
     * Keras' RMSprop: {@code ms = rho ms + (1 - rho) g^2; w -= lr g / (sqrt(ms) + epsilon)}.
     *
     * @param learningRate the step size, greater than 0
     * @param rho decay of the mean squared gradient, in [0, 1)
     * @param epsilon added to the root mean square, greater than 0
     * @param decay the learning rate's inverse-time decay per update (see {@link OptimizerConfig#decay()}), >= 0
     */
    record RmsProp(double learningRate, double rho, double epsilon, double decay) implements OptimizerConfig {
        /**
         * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
         *
         * @param learningRate greater than 0
         * @param rho in [0, 1)
         * @param epsilon greater than 0
         * @param decay a finite number >= 0
         */
        @JsonCreator
        public RmsProp {
            Require.positive("training.optimizer.learningRate", learningRate);
            Require.inRange("training.optimizer.rho", rho, 0.0, 1.0, false);
            Require.positive("training.optimizer.epsilon", epsilon);
            Require.nonNegative("training.optimizer.decay", decay);
        }

        /**
         * RMSprop without decay.
         *
         * @param learningRate greater than 0
         * @param rho in [0, 1)
         * @param epsilon greater than 0
         */
        public RmsProp(double learningRate, double rho, double epsilon) {
            this(learningRate, rho, epsilon, 0.0);
        }

        /**
         * The reference notebook's: lr 0.01, rho 0.9, epsilon 1e-7.
         *
         * @return the reference notebook's RMSprop settings
         */
        public static RmsProp defaults() {
            return new RmsProp(0.01, 0.9, 1e-7);
        }

        @Override
        public RmsProp withLearningRate(double lr) {
            return new RmsProp(lr, rho, epsilon, decay);
        }
    }

    /**
     * Keras' Adam with bias correction; epsilon outside the square root.
     *
     * @param learningRate the step size, greater than 0
     * @param beta1 decay of the mean gradient, in [0, 1)
     * @param beta2 decay of the mean squared gradient, in [0, 1)
     * @param epsilon added to the root mean square, greater than 0
     * @param decay the learning rate's inverse-time decay per update (see {@link OptimizerConfig#decay()}), >= 0
     */
    record Adam(double learningRate, double beta1, double beta2, double epsilon, double decay) implements OptimizerConfig {
        /**
         * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
         *
         * @param learningRate greater than 0
         * @param beta1 in [0, 1)
         * @param beta2 in [0, 1)
         * @param epsilon greater than 0
         * @param decay a finite number >= 0
         */
        @JsonCreator
        public Adam {
            Require.positive("training.optimizer.learningRate", learningRate);
            Require.inRange("training.optimizer.beta1", beta1, 0.0, 1.0, false);
            Require.inRange("training.optimizer.beta2", beta2, 0.0, 1.0, false);
            Require.positive("training.optimizer.epsilon", epsilon);
            Require.nonNegative("training.optimizer.decay", decay);
        }

        /**
         * Adam without decay.
         *
         * @param learningRate greater than 0
         * @param beta1 in [0, 1)
         * @param beta2 in [0, 1)
         * @param epsilon greater than 0
         */
        public Adam(double learningRate, double beta1, double beta2, double epsilon) {
            this(learningRate, beta1, beta2, epsilon, 0.0);
        }

        /**
         * Keras' defaults: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7.
         *
         * @return Keras' Adam settings
         */
        public static Adam defaults() {
            return new Adam(0.001, 0.9, 0.999, 1e-7);
        }

        @Override
        public Adam withLearningRate(double lr) {
            return new Adam(lr, beta1, beta2, epsilon, decay);
        }
    }

    /**
     * Plain stochastic gradient descent, {@code w -= lr g}, without state: averaging the weights of workers
     * that each took one step is then exactly one step on the union of their batches.
     *
     * @param learningRate the step size, greater than 0
     * @param decay the learning rate's inverse-time decay per update (see {@link OptimizerConfig#decay()}), >= 0
     */
    record Sgd(double learningRate, double decay) implements OptimizerConfig {
        /**
         * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
         *
         * @param learningRate greater than 0
         * @param decay a finite number >= 0
         */
        @JsonCreator
        public Sgd {
            Require.positive("training.optimizer.learningRate", learningRate);
            Require.nonNegative("training.optimizer.decay", decay);
        }

        /**
         * SGD without decay.
         *
         * @param learningRate greater than 0
         */
        public Sgd(double learningRate) {
            this(learningRate, 0.0);
        }

        /**
         * Keras' default: lr 0.01.
         *
         * @return SGD with learning rate 0.01
         */
        public static Sgd defaults() {
            return new Sgd(0.01);
        }

        @Override
        public Sgd withLearningRate(double lr) {
            return new Sgd(lr, decay);
        }
    }
}
