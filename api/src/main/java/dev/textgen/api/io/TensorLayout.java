package dev.textgen.api.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tensor names and shapes of the model file, and the conversion between {@link ModelWeights} and tensors. */
final class TensorLayout {
    static final String BEST_PREFIX = "best/";
    static final String OPTIMIZER_PREFIX = "optimizer/";

    private TensorLayout() {
    }

    /** A named float32 tensor, row-major. */
    record Tensor(String name, int[] shape, float[] values) {
    }

    /** The weights as tensors named {@code prefix + "lstm_{n}/kernel"} etc., in file order. */
    static List<Tensor> tensors(String prefix, ModelWeights weights) {
        List<Tensor> tensors = new ArrayList<>();
        for (int n = 0; n < weights.lstm().size(); n++) {
            LstmWeights layer = weights.lstm().get(n);
            int gates = 4 * layer.hiddenSize();
            tensors.add(new Tensor(prefix + kernel(n), new int[] {layer.inputSize(), gates}, layer.kernel()));
            tensors.add(new Tensor(prefix + recurrentKernel(n), new int[] {layer.hiddenSize(), gates}, layer.recurrentKernel()));
            tensors.add(new Tensor(prefix + bias(n), new int[] {gates}, layer.bias()));
        }
        int hidden = weights.lstm().get(weights.lstm().size() - 1).hiddenSize();
        tensors.add(new Tensor(prefix + "dense/kernel", new int[] {hidden, weights.vocabularySize()}, weights.denseKernel()));
        tensors.add(new Tensor(prefix + "dense/bias", new int[] {weights.vocabularySize()}, weights.denseBias()));
        return tensors;
    }

    /** The shape of every weight tensor a model of this size has, by name, in file order. */
    static Map<String, int[]> shapes(String prefix, int layers, int hidden, int vocabulary) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (int n = 0; n < layers; n++) {
            int input = n == 0 ? vocabulary : hidden;
            shapes.put(prefix + kernel(n), new int[] {input, 4 * hidden});
            shapes.put(prefix + recurrentKernel(n), new int[] {hidden, 4 * hidden});
            shapes.put(prefix + bias(n), new int[] {4 * hidden});
        }
        shapes.put(prefix + "dense/kernel", new int[] {hidden, vocabulary});
        shapes.put(prefix + "dense/bias", new int[] {vocabulary});
        return shapes;
    }

    /** The weights from tensors read under {@link #shapes}' names; every one must be present. */
    static ModelWeights weights(String prefix, Map<String, float[]> values, int layers, int hidden, int vocabulary) {
        List<LstmWeights> lstm = new ArrayList<>();
        for (int n = 0; n < layers; n++) {
            lstm.add(new LstmWeights(n == 0 ? vocabulary : hidden, hidden, values.get(prefix + kernel(n)),
                    values.get(prefix + recurrentKernel(n)), values.get(prefix + bias(n))));
        }
        return new ModelWeights(lstm, values.get(prefix + "dense/kernel"), values.get(prefix + "dense/bias"));
    }

    private static String kernel(int n) {
        return "lstm_" + n + "/kernel";
    }

    private static String recurrentKernel(int n) {
        return "lstm_" + n + "/recurrent_kernel";
    }

    private static String bias(int n) {
        return "lstm_" + n + "/bias";
    }
}
