package dev.textgen.scratch;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.Optimizer;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.scratch.nn.Network;
import dev.textgen.scratch.nn.TrainingPass;
import dev.textgen.scratch.nn.Workers;
import dev.textgen.scratch.simd.Kernels;

import java.util.Map;

/** Training math for one run: forward, BPTT, global-norm clipping and the optimizer step, on float32. */
final class ScratchTrainingEngine implements TrainingEngine {
    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final Network network;
    private final Kernels kernels;
    private final Workers workers;
    private final TrainingPass pass;
    private final Optimizer optimizer;
    private final Double clipNorm;

    ScratchTrainingEngine(TextgenConfig config, Vocabulary vocabulary, Network network, Kernels kernels) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.network = network;
        this.kernels = kernels;
        // no more threads than the batch has slices: the others would only wait (and spin) at every hand-off
        this.workers = new Workers(Math.min(config.training().effectiveThreads(),
                TrainingPass.usefulWorkers(config.training().batchSize())));
        this.pass = new TrainingPass(network, kernels, workers, config.model().hardSigmoid(), config.model().dropout(),
                config.model().recurrentDropout(),
                config.training().loss() == TrainingConfig.Loss.ALL_STEPS);
        this.optimizer = Optimizer.of(config.training().optimizer(), network.tensorLengths());
        this.clipNorm = config.training().clipNorm();
        HugePages.adviseOnce();
    }

    @Override
    public double trainBatch(Batch batch, double learningRate) {
        ModelArguments.checkBatch(batch, vocabulary.size());
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
        }
        double loss = pass.forward(batch, true);
        if (!Double.isFinite(loss)) {
            return loss;
        }
        pass.backward();
        double norm = pass.gradientNorm();
        if (!Double.isFinite(norm)) {
            return norm;
        }
        optimizer.apply(network.tensors(), pass.gradients(), Optimizer.gradientScale(clipNorm, norm), (float) learningRate);
        return loss;
    }

    @Override
    public double evaluateBatch(Batch batch) {
        ModelArguments.checkBatch(batch, vocabulary.size());
        return pass.forward(batch, false);
    }

    @Override
    public ModelWeights weights() {
        return network.toWeights();
    }

    @Override
    public void setWeights(ModelWeights weights) {
        network.set(weights);
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
        return new ScratchModel(config, vocabulary, network.copy(), defaultPrompt, kernels);
    }

    @Override
    public void close() {
        workers.close();
    }
}
