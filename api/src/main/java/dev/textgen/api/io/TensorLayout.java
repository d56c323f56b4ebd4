package dev.textgen.api.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensor names, order and shapes every backend and the model file share. A model of {@code L} LSTM layers
 * has {@code 3L + 2} tensors, in this "parameter order": per layer {@code n} (bottom-up)
 * {@code lstm_n/kernel [in, 4H]}, {@code lstm_n/recurrent_kernel [H, 4H]} and {@code lstm_n/bias [4H]}, then
 * {@code dense/kernel [H, V]} and {@code dense/bias [V]}; every tensor row-major, the four gate blocks of a row
 * in the order input, forget, cell candidate, output, and {@code in} the vocabulary size for the first layer
 * and the layer below's units above it. Optimizer state tensors are named after the weight they belong to
 * (see {@link dev.textgen.api.spi.Optimizer}).
 */
public final class TensorLayout {
    static final String BEST_PREFIX = "best/";
    static final String OPTIMIZER_PREFIX = "optimizer/";
    private static final String[] LSTM_TENSORS = {"kernel", "recurrent_kernel", "bias"};

    private TensorLayout() {
    }

    /** A named float32 tensor, row-major. */
    record Tensor(String name, int[] shape, float[] values) {
    }

    /**
     * The number of tensors of a model with {@code layers} LSTM layers.
     *
     * @param layers the number of LSTM layers, at least 1
     * @return {@code 3 * layers + 2}
     */
    public static int tensorCount(int layers) {
        return 3 * layers + 2;
    }

    /**
     * The name of tensor {@code index} in parameter order, e.g. {@code lstm_0/recurrent_kernel}.
     *
     * @param layers the number of LSTM layers, at least 1
     * @param index the tensor's position, in [0, tensorCount(layers))
     * @return the tensor's name
     */
    public static String name(int layers, int index) {
        if (index < 0 || index >= tensorCount(layers)) {
            throw new IllegalArgumentException("tensor index " + index + " is outside [0, " + tensorCount(layers)
                    + ") for " + layers + " LSTM layers");
        }
        if (index >= 3 * layers) {
            return index == 3 * layers ? "dense/kernel" : "dense/bias";
        }
        return "lstm_" + index / 3 + "/" + LSTM_TENSORS[index % 3];
    }

    /**
     * Every tensor name in parameter order.
     *
     * @param layers the number of LSTM layers, at least 1
     * @return {@link #tensorCount} names
     */
    public static List<String> names(int layers) {
        List<String> names = new ArrayList<>(tensorCount(layers));
        for (int k = 0; k < tensorCount(layers); k++) {
            names.add(name(layers, k));
        }
        return names;
    }

    /**
     * The shape of tensor {@code index} in parameter order for {@code layers} layers of {@code hidden} units.
     *
     * @param layers the number of LSTM layers, at least 1
     * @param index the tensor's position, in [0, tensorCount(layers))
     * @param hidden H, units per LSTM layer
     * @param vocabulary V, the vocabulary size
     * @return the tensor's dimensions, e.g. {@code [H, 4H]} for a recurrent kernel
     */
    public static int[] shape(int layers, int index, int hidden, int vocabulary) {
        name(layers, index); // checks the index
        if (index == 3 * layers) {
            return new int[] {hidden, vocabulary};
        }
        if (index == 3 * layers + 1) {
            return new int[] {vocabulary};
        }
        int in = index / 3 == 0 ? vocabulary : hidden;
        return switch (index % 3) {
            case 0 -> new int[] {in, 4 * hidden};
            case 1 -> new int[] {hidden, 4 * hidden};
            default -> new int[] {4 * hidden};
        };
    }

