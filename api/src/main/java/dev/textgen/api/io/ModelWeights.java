package dev.textgen.api.io;

import java.util.List;

/**
 * All weights of a model in the portable layout: the LSTM layers bottom-up, then the Dense softmax
 * layer with row-major {@code denseKernel [H, V]} and {@code denseBias [V]}. This is what the model
 * file stores and what lets a model trained on one backend run on another.
 *
 * @param lstm the LSTM layers bottom-up, each reading the one below's output
 * @param denseKernel the Dense layer's weights, {@code H * V} values
 * @param denseBias the Dense layer's bias, {@code V} values
 */
public record ModelWeights(List<LstmWeights> lstm, float[] denseKernel, float[] denseBias) {

    /**
     * Checks that the layers chain and the Dense arrays fit them, and copies the list and arrays.
     *
     * @param lstm at least one layer, each reading as many inputs as the layer below has units
     * @param denseKernel {@code H * V} values, H the top layer's units and V the first layer's input width
     * @param denseBias {@code V} values
     * @throws IllegalArgumentException naming the first layer or array that does not fit
     */
    public ModelWeights {
        if (lstm == null || lstm.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one LSTM layer");
        }
        lstm = List.copyOf(lstm);
        for (int n = 1; n < lstm.size(); n++) {
            if (lstm.get(n).inputSize() != lstm.get(n - 1).hiddenSize()) {
                throw new IllegalArgumentException("lstm_" + n + " reads " + lstm.get(n).inputSize()
                        + " inputs but lstm_" + (n - 1) + " has " + lstm.get(n - 1).hiddenSize() + " units");
            }
        }
        int h = lstm.get(lstm.size() - 1).hiddenSize();
        int v = lstm.get(0).inputSize();
        Shapes.check("dense/kernel", denseKernel, (long) h * v);
        Shapes.check("dense/bias", denseBias, v);
        denseKernel = denseKernel.clone();
        denseBias = denseBias.clone();
    }

    /**
     * Fresh weights as Keras initialises them: Glorot-uniform input and dense kernels, orthogonal recurrent
     * kernels (Keras' Orthogonal: Q of the QR of a Gaussian matrix, signs making R's diagonal positive), zero
     * biases except 1 for the forget gate; drawn from {@code seed} only, the same on every backend.
     *
     * @param vocabularySize V, the input and output width
     * @param hiddenSize H, units per LSTM layer
     * @param layers the number of stacked LSTM layers
     * @param seed the RNG seed the weights are drawn from
     * @return new weights
     */
    public static ModelWeights initialize(int vocabularySize, int hiddenSize, int layers, long seed) {
        return KerasInitializer.initialize(vocabularySize, hiddenSize, layers, seed);
    }

    /**
     * Vocabulary size: the first layer's input width and the Dense layer's output width.
     *
     * @return V, at least 1
     */
    public int vocabularySize() {
        return lstm.get(0).inputSize();
    }

    /**
     * A deep copy: the records copy their arrays in, but hand them out as they are.
     *
     * @return weights equal to these sharing no array with them
     */
    public ModelWeights copy() {
        return new ModelWeights(lstm.stream()
                .map(l -> new LstmWeights(l.inputSize(), l.hiddenSize(), l.kernel(), l.recurrentKernel(), l.bias()))
                .toList(), denseKernel, denseBias);
    }

    /**
     * Whether every weight is finite (no NaN, no infinity).
     *
     * @return true when no weight is NaN or infinite
     */
    public boolean allFinite() {
        for (LstmWeights layer : lstm) {
            if (!finite(layer.kernel()) || !finite(layer.recurrentKernel()) || !finite(layer.bias())) {
                return false;
            }
        }
        return finite(denseKernel) && finite(denseBias);
    }

    private static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
