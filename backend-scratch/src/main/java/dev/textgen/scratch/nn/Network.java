package dev.textgen.scratch.nn;

import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.TensorLayout;

/**
 * The parameters of stacked LSTM layers and a Dense softmax layer, in the Keras layout the model file
 * uses (kernel {@code [in, 4H]}, recurrent kernel {@code [H, 4H]}, bias {@code [4H]}, gate order i, f, c, o;
 * dense kernel {@code [H, V]}), so that loading and saving is a copy. Mutable only inside a training engine;
 * a model holds its own copy and never changes it.
 */
public final class Network {
    private final int vocabularySize;
    private final int[] hidden;
    private final float[][] tensors;

    private Network(int vocabularySize, int[] hidden, float[][] tensors) {
        this.vocabularySize = vocabularySize;
        this.hidden = hidden;
        this.tensors = tensors;
    }

    /** A copy of {@code weights}. */
    public static Network of(ModelWeights weights) {
        int[] hidden = new int[weights.lstm().size()];
        for (int l = 0; l < hidden.length; l++) {
            hidden[l] = weights.lstm().get(l).hiddenSize();
        }
        float[][] tensors = TensorLayout.arrays(weights);
        for (int i = 0; i < tensors.length; i++) {
            tensors[i] = tensors[i].clone();
        }
        return new Network(weights.vocabularySize(), hidden, tensors);
    }

    /** A deep copy. */
    public Network copy() {
        float[][] copies = new float[tensors.length][];
        for (int i = 0; i < tensors.length; i++) {
            copies[i] = tensors[i].clone();
        }
        return new Network(vocabularySize, hidden.clone(), copies);
    }

    /** The weights in the portable layout (copied). */
    public ModelWeights toWeights() {
        return TensorLayout.weights(tensors);
    }

    /** Overwrites every tensor with {@code weights}, which must have this network's shape. */
    public void set(ModelWeights weights) {
        requireSameShape(weights);
        Network other = of(weights);
        for (int i = 0; i < tensors.length; i++) {
            System.arraycopy(other.tensors[i], 0, tensors[i], 0, tensors[i].length);
        }
    }

    /** Fails naming the first layer that differs when {@code weights} has another shape. */
    public void requireSameShape(ModelWeights weights) {
        if (weights.vocabularySize() != vocabularySize) {
            throw new IllegalArgumentException("the weights are for " + weights.vocabularySize()
                    + " symbols but this model has " + vocabularySize);
        }
        if (weights.lstm().size() != layers()) {
            throw new IllegalArgumentException("the weights have " + weights.lstm().size()
                    + " LSTM layers but this model has " + layers());
        }
        for (int l = 0; l < layers(); l++) {
            if (weights.lstm().get(l).hiddenSize() != hidden[l]) {
                throw new IllegalArgumentException("lstm_" + l + " of the weights has " + weights.lstm().get(l).hiddenSize()
                        + " units but this model has " + hidden[l]);
            }
        }
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public int layers() {
        return hidden.length;
    }

    public int hiddenSize(int layer) {
        return hidden[layer];
    }

    public int inputSize(int layer) {
        return layer == 0 ? vocabularySize : hidden[layer - 1];
    }

    /** Units of the top LSTM layer, the Dense layer's input width. */
    public int topSize() {
        return hidden[hidden.length - 1];
    }

    /** The live tensors in {@link TensorLayout}'s parameter order. */
    public float[][] tensors() {
        return tensors;
    }

    /** The {@link TensorLayout} name of tensor {@code index} in {@link #tensors()}, e.g. {@code lstm_0/recurrent_kernel}. */
    public String tensorName(int index) {
        return TensorLayout.name(layers(), index);
    }

    /** The length of every tensor, in the order of {@link #tensors()}. */
    public int[] tensorLengths() {
        int[] lengths = new int[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            lengths[i] = tensors[i].length;
        }
        return lengths;
    }

    float[] kernel(int layer) {
        return tensors[3 * layer];
    }

    float[] recurrentKernel(int layer) {
        return tensors[3 * layer + 1];
    }

    float[] bias(int layer) {
        return tensors[3 * layer + 2];
    }

    float[] denseKernel() {
        return tensors[3 * layers()];
    }

    float[] denseBias() {
        return tensors[3 * layers() + 1];
    }
}
