package dev.textgen.api.config;

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

    List<String> TYPES = List.of("rmsprop", "adam", "sgd");

    double learningRate();

    /** The same optimizer with another learning rate (used by learning-rate schedules). */
    OptimizerConfig withLearningRate(double learningRate);

    /** The defaults for {@code type}, or null when the type is unknown. */
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
     */
    record RmsProp(double learningRate, double rho, double epsilon) implements OptimizerConfig {
        public RmsProp {
            Require.positive("training.optimizer.learningRate", learningRate);
            Require.inRange("training.optimizer.rho", rho, 0.0, 1.0, false);
            Require.positive("training.optimizer.epsilon", epsilon);
        }

        /** The reference notebook's: lr 0.01, rho 0.9, epsilon 1e-7. */
        public static RmsProp defaults() {
            return new RmsProp(0.01, 0.9, 1e-7);
        }

        @Override
        public RmsProp withLearningRate(double lr) {
            return new RmsProp(lr, rho, epsilon);
        }
    }

    /** Keras' Adam with bias correction; epsilon outside the square root. */
    record Adam(double learningRate, double beta1, double beta2, double epsilon) implements OptimizerConfig {
        public Adam {
            Require.positive("training.optimizer.learningRate", learningRate);
            Require.inRange("training.optimizer.beta1", beta1, 0.0, 1.0, false);
            Require.inRange("training.optimizer.beta2", beta2, 0.0, 1.0, false);
            Require.positive("training.optimizer.epsilon", epsilon);
        }

        /** Keras' defaults: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
        public static Adam defaults() {
            return new Adam(0.001, 0.9, 0.999, 1e-7);
        }

        @Override
        public Adam withLearningRate(double lr) {
            return new Adam(lr, beta1, beta2, epsilon);
        }
    }

    /**
     * Plain stochastic gradient descent, {@code w -= lr g}, without state: averaging the weights of workers
     * that each took one step is then exactly one step on the union of their batches.
     */
    record Sgd(double learningRate) implements OptimizerConfig {
        public Sgd {
            Require.positive("training.optimizer.learningRate", learningRate);
        }

        /** Keras' default: lr 0.01. */
        public static Sgd defaults() {
            return new Sgd(0.01);
        }

        @Override
        public Sgd withLearningRate(double lr) {
            return new Sgd(lr);
        }
    }
}
