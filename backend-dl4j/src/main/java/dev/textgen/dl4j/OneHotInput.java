package dev.textgen.dl4j;

import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * The first LSTM layer's one-hot input, never materialised: its input term is a gather of kernel rows by symbol id
 * and its kernel gradient a scatter-add back by id, both in Java on a {@code [4H][V]} transposed copy (a gather op
 * per step costs more than the copy).
 */
final class OneHotInput {
    private final int hidden;
    private final int vocabularySize;

    OneHotInput(int hidden, int vocabularySize) {
        this.hidden = hidden;
        this.vocabularySize = vocabularySize;
    }

    /** The first layer's input term for all steps, {@code z[t] = kernel[id]^T + bias}, into its {@code z}. */
    void project(Buffers s, Parameters parameters) {
        int width = 4 * hidden;
        int v = vocabularySize;
        float[] kernel = parameters.kernel(0).data().asFloat(); // [V, 4H] row-major; the first tensor, at offset 0
        float[] bias = parameters.bias(0).dup().data().asFloat();
        float[] transposed = s.kernelByGate;
        for (int symbol = 0; symbol < v; symbol++) {
            for (int g = 0; g < width; g++) {
                transposed[g * v + symbol] = kernel[symbol * width + g] + bias[g];
            }
        }
        float[] z = s.staging;
        int size = s.size;
        for (int t = 0; t < s.steps; t++) {
            for (int g = 0; g < width; g++) {
                int row = (t * width + g) * size;
                int column = g * v;
                for (int b = 0; b < size; b++) {
                    z[row + b] = transposed[column + s.ids[t * size + b]];
                }
            }
        }
        s.layers[0].z.data().asNioFloat().put(0, z);
    }

    /** The first layer's kernel gradient: every step's and window's column of dz added to the row of its symbol. */
    void kernelGradient(Buffers s, Parameters parameters) {
        int width = 4 * hidden;
        int v = vocabularySize;
        float[] dz = s.staging;
        s.layers[0].dz.data().asNioFloat().get(0, dz);
        float[] sums = s.kernelByGate;
        Arrays.fill(sums, 0f);
        int size = s.size;
        for (int t = 0; t < s.steps; t++) {
            for (int g = 0; g < width; g++) {
                int row = (t * width + g) * size;
                int column = g * v;
                for (int b = 0; b < size; b++) {
                    sums[column + s.ids[t * size + b]] += dz[row + b];
                }
            }
        }
        float[] kernel = new float[v * width];
        for (int symbol = 0; symbol < v; symbol++) {
            for (int g = 0; g < width; g++) {
                kernel[symbol * width + g] = sums[g * v + symbol];
            }
        }
        parameters.gradient(0).assign(Nd4j.create(kernel, parameters.gradient(0).shape(), 'c'));
    }
}
