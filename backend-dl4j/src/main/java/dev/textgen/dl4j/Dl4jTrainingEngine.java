package dev.textgen.dl4j;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.TrainingEngine;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains the network one batch at a time. DL4J computes the loss and the gradient
 * ({@link MultiLayerNetwork#computeGradientAndScore()}); this class then clips the whole gradient by its
 * global L2 norm and applies Keras' RMSprop or Adam to the flattened parameter vector itself, because
 * DL4J's updaters clip per layer only, put RMSprop's epsilon inside the square root and take their
 * learning rate from a schedule rather than per call.
 */
final class Dl4jTrainingEngine implements TrainingEngine {
    private static final String ITERATIONS = "adam/iterations";

    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final MultiLayerNetwork network;
    private final Networks.Params params;
    private final int layers;
    private final OptimizerConfig optimizer;
    private final Double clipNorm;
    /** RMSprop's mean square, or Adam's first moment; in the flattened parameter layout. */
    private final INDArray first;
    /** Adam's second moment; null for RMSprop. */
    private final INDArray second;
    private long iterations;
    private float[] inputs = new float[0];
    private float[] labels = new float[0];

    Dl4jTrainingEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.layers = config.model().layers();
        this.network = Networks.build(config.model(), vocabulary.size(), config.training().seed());
        this.params = Networks.params(config.model(), network::getParam);
        if (initial != null) {
            Networks.assign(initial, params);
        }
        this.optimizer = config.training().optimizer();
        this.clipNorm = config.training().clipNorm();
        // laid out like the flattened parameter vector
        this.first = network.params().ulike().assign(0);
        this.second = optimizer instanceof OptimizerConfig.Adam ? network.params().ulike().assign(0) : null;
    }

    @Override
    public double trainBatch(Batch batch, double learningRate) {
        load(batch);
        Nd4j.getRandom().setSeed(batch.seed()); // dropout masks
        network.computeGradientAndScore();
        double loss = network.score();
        INDArray params = network.params();
        INDArray gradient = network.getFlattenedGradients().reshape(params.shape()); // [1, n] view as [n]
        // DL4J's backward pass sums over the batch (its updater divides later); the loss is the batch mean
        gradient.divi(batch.size());
        double norm = gradient.norm2Number().doubleValue();
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            return Double.NaN;
        }
        if (clipNorm != null && norm > clipNorm) {
            gradient.muli(clipNorm / norm);
        }
        if (optimizer instanceof OptimizerConfig.RmsProp rms) {
            // Keras: ms = rho ms + (1 - rho) g^2; w -= lr g / (sqrt(ms) + epsilon)
            first.muli(rms.rho()).addi(gradient.mul(gradient).muli(1 - rms.rho()));
            INDArray denominator = Transforms.sqrt(first, true).addi(rms.epsilon());
            params.subi(gradient.div(denominator).muli(learningRate));
        } else if (optimizer instanceof OptimizerConfig.Adam adam) {
            // Keras: m, v with bias correction folded into the step size; epsilon outside the square root
            iterations++;
            first.muli(adam.beta1()).addi(gradient.mul(1 - adam.beta1()));
            second.muli(adam.beta2()).addi(gradient.mul(gradient).muli(1 - adam.beta2()));
            double step = learningRate * Math.sqrt(1 - Math.pow(adam.beta2(), iterations))
                    / (1 - Math.pow(adam.beta1(), iterations));
            INDArray denominator = Transforms.sqrt(second, true).addi(adam.epsilon());
            params.subi(first.div(denominator).muli(step));
        }
        return loss;
    }

    @Override
    public double evaluateBatch(Batch batch) {
        int size = batch.size();
        int steps = batch.maxlen();
        int v = batch.vocabularySize();
        load(batch);
        INDArray output = network.output(Nd4j.create(inputs, new long[]{size, steps, v}, 'c'), false);
        INDArray last = output.get(NDArrayIndex.all(), NDArrayIndex.point(steps - 1), NDArrayIndex.all());
        float[] probabilities = last.dup('c').castTo(DataType.FLOAT).data().asFloat();
        double sum = 0;
        int[] targets = batch.targets();
        for (int b = 0; b < size; b++) {
            sum -= Math.log(Math.max(probabilities[b * v + targets[b]], Float.MIN_NORMAL));
        }
        return sum / size;
    }

    /** Sets the network's input (one-hot, NWC) and its labels (the target at the last step, masked elsewhere). */
    private void load(Batch batch) {
        int size = batch.size();
        int steps = batch.maxlen();
        int v = batch.vocabularySize();
        if (v != vocabulary.size()) {
            throw new IllegalArgumentException("batch vocabularySize " + v + " does not match the model's " + vocabulary.size());
        }
        int length = size * steps * v;
        if (inputs.length != length) {
            inputs = new float[length];
            labels = new float[length];
        } else {
            Arrays.fill(inputs, 0f);
            Arrays.fill(labels, 0f);
        }
        int[] ids = batch.inputs();
        for (int i = 0; i < size * steps; i++) {
            inputs[i * v + ids[i]] = 1f;
        }
        float[] mask = new float[size * steps];
        int[] targets = batch.targets();
        for (int b = 0; b < size; b++) {
            labels[(b * steps + steps - 1) * v + targets[b]] = 1f;
            mask[b * steps + steps - 1] = 1f;
        }
        network.setInput(Nd4j.create(inputs, new long[]{size, steps, v}, 'c'));
        network.setLabels(Nd4j.create(labels, new long[]{size, steps, v}, 'c'));
        network.setLayerMaskArrays(null, Nd4j.create(mask, new long[]{size, steps}, 'c'));
    }

    @Override
    public ModelWeights weights() {
        return Networks.portable(params, layers);
    }

    @Override
    public void setWeights(ModelWeights weights) {
        Networks.assign(weights, params);
    }

    @Override
    public Map<String, float[]> optimizerState() {
        Map<String, float[]> state = new LinkedHashMap<>();
        if (second == null) {
            named(first, "rms", state);
        } else {
            named(first, "m", state);
            named(second, "v", state);
            state.put(ITERATIONS, new float[]{iterations});
        }
        return state;
    }

    @Override
    public void setOptimizerState(Map<String, float[]> state) {
        if (state.isEmpty()) {
            first.assign(0);
            if (second != null) {
                second.assign(0);
            }
            iterations = 0;
            return;
        }
        Map<String, float[]> remaining = new HashMap<>(state);
        if (second == null) {
            restore(first, "rms", remaining);
        } else {
            restore(first, "m", remaining);
            restore(second, "v", remaining);
            float[] count = remaining.remove(ITERATIONS);
            if (count == null || count.length != 1) {
                throw new IllegalArgumentException("optimizer state for adam needs " + ITERATIONS + " [1], got "
                        + (count == null ? "none" : count.length + " values"));
            }
            iterations = (long) count[0];
        }
        if (!remaining.isEmpty()) {
            throw new IllegalArgumentException("optimizer state has tensors " + remaining.keySet() + " that "
                    + optimizerName() + " does not use; expected " + optimizerState().keySet());
        }
    }

    private String optimizerName() {
        return second == null ? "rmsprop" : "adam";
    }

    /** Splits a flattened-layout vector into portable tensors named like the weights, e.g. {@code lstm_0/kernel/rms}. */
    private void named(INDArray flat, String slot, Map<String, float[]> into) {
        ModelWeights split = Networks.portable(Networks.params(config.model(), key -> view(flat, key)), layers);
        for (int n = 0; n < layers; n++) {
            into.put("lstm_" + n + "/kernel/" + slot, split.lstm().get(n).kernel());
            into.put("lstm_" + n + "/recurrent_kernel/" + slot, split.lstm().get(n).recurrentKernel());
            into.put("lstm_" + n + "/bias/" + slot, split.lstm().get(n).bias());
        }
        into.put("dense/kernel/" + slot, split.denseKernel());
        into.put("dense/bias/" + slot, split.denseBias());
    }

    private void restore(INDArray flat, String slot, Map<String, float[]> from) {
        ModelWeights current = Networks.portable(Networks.params(config.model(), key -> view(flat, key)), layers);
        List<LstmWeights> lstm = new ArrayList<>();
        for (int n = 0; n < layers; n++) {
            LstmWeights layer = current.lstm().get(n);
            lstm.add(new LstmWeights(layer.inputSize(), layer.hiddenSize(),
                    take(from, "lstm_" + n + "/kernel/" + slot), take(from, "lstm_" + n + "/recurrent_kernel/" + slot),
                    take(from, "lstm_" + n + "/bias/" + slot)));
        }
        Networks.assign(new ModelWeights(lstm, take(from, "dense/kernel/" + slot), take(from, "dense/bias/" + slot)),
                Networks.params(config.model(), key -> view(flat, key)));
    }

    private float[] take(Map<String, float[]> from, String name) {
        float[] values = from.remove(name);
        if (values == null) {
            throw new IllegalArgumentException("optimizer state for " + optimizerName() + " lacks tensor " + name);
        }
        return values;
    }

    /** The part of a flattened-layout vector that holds parameter {@code key}, shaped and ordered like it. */
    private INDArray view(INDArray flat, String key) {
        INDArray param = network.getParam(key);
        long offset = param.offset() - network.params().offset();
        return flat.get(NDArrayIndex.interval(offset, offset + param.length())).reshape(param.ordering(), param.shape());
    }

    @Override
    public LanguageModel snapshot(String seedWindow) {
        return new Dl4jLanguageModel(config, vocabulary, weights(), seedWindow);
    }
}
