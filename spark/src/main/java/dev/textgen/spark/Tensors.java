package dev.textgen.spark;

import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights and optimizer state as plain float arrays, the form they travel in between the driver and
 * the workers. The weights are in {@link ModelWeights}' order: per LSTM layer kernel, recurrent kernel,
 * bias, then the Dense kernel and bias. Arrays are handed over, not copied: an instance is built from
 * fresh copies and never changed after it is shared.
 */
final class Tensors implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[][] layerShapes;
    private final float[][] weights;
    private final String[] stateNames;
    private final float[][] state;

    private Tensors(int[][] layerShapes, float[][] weights, String[] stateNames, float[][] state) {
        this.layerShapes = layerShapes;
        this.weights = weights;
        this.stateNames = stateNames;
        this.state = state;
    }

    /** {@code weights} and {@code optimizerState}, which must be copies the caller no longer uses. */
    static Tensors of(ModelWeights weights, Map<String, float[]> optimizerState) {
        List<LstmWeights> layers = weights.lstm();
        int[][] shapes = new int[layers.size()][];
        float[][] values = new float[3 * layers.size() + 2][];
        for (int n = 0; n < layers.size(); n++) {
            LstmWeights layer = layers.get(n);
            shapes[n] = new int[]{layer.inputSize(), layer.hiddenSize()};
            values[3 * n] = layer.kernel();
            values[3 * n + 1] = layer.recurrentKernel();
            values[3 * n + 2] = layer.bias();
        }
        values[values.length - 2] = weights.denseKernel();
        values[values.length - 1] = weights.denseBias();
        String[] names = optimizerState.keySet().toArray(String[]::new);
        float[][] state = new float[names.length][];
        for (int i = 0; i < names.length; i++) {
            state[i] = optimizerState.get(names[i]);
        }
        return new Tensors(shapes, values, names, state);
    }

    ModelWeights weights() {
        List<LstmWeights> layers = new ArrayList<>(layerShapes.length);
        for (int n = 0; n < layerShapes.length; n++) {
            layers.add(new LstmWeights(layerShapes[n][0], layerShapes[n][1], weights[3 * n], weights[3 * n + 1],
                    weights[3 * n + 2]));
        }
        return new ModelWeights(layers, weights[weights.length - 2], weights[weights.length - 1]);
    }

    /** The optimizer state by name, in the order the engine gave it; the arrays are copies. */
    Map<String, float[]> optimizerState() {
        Map<String, float[]> named = new LinkedHashMap<>();
        for (int i = 0; i < stateNames.length; i++) {
            named.put(stateNames[i], state[i].clone());
        }
        return named;
    }

    /**
     * The element-wise mean of {@code parts}: summed in float in list order (partition order), starting
     * from the first part itself, then divided by their count, so that one part averages to itself bit
     * for bit and the same parts in the same order always give the same bits.
     */
    static Tensors average(List<Tensors> parts) {
        Tensors first = parts.get(0);
        float[][] weights = sum(parts, first.weights, p -> p.weights);
        float[][] state = sum(parts, first.state, p -> p.state);
        for (Tensors part : parts) {
            if (!java.util.Arrays.equals(part.stateNames, first.stateNames)) {
                throw new IllegalStateException("workers returned different optimizer states: "
                        + List.of(first.stateNames) + " and " + List.of(part.stateNames));
            }
        }
        return new Tensors(first.layerShapes, weights, first.stateNames, state);
    }

    private static float[][] sum(List<Tensors> parts, float[][] first, java.util.function.Function<Tensors, float[][]> of) {
        float n = parts.size();
        float[][] sum = new float[first.length][];
        for (int t = 0; t < first.length; t++) {
            float[] total = first[t].clone();
            for (int p = 1; p < parts.size(); p++) {
                float[] values = of.apply(parts.get(p))[t];
                for (int i = 0; i < total.length; i++) {
                    total[i] += values[i];
                }
            }
            for (int i = 0; i < total.length; i++) {
                total[i] /= n;
            }
            sum[t] = total;
        }
        return sum;
    }
}
