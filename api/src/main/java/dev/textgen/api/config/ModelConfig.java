package dev.textgen.api.config;

import java.util.Locale;

/**
 * The network: stacked LSTM layers and a Dense softmax over the vocabulary.
 *
 * @param backend             the backend's provider name, e.g. {@code scratch} or {@code dl4j}
 * @param hiddenSize          units per LSTM layer
 * @param layers              number of stacked LSTM layers
 * @param recurrentActivation gate activation: {@code sigmoid}, or {@code hard_sigmoid} (Keras 2.2.4's
 *                            default, the reference notebook's exact model: {@code clip(0.2 x + 0.5, 0, 1)})
 * @param dropout             inverted dropout rate between layers and before the Dense layer during
 *                            training, in [0, 1); off at inference
 * @param recurrentDropout    inverted dropout rate of the state each LSTM layer feeds back into its recurrent
 *                            product during training, in [0, 1), with one mask per window and layer for all its
 *                            steps (Keras' {@code recurrent_dropout}, Gal and Ghahramani's variational dropout);
 *                            off at inference
 */
public record ModelConfig(String backend, int hiddenSize, int layers, RecurrentActivation recurrentActivation,
                          double dropout, double recurrentDropout) {

    /** The LSTM gate activation, see {@link ModelConfig#recurrentActivation()}. */
    public enum RecurrentActivation implements ConfigChoice {
        /** The logistic function. */
        SIGMOID,
        /** Keras 2.2.4's {@code clip(0.2 x + 0.5, 0, 1)}. */
        HARD_SIGMOID;

        /** Keras' spelling, with an underscore: {@code sigmoid}, {@code hard_sigmoid}. */
        @Override
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param backend a provider name, not blank
     * @param hiddenSize units per layer, at least 1
     * @param layers at least 1
     * @param recurrentActivation not null
     * @param dropout in [0, 1)
     * @param recurrentDropout in [0, 1)
     */
    public ModelConfig {
        Require.present("model.backend", backend);
        if (backend.isBlank()) {
            throw ConfigExceptions.blank("model.backend", "a backend name such as scratch or dl4j");
        }
        Require.atLeast("model.hiddenSize", hiddenSize, 1);
        Require.atLeast("model.layers", layers, 1);
        Require.present("model.recurrentActivation", recurrentActivation);
        Require.inRange("model.dropout", dropout, 0.0, 1.0, false);
        Require.inRange("model.recurrentDropout", recurrentDropout, 0.0, 1.0, false);
    }

    /**
     * The reference notebook's model: one LSTM of 128 units on the scratch backend, no dropout.
     *
     * @return the defaults
     */
    public static ModelConfig defaults() {
        return new ModelConfig("scratch", 128, 1, RecurrentActivation.SIGMOID, 0.0, 0.0);
    }

    /**
     * Whether the gates use Keras 2.2.4's hard sigmoid.
     *
     * @return true when {@link #recurrentActivation()} is {@link RecurrentActivation#HARD_SIGMOID}
     */
    public boolean hardSigmoid() {
        return recurrentActivation == RecurrentActivation.HARD_SIGMOID;
    }

    /**
     * This config with another {@link #backend()}.
     *
     * @param value a backend provider name, e.g. {@code scratch} or {@code dl4j}
     * @return a copy with {@code backend} replaced
     */
    public ModelConfig withBackend(String value) {
        return new ModelConfig(value, hiddenSize, layers, recurrentActivation, dropout, recurrentDropout);
    }

    /**
     * This config with another {@link #hiddenSize()}.
     *
     * @param value units per LSTM layer, at least 1
     * @return a copy with {@code hiddenSize} replaced
     */
    public ModelConfig withHiddenSize(int value) {
        return new ModelConfig(backend, value, layers, recurrentActivation, dropout, recurrentDropout);
    }

    /**
     * This config with another {@link #layers()}.
     *
     * @param value stacked LSTM layers, at least 1
     * @return a copy with {@code layers} replaced
     */
    public ModelConfig withLayers(int value) {
        return new ModelConfig(backend, hiddenSize, value, recurrentActivation, dropout, recurrentDropout);
    }

    /**
     * This config with another {@link #recurrentActivation()}.
     *
     * @param value the LSTM gate activation
     * @return a copy with {@code recurrentActivation} replaced
     */
    public ModelConfig withRecurrentActivation(RecurrentActivation value) {
        return new ModelConfig(backend, hiddenSize, layers, value, dropout, recurrentDropout);
    }

    /**
     * This config with another {@link #dropout()}.
     *
     * @param value the dropout rate, in [0, 1)
     * @return a copy with {@code dropout} replaced
     */
    public ModelConfig withDropout(double value) {
        return new ModelConfig(backend, hiddenSize, layers, recurrentActivation, value, recurrentDropout);
    }

    /**
     * This config with another {@link #recurrentDropout()}.
     *
     * @param value the recurrent dropout rate, in [0, 1)
     * @return a copy with {@code recurrentDropout} replaced
     */
    public ModelConfig withRecurrentDropout(double value) {
        return new ModelConfig(backend, hiddenSize, layers, recurrentActivation, dropout, value);
    }
}
