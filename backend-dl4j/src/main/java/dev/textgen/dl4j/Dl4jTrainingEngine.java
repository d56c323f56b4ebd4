package dev.textgen.dl4j;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.Optimizer;
import dev.textgen.api.spi.TrainingEngine;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Trains the model one batch at a time: {@link LstmGradient} computes the loss and the gradient with ND4J
 * ops, then the shared {@link Optimizer} clips the whole gradient by its global L2 norm and applies RMSprop or
 * Adam to the flat parameter vector, copied to Java and back (a few hundred KiB, small beside a batch's ops).
 */
final class Dl4jTrainingEngine implements TrainingEngine {
    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final LstmGradient network;
    private final Optimizer optimizer;
    private final Double clipNorm;
    /** The parameters and the gradient in Java, for the optimizer. */
    private final float[] parameters;
    private final float[] gradient;

    Dl4jTrainingEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.network = new LstmGradient(config.model(), vocabulary.size(),
                config.training().loss() == TrainingConfig.Loss.ALL_STEPS);
        setWeights(initial != null ? initial : ModelWeights.initialize(vocabulary.size(), config.model().hiddenSize(),
                config.model().layers(), config.training().seed()));
        this.optimizer = Optimizer.of(config.training().optimizer(), network.tensorLengths());
        this.clipNorm = config.training().clipNorm();
        this.parameters = new float[(int) network.flatParameters.length()];
        this.gradient = new float[parameters.length];
    }

    @Override
    public double trainBatch(Batch batch, double learningRate) {
        ModelArguments.checkBatch(batch, vocabulary.size());
        double loss = network.forward(batch, true);
        if (!Double.isFinite(loss)) {
            return Double.NaN;
        }
        network.backward();
        double norm = network.gradient.norm2Number().doubleValue();
        if (!Double.isFinite(norm)) {
            return Double.NaN;
        }
        FloatBuffer params = network.flatParameters.data().asNioFloat();
        params.get(0, parameters);
        network.gradient.data().asNioFloat().get(0, gradient);
        optimizer.applyFlat(parameters, gradient, Optimizer.gradientScale(clipNorm, norm), (float) learningRate);
        params.put(0, parameters);
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
        return optimizer.state();
    }

    @Override
    public void setOptimizerState(Map<String, float[]> state) {
        optimizer.setState(state);
    }

    @Override
    public LanguageModel snapshot(String defaultPrompt) {
        return new Dl4jLanguageModel(config, vocabulary, weights(), defaultPrompt);
    }
}
