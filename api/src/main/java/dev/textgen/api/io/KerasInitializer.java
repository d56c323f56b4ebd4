package dev.textgen.api.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fresh weights as Keras initialises the reference notebook's model, drawn from a seed only, so that every backend starts
 * a training run from the same weights for the same {@code training.seed}.
 */
final class KerasInitializer {
    private KerasInitializer() {
    }

    static ModelWeights initialize(int vocabularySize, int hiddenSize, int layers, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LstmWeights> lstm = new ArrayList<>();
        int in = vocabularySize;
        for (int l = 0; l < layers; l++) {
            float[] kernel = glorotUniform(in, 4 * hiddenSize, random);
            float[] recurrentKernel = orthogonal(hiddenSize, 4 * hiddenSize, random);
            float[] bias = new float[4 * hiddenSize];
            Arrays.fill(bias, hiddenSize, 2 * hiddenSize, 1f); // the forget gate, second in i, f, c, o
            lstm.add(new LstmWeights(in, hiddenSize, kernel, recurrentKernel, bias));
            in = hiddenSize;
        }
        return new ModelWeights(lstm, glorotUniform(hiddenSize, vocabularySize, random), new float[vocabularySize]);
    }

    private static float[] glorotUniform(int fanIn, int fanOut, SplittableRandom random) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] values = new float[fanIn * fanOut];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-limit, limit);
        }
        return values;
    }

    /**
     * A {@code rows x cols} matrix (rows <= cols) with orthonormal rows, as Keras' Orthogonal: the Q of a
     * QR decomposition of a Gaussian matrix with the signs that make R's diagonal positive.
     */
    private static float[] orthogonal(int rows, int cols, SplittableRandom random) {
        // Q's columns are the rows of the result: Gram-Schmidt on `rows` Gaussian vectors of length `cols`,
        // which yields R with a positive diagonal directly.
        double[][] q = new double[rows][cols];
        for (double[] row : q) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < i; p++) {
                    double dot = 0;
                    for (int j = 0; j < cols; j++) {
                        dot += q[i][j] * q[p][j];
                    }
                    for (int j = 0; j < cols; j++) {
                        q[i][j] -= dot * q[p][j];
                    }
                }
            }
            double norm = 0;
            for (int j = 0; j < cols; j++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < cols; j++) {
                q[i][j] /= norm;
            }
        }
        float[] values = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                values[i * cols + j] = (float) q[i][j];
            }
        }
        return values;
    }

}
