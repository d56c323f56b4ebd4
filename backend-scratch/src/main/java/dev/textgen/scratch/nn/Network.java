package dev.textgen.scratch.nn;

import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;

import java.util.ArrayList;
import java.util.List;

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
        List<LstmWeights> lstm = weights.lstm();
        int[] hidden = new int[lstm.size()];
        float[][] tensors = new float[3 * lstm.size() + 2][];
        for (int l = 0; l < lstm.size(); l++) {
            LstmWeights layer = lstm.get(l);
            hidden[l] = layer.hiddenSize();
            tensors[3 * l] = layer.kernel().clone();
            tensors[3 * l + 1] = layer.recurrentKernel().clone();
            tensors[3 * l + 2] = layer.bias().clone();
        }
        tensors[3 * lstm.size()] = weights.denseKernel().clone();
        tensors[3 * lstm.size() + 1] = weights.denseBias().clone();
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
        List<LstmWeights> lstm = new ArrayList<>();
        for (int l = 0; l < layers(); l++) {
            lstm.add(new LstmWeights(inputSize(l), hidden[l], kernel(l), recurrentKernel(l), bias(l)));
        }
        return new ModelWeights(lstm, denseKernel(), denseBias());
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

    /** The live tensors in a fixed order: per layer kernel, recurrent kernel, bias; then dense kernel and bias. */
    public float[][] tensors() {
        return tensors;
    }

    /** The Keras-style name of tensor {@code index} in {@link #tensors()}, e.g. {@code lstm_0/recurrent_kernel}. */
    public String tensorName(int index) {
        int layers = layers();
        if (index >= 3 * layers) {
            return index == 3 * layers ? "dense/kernel" : "dense/bias";
        }
        String[] kinds = {"kernel", "recurrent_kernel", "bias"};
        return "lstm_" + (index / 3) + "/" + kinds[index % 3];
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
