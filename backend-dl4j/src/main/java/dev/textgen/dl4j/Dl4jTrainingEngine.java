package dev.textgen.dl4j;

import dev.textgen.api.ConfigException;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.TrainingEngine;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains the model one batch at a time: {@link LstmGradient} computes the loss and the gradient with ND4J
 * ops, then this class clips the whole gradient by its global L2 norm and applies Keras' RMSprop or Adam
 * to the flat parameter vector.
 */
final class Dl4jTrainingEngine implements TrainingEngine {
    private static final String ITERATIONS = "adam/iterations";

    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final LstmGradient network;
    private final int layers;
    private final OptimizerConfig optimizer;
    private final Double clipNorm;
    /** RMSprop's mean square, or Adam's first moment; laid out like the parameters. */
    private final INDArray first;
    /** Adam's second moment; null for RMSprop. */
    private final INDArray second;
    private long iterations;

    Dl4jTrainingEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial) {
        if (config.training().optimizer() instanceof OptimizerConfig.Sgd) {
            throw ConfigException.invalid("training.optimizer.type", "sgd",
                    "rmsprop or adam with model.backend \"dl4j\" (sgd runs on the scratch backend)");
        }
        this.config = config;
        this.vocabulary = vocabulary;
        this.layers = config.model().layers();
        this.network = new LstmGradient(config.model(), vocabulary.size(),
                TrainingConfig.ALL_STEPS.equals(config.training().loss()));
        setWeights(initial != null ? initial : ModelWeights.initialize(vocabulary.size(), config.model().hiddenSize(),
                layers, config.training().seed()));
        this.optimizer = config.training().optimizer();
        this.clipNorm = config.training().clipNorm();
        this.first = network.parameters.ulike().assign(0);
        this.second = optimizer instanceof OptimizerConfig.Adam ? network.parameters.ulike().assign(0) : null;
    }

    @Override
    public double trainBatch(Batch batch, double learningRate) {
        ModelArguments.checkBatch(batch, vocabulary.size());
        Nd4j.getRandom().setSeed(batch.seed()); // dropout masks
        double loss = network.forward(batch, true);
        if (!Double.isFinite(loss)) {
            return Double.NaN;
        }
        network.backward();
        INDArray params = network.parameters;
        INDArray gradient = network.gradient;
        double norm = gradient.norm2Number().doubleValue();
        if (!Double.isFinite(norm)) {
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
        ModelArguments.checkBatch(batch, vocabulary.size());
        return network.forward(batch, false);
    }

    @Override
    public ModelWeights weights() {
        return network.weights();
    }

    @Override
    public void setWeights(ModelWeights weights) {
        network.setWeights(weights);
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

    /** Splits a parameter-layout vector into portable tensors named like the weights, e.g. {@code lstm_0/kernel/rms}. */
    private void named(INDArray flat, String slot, Map<String, float[]> into) {
        INDArray[] tensors = network.tensors(flat);
        String[] names = network.tensorNames();
        for (int k = 0; k < tensors.length; k++) {
            into.put(names[k] + "/" + slot, LstmGradient.values(tensors[k]));
        }
    }

    private void restore(INDArray flat, String slot, Map<String, float[]> from) {
        INDArray[] tensors = network.tensors(flat);
        String[] names = network.tensorNames();
        for (int k = 0; k < tensors.length; k++) {
            String name = names[k] + "/" + slot;
            float[] values = from.remove(name);
            if (values == null) {
                throw new IllegalArgumentException("optimizer state for " + optimizerName() + " lacks tensor " + name);
            }
            LstmGradient.put(tensors[k], values, name);
        }
    }

    @Override
    public LanguageModel snapshot(String seedWindow) {
        return new Dl4jLanguageModel(config, vocabulary, weights(), seedWindow);
    }
}
