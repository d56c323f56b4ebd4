package dev.textgen.api.config;

import java.util.List;

/**
 * The network: stacked LSTM layers and a Dense softmax over the vocabulary.
 *
 * @param backend             the backend's provider name, e.g. {@code scratch} or {@code dl4j}
 * @param hiddenSize          units per LSTM layer
 * @param layers              number of stacked LSTM layers
 * @param recurrentActivation gate activation: {@code sigmoid}, or {@code hard_sigmoid} (Keras 2.2.4's
 *                            default, the seed's exact model: {@code clip(0.2 x + 0.5, 0, 1)})
 * @param dropout             inverted dropout rate between layers and before the Dense layer during
 *                            training, in [0, 1); off at inference
 */
public record ModelConfig(String backend, int hiddenSize, int layers, String recurrentActivation, double dropout) {

    public static final String SIGMOID = "sigmoid";
    public static final String HARD_SIGMOID = "hard_sigmoid";
    public static final List<String> RECURRENT_ACTIVATIONS = List.of(SIGMOID, HARD_SIGMOID);

    public ModelConfig {
        Require.present("model.backend", backend);
        if (backend.isBlank()) {
            throw ConfigExceptions.blank("model.backend", "a backend name such as scratch or dl4j");
        }
        Require.atLeast("model.hiddenSize", hiddenSize, 1);
        Require.atLeast("model.layers", layers, 1);
        Require.oneOf("model.recurrentActivation", recurrentActivation, RECURRENT_ACTIVATIONS);
        Require.inRange("model.dropout", dropout, 0.0, 1.0, false);
    }

    /** The seed's model: one LSTM of 128 units on the scratch backend, no dropout. */
    public static ModelConfig defaults() {
        return new ModelConfig("scratch", 128, 1, SIGMOID, 0.0);
    }

    public boolean hardSigmoid() {
        return HARD_SIGMOID.equals(recurrentActivation);
    }
}