    /**
     * The arrays of {@code weights} in parameter order, as the record holds them (not copied: read them, do
     * not write them).
     *
     * @param weights the weights to read
     * @return {@link #tensorCount} arrays in parameter order
     */
    public static float[][] arrays(ModelWeights weights) {
        int layers = weights.lstm().size();
        float[][] arrays = new float[tensorCount(layers)][];
        for (int n = 0; n < layers; n++) {
            LstmWeights layer = weights.lstm().get(n);
            arrays[3 * n] = layer.kernel();
            arrays[3 * n + 1] = layer.recurrentKernel();
            arrays[3 * n + 2] = layer.bias();
        }
        arrays[3 * layers] = weights.denseKernel();
        arrays[3 * layers + 1] = weights.denseBias();
        return arrays;
    }

    /**
     * Weights (copied) from arrays in parameter order; each layer's size is read from its bias ({@code 4H}
     * values), the vocabulary's from the Dense bias.
     *
     * @param arrays {@link #tensorCount} arrays in parameter order
     * @return the weights
     * @throws IllegalArgumentException when the count or a length does not fit the layout
     */
    public static ModelWeights weights(float[][] arrays) {
        if (arrays.length < 5 || (arrays.length - 2) % 3 != 0) {
            throw new IllegalArgumentException(arrays.length + " tensors are not 3 per LSTM layer plus 2 Dense ones");
        }
        int layers = (arrays.length - 2) / 3;
        int vocabulary = arrays[3 * layers + 1].length;
        List<LstmWeights> lstm = new ArrayList<>(layers);
        int in = vocabulary;
        for (int n = 0; n < layers; n++) {
            int hidden = arrays[3 * n + 2].length / 4;
            lstm.add(new LstmWeights(in, hidden, arrays[3 * n], arrays[3 * n + 1], arrays[3 * n + 2]));
            in = hidden;
        }
        return new ModelWeights(lstm, arrays[3 * layers], arrays[3 * layers + 1]);
    }

    /** The weights as tensors named {@code prefix + "lstm_{n}/kernel"} etc., in file order. */
    static List<Tensor> tensors(String prefix, ModelWeights weights) {
        int layers = weights.lstm().size();
        float[][] arrays = arrays(weights);
        List<Tensor> tensors = new ArrayList<>(arrays.length);
        for (int k = 0; k < arrays.length; k++) {
            tensors.add(new Tensor(prefix + name(layers, k), shape(weights, k), arrays[k]));
        }
        return tensors;
    }

    /** The shape of tensor {@code index} of {@code weights}, whose layers may differ in size. */
    private static int[] shape(ModelWeights weights, int index) {
        int layers = weights.lstm().size();
        int vocabulary = weights.vocabularySize();
        if (index >= 3 * layers) {
            int top = weights.lstm().get(layers - 1).hiddenSize();
            return index == 3 * layers ? new int[] {top, vocabulary} : new int[] {vocabulary};
        }
        LstmWeights layer = weights.lstm().get(index / 3);
        int gates = 4 * layer.hiddenSize();
        return switch (index % 3) {
            case 0 -> new int[] {layer.inputSize(), gates};
            case 1 -> new int[] {layer.hiddenSize(), gates};
            default -> new int[] {gates};
        };
    }

    /** The shape of every weight tensor a model of this size has, by name, in file order. */
    static Map<String, int[]> shapes(String prefix, int layers, int hidden, int vocabulary) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (int k = 0; k < tensorCount(layers); k++) {
            shapes.put(prefix + name(layers, k), shape(layers, k, hidden, vocabulary));
        }
        return shapes;
    }

    /** The weights from tensors read under {@link #shapes}' names; every one must be present. */
    static ModelWeights weights(String prefix, Map<String, float[]> values, int layers, int hidden, int vocabulary) {
        List<LstmWeights> lstm = new ArrayList<>();
        for (int n = 0; n < layers; n++) {
            lstm.add(new LstmWeights(n == 0 ? vocabulary : hidden, hidden, values.get(prefix + name(layers, 3 * n)),
                    values.get(prefix + name(layers, 3 * n + 1)), values.get(prefix + name(layers, 3 * n + 2))));
        }
        return new ModelWeights(lstm, values.get(prefix + name(layers, 3 * layers)),
                values.get(prefix + name(layers, 3 * layers + 1)));
    }
}
