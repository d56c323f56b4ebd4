package dev.textgen.dl4j;

import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.TensorLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * The training network's parameters and their gradient, each one flat vector in the api's {@link TensorLayout}
 * (parameter order, row-major, gates input, forget, cell candidate, output) with a view per tensor, so that the
 * optimizer sees one vector and a model file's tensors are copies of ranges.
 */
final class Parameters {
    private final int layers;
    private final int hidden;
    private final int vocabularySize;
    /** All parameters, flat. */
    final INDArray values;
    /** The gradient, laid out like {@link #values}. */
    final INDArray gradient;
    private final INDArray[] weights;
    private final INDArray[] gradients;

    Parameters(int layers, int hidden, int vocabularySize) {
        this.layers = layers;
        this.hidden = hidden;
        this.vocabularySize = vocabularySize;
        long count = Arrays.stream(tensorLengths()).asLongStream().sum();
        this.values = Nd4j.zeros(DataType.FLOAT, count);
        this.gradient = Nd4j.zeros(DataType.FLOAT, count);
        this.weights = tensors(values);
        this.gradients = tensors(gradient);
    }

    /** The length of every tensor in parameter order. */
    int[] tensorLengths() {
        int[] lengths = new int[TensorLayout.tensorCount(layers)];
        for (int k = 0; k < lengths.length; k++) {
            lengths[k] = 1;
            for (int size : TensorLayout.shape(layers, k, hidden, vocabularySize)) {
                lengths[k] *= size;
            }
        }
        return lengths;
    }

    /** Views of a vector laid out like {@link #values}, one per tensor, shaped as {@link TensorLayout} says. */
    INDArray[] tensors(INDArray flat) {
        int[] lengths = tensorLengths();
        INDArray[] views = new INDArray[lengths.length];
        long offset = 0;
        for (int k = 0; k < lengths.length; k++) {
            long[] shape = Arrays.stream(TensorLayout.shape(layers, k, hidden, vocabularySize)).asLongStream().toArray();
            views[k] = flat.get(NDArrayIndex.interval(offset, offset + lengths[k])).reshape('c', shape);
            offset += lengths[k];
        }
        return views;
    }

    /** A copy of the parameters in the portable layout. */
    ModelWeights weights() {
        float[][] arrays = new float[weights.length][];
        for (int k = 0; k < weights.length; k++) {
            arrays[k] = values(weights[k]);
        }
        return TensorLayout.weights(arrays);
    }

    /** Copies {@code weights} (portable layout, this model's shape) into the parameters. */
    void set(ModelWeights weights) {
        float[][] arrays = TensorLayout.arrays(weights);
        if (arrays.length != this.weights.length) {
            throw new IllegalArgumentException("weights hold " + weights.lstm().size() + " LSTM layers but the model has " + layers);
        }
        for (int k = 0; k < arrays.length; k++) {
            put(this.weights[k], arrays[k], TensorLayout.name(layers, k));
        }
    }

    static float[] values(INDArray tensor) {
        return tensor.dup('c').data().asFloat();
    }

    private static void put(INDArray tensor, float[] values, String name) {
        if (tensor.length() != values.length) {
            throw new IllegalArgumentException(name + " of shape " + Arrays.toString(tensor.shape())
                    + " cannot take " + values.length + " values");
        }
        tensor.assign(Nd4j.create(values, tensor.shape(), 'c'));
    }

    INDArray kernel(int layer) {
        return weights[3 * layer];
    }

    INDArray recurrent(int layer) {
        return weights[3 * layer + 1];
    }

    INDArray bias(int layer) {
        return weights[3 * layer + 2];
    }

    INDArray denseKernel() {
        return weights[3 * layers];
    }

    INDArray denseBias() {
        return weights[3 * layers + 1];
    }

    /** The gradient's view of tensor {@code k} (parameter order). */
    INDArray gradient(int k) {
        return gradients[k];
    }
}
