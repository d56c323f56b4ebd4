package dev.textgen.api.io;

/**
 * One LSTM layer in the Keras layout and the model file's: row-major {@code kernel [inputSize, 4H]},
 * {@code recurrentKernel [H, 4H]} and {@code bias [4H]}, with the four gate blocks of each row in the
 * order input, forget, cell candidate, output. Backends with another layout convert on load and save.
 *
 * <p>The arrays are copied in and must not be modified through the accessors; treat them as read-only.
 *
 * @param inputSize the layer's input width: the vocabulary size for the first layer, else the layer below's units
 * @param hiddenSize the layer's units H
 * @param kernel input weights, {@code inputSize * 4H} values
 * @param recurrentKernel recurrent weights, {@code H * 4H} values
 * @param bias {@code 4H} values
 */
public record LstmWeights(int inputSize, int hiddenSize, float[] kernel, float[] recurrentKernel, float[] bias) {

    /**
     * Checks every array's length against the sizes and copies the arrays.
     *
     * @param inputSize at least 1
     * @param hiddenSize at least 1
     * @param kernel {@code inputSize * 4 * hiddenSize} values
     * @param recurrentKernel {@code 4 * hiddenSize * hiddenSize} values
     * @param bias {@code 4 * hiddenSize} values
     * @throws IllegalArgumentException naming the first size or array that does not fit
     */
    public LstmWeights {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException("LSTM sizes must be >= 1: inputSize " + inputSize + ", hiddenSize " + hiddenSize);
        }
        Shapes.check("kernel", kernel, (long) inputSize * 4 * hiddenSize);
        Shapes.check("recurrent_kernel", recurrentKernel, 4L * hiddenSize * hiddenSize);
        Shapes.check("bias", bias, 4L * hiddenSize);
        kernel = kernel.clone();
        recurrentKernel = recurrentKernel.clone();
        bias = bias.clone();
    }
}
