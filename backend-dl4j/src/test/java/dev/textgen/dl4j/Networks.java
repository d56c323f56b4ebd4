package dev.textgen.dl4j;

import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The textgen model as a plain DL4J {@link MultiLayerNetwork}, which the benchmarks compare the backend
 * with: {@code LSTM x layers -> RnnOutputLayer(softmax, MCXENT)} in {@link RNNFormat#NWC}. DL4J's LSTM
 * keeps {@code W [nIn, 4H]}, {@code RW [H, 4H]} and {@code b [4H]} with the gate blocks in the order (cell
 * candidate, forget, output, input), measured against {@link ReferenceLstm} in {@code LayoutTest}; the
 * portable order is (input, forget, cell candidate, output).
 */
final class Networks {
    /** For DL4J's gate block k, the portable (Keras) block it holds: c, f, o, i. */
    private static final int[] DL4J_TO_PORTABLE = {2, 1, 3, 0};

    private Networks() {
    }

    /** A network (no dropout) holding {@code weights}. */
    static MultiLayerNetwork build(ModelConfig model, ModelWeights weights) {
        Activation gates = model.hardSigmoid() ? Activation.HARDSIGMOID : Activation.SIGMOID;
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list();
        int in = weights.vocabularySize();
        for (int n = 0; n < model.layers(); n++) {
            list.layer(new LSTM.Builder().nIn(in).nOut(model.hiddenSize()).activation(Activation.TANH)
                    .gateActivationFunction(gates).dataFormat(RNNFormat.NWC).build());
            in = model.hiddenSize();
        }
        MultiLayerConfiguration configuration = list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(in).nOut(weights.vocabularySize()).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NWC).build()).build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        for (int n = 0; n < model.layers(); n++) {
            LstmWeights layer = weights.lstm().get(n);
            int hidden = layer.hiddenSize();
            put(network.getParam(n + "_W"), gatesToDl4j(layer.kernel(), hidden));
            put(network.getParam(n + "_RW"), gatesToDl4j(layer.recurrentKernel(), hidden));
            put(network.getParam(n + "_b"), gatesToDl4j(layer.bias(), hidden));
        }
        put(network.getParam(model.layers() + "_W"), weights.denseKernel());
        put(network.getParam(model.layers() + "_b"), weights.denseBias());
        return network;
    }

    private static void put(INDArray target, float[] rowMajor) {
        target.assign(Nd4j.create(rowMajor, target.shape(), 'c'));
    }

    /** Reorders the gate blocks of every row ({@code 4 * hidden} wide) from DL4J's order to the portable one. */
    static float[] gatesToPortable(float[] dl4j, int hidden) {
        float[] portable = new float[dl4j.length];
        int width = 4 * hidden;
        for (int row = 0; row < dl4j.length; row += width) {
            for (int block = 0; block < 4; block++) {
                System.arraycopy(dl4j, row + block * hidden, portable, row + DL4J_TO_PORTABLE[block] * hidden, hidden);
            }
        }
        return portable;
    }

    /** The inverse of {@link #gatesToPortable}. */
    static float[] gatesToDl4j(float[] portable, int hidden) {
        float[] dl4j = new float[portable.length];
        int width = 4 * hidden;
        for (int row = 0; row < portable.length; row += width) {
            for (int block = 0; block < 4; block++) {
                System.arraycopy(portable, row + DL4J_TO_PORTABLE[block] * hidden, dl4j, row + block * hidden, hidden);
            }
        }
        return dl4j;
    }
}
