package dev.textgen.dl4j;

import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Builds the textgen model as a DL4J {@link MultiLayerNetwork} and converts its parameters to and from the
 * portable layout.
 *
 * <p>The network is {@code LSTM x layers -> RnnOutputLayer(softmax, MCXENT)} in {@link RNNFormat#NWC}
 * ({@code [batch, time, vocabulary]}, the layout of a one-hot window), so a window needs no transpose.
 * Training masks every time step but the last, which makes the loss the mean cross-entropy of the
 * next symbol after each window, as in the seed. DL4J's LSTM keeps {@code W [nIn, 4H]}, {@code RW [H, 4H]}
 * and {@code b [4H]} with the gate blocks in the order (cell candidate, forget, output, input), measured
 * against a hand-written LSTM in {@code LayoutTest}; the portable order is (input, forget, cell
 * candidate, output).
 */
final class Networks {
    /** For DL4J's gate block k, the portable (Keras) block it holds: c, f, o, i. */
    private static final int[] DL4J_TO_PORTABLE = {2, 1, 3, 0};

    private Networks() {
    }

    /**
     * A network for {@code vocabularySize} symbols; its parameters are seeded with {@code seed}.
     * Dropout (the probability of dropping, as in the config) is a {@link DropoutLayer} after every LSTM
     * layer, i.e. between LSTM layers and before the Dense layer, active during training only. (A layer's own
     * {@code dropOut} is not applied to an output layer's input by {@code computeGradientAndScore}.)
     */
    static MultiLayerNetwork build(ModelConfig model, int vocabularySize, long seed) {
        Activation gates = model.hardSigmoid() ? Activation.HARDSIGMOID : Activation.SIGMOID;
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER_UNIFORM)
                // the engine applies the optimizer itself, with Keras' formulas and global-norm clipping
                .updater(new NoOp())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        int in = vocabularySize;
        for (int n = 0; n < model.layers(); n++) {
            LSTM.Builder lstm = new LSTM.Builder()
                    .nIn(in).nOut(model.hiddenSize())
                    .activation(Activation.TANH)
                    .gateActivationFunction(gates)
                    .forgetGateBiasInit(1.0)
                    .dataFormat(RNNFormat.NWC);
            list.layer(lstm.build());
            if (model.dropout() > 0) {
                list.layer(new DropoutLayer.Builder(1.0 - model.dropout()).build()); // DL4J takes the retain probability
            }
            in = model.hiddenSize();
        }
        RnnOutputLayer.Builder dense = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(in).nOut(vocabularySize)
                .activation(Activation.SOFTMAX)
                .dataFormat(RNNFormat.NWC);
        MultiLayerConfiguration configuration = list.layer(dense.build()).build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        return network;
    }

    /** A network holding {@code weights}. */
    static MultiLayerNetwork build(ModelConfig model, ModelWeights weights) {
        MultiLayerNetwork network = build(model, weights.vocabularySize(), 0L);
        assign(weights, params(model, network::getParam));
        return network;
    }

    /** A network's parameters by logical layer: LSTM layers 0..n-1, then the Dense layer n. */
    interface Params {
        INDArray get(int layer, String key);
    }

    /** The parameters of {@code network} built from {@code model}, found by DL4J key in {@code lookup}. */
    static Params params(ModelConfig model, Function<String, INDArray> lookup) {
        int stride = model.dropout() > 0 ? 2 : 1; // a DropoutLayer follows every LSTM layer
        return (layer, key) -> lookup.apply(layer * stride + "_" + key);
    }

    /** Reads the portable weights out of parameter arrays in DL4J's layout, found by parameter key. */
    static ModelWeights portable(Params params, int layers) {
        List<LstmWeights> lstm = new ArrayList<>(layers);
        for (int n = 0; n < layers; n++) {
            INDArray w = params.get(n, "W");
            int inputSize = (int) w.size(0);
            int hidden = (int) w.size(1) / 4;
            lstm.add(new LstmWeights(inputSize, hidden,
                    gatesToPortable(rowMajor(w), hidden),
                    gatesToPortable(rowMajor(params.get(n, "RW")), hidden),
                    gatesToPortable(rowMajor(params.get(n, "b")), hidden)));
        }
        return new ModelWeights(lstm, rowMajor(params.get(layers, "W")), rowMajor(params.get(layers, "b")));
    }

    /** Writes {@code weights} into parameter arrays in DL4J's layout, found by parameter key. */
    static void assign(ModelWeights weights, Params params) {
        int layers = weights.lstm().size();
        for (int n = 0; n < layers; n++) {
            LstmWeights layer = weights.lstm().get(n);
            int hidden = layer.hiddenSize();
            put(params.get(n, "W"), gatesToDl4j(layer.kernel(), hidden));
            put(params.get(n, "RW"), gatesToDl4j(layer.recurrentKernel(), hidden));
            put(params.get(n, "b"), gatesToDl4j(layer.bias(), hidden));
        }
        put(params.get(layers, "W"), weights.denseKernel());
        put(params.get(layers, "b"), weights.denseBias());
    }

    private static float[] rowMajor(INDArray array) {
        return array.dup('c').data().asFloat();
    }

    private static void put(INDArray target, float[] rowMajor) {
        if (target.length() != rowMajor.length) {
            throw new IllegalArgumentException("parameter of shape " + Arrays.toString(target.shape())
                    + " cannot take " + rowMajor.length + " values");
        }
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
