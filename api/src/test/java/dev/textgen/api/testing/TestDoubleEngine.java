package dev.textgen.api.testing;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.DropoutMasks;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.Optimizer;
import dev.textgen.api.spi.TrainingEngine;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a {@link TestDoubleModel} with real gradients: backpropagation through the decayed sum,
 * inverted dropout on {@code tanh(h)} with the shared {@link DropoutMasks} of the batch (the mask of the last
 * step), recurrent dropout on the state each step keeps ({@code h = DECAY (h * m) + E[id]}, one mask {@code m} per
 * window, the shared masks' row of {@link DropoutMasks#RECURRENT_STEP}), clipping by global norm and the shared
 * {@link Optimizer}. The
 * {@link TestDoubleBackend.FaultPlan} injects non-finite losses or weights on chosen calls.
 */
final class TestDoubleEngine implements TrainingEngine {
    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final TestDoubleBackend.FaultPlan faults;
    private final int hidden;
    private final int symbols;
    private final double dropout;
    private final DropoutMasks masks;
    private final boolean recurrentDropout;
    private final DropoutMasks recurrentMasks;
    private final Optimizer optimizer;
    private final Double clipNorm;

    private final float[] kernel;
    private final float[] recurrentKernel;
    private final float[] bias;
    private final float[] denseKernel;
    private final float[] denseBias;
    private long calls;

    TestDoubleEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial, TestDoubleBackend.FaultPlan faults) {
        if (config.model().layers() != 1) {
            throw new IllegalArgumentException("model.layers: the test-double backend trains 1 layer; got "
                    + config.model().layers());
        }
        this.config = config;
        this.vocabulary = vocabulary;
        this.faults = faults;
        this.hidden = initial != null ? initial.lstm().get(0).hiddenSize() : config.model().hiddenSize();
        this.symbols = vocabulary.size();
        this.dropout = config.model().dropout();
        this.masks = new DropoutMasks(dropout);
        this.recurrentDropout = config.model().recurrentDropout() > 0;
        this.recurrentMasks = new DropoutMasks(config.model().recurrentDropout());
        this.clipNorm = config.training().clipNorm();
        this.kernel = new float[symbols * 4 * hidden];
        this.recurrentKernel = new float[hidden * 4 * hidden];
        this.bias = new float[4 * hidden];
        this.denseKernel = new float[hidden * symbols];
        this.denseBias = new float[symbols];
        this.optimizer = Optimizer.of(config.training().optimizer(), new int[] {kernel.length, recurrentKernel.length,
                bias.length, denseKernel.length, denseBias.length});
        if (initial != null) {
            setWeights(initial);
        } else {
            SplittableRandom random = new SplittableRandom(config.training().seed());
            fill(random, kernel, 0.5);
            fill(random, recurrentKernel, 0.1);
            fill(random, denseKernel, 1 / Math.sqrt(hidden));
        }
    }

    private static void fill(SplittableRandom random, float[] values, double scale) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
    }

    @Override
    public double trainBatch(Batch batch, double learningRate) {
        ModelArguments.checkBatch(batch, symbols);
        TestDoubleBackend.Fault fault = faults.at(++calls, learningRate);
        if (fault == TestDoubleBackend.Fault.NAN_LOSS) {
            return Double.NaN;
        }
        int size = batch.size();
        double[] gradKernel = new double[kernel.length];
        double[] gradDense = new double[denseKernel.length];
        double[] gradBias = new double[denseBias.length];
        float[] h = new float[hidden];
        float[] a = new float[hidden];
        float[] mask = dropout > 0 ? new float[hidden] : null;
        float[] recurrentMask = recurrentDropout ? new float[hidden] : null;
        double[] decay = new double[hidden];
        double[] p = new double[symbols];
        double[] dh = new double[hidden];
        double lossSum = 0;
        int maxlen = batch.maxlen();
        int[] inputs = batch.inputs();
        for (int b = 0; b < size; b++) {
            Arrays.fill(h, 0f);
            if (recurrentMask != null) {
                recurrentMasks.fill(batch.seed(), 0, DropoutMasks.RECURRENT_STEP, b, recurrentMask, 0, hidden);
            }
            for (int t = 0; t < maxlen; t++) {
                if (recurrentMask != null) {
                    for (int j = 0; j < hidden; j++) {
                        h[j] *= recurrentMask[j];
                    }
                }
                TestDoubleModel.step(kernel, hidden, symbols, h, inputs[b * maxlen + t]);
            }
            if (mask != null) {
                masks.fill(batch.seed(), 0, maxlen - 1, b, mask, 0, hidden);
            }
            TestDoubleModel.activate(h, mask, a);
            TestDoubleModel.softmax(denseKernel, denseBias, hidden, symbols, a, p);
            int target = batch.targets()[b];
            lossSum -= Math.log(p[target]);
            for (int k = 0; k < symbols; k++) {
                double dz = (p[k] - (k == target ? 1 : 0)) / size;
                gradBias[k] += dz;
                for (int j = 0; j < hidden; j++) {
                    gradDense[j * symbols + k] += a[j] * dz;
                }
            }
            for (int j = 0; j < hidden; j++) {
                double da = 0;
                for (int k = 0; k < symbols; k++) {
                    da += denseKernel[j * symbols + k] * ((p[k] - (k == target ? 1 : 0)) / size);
                }
                double tanh = Math.tanh(h[j]);
                dh[j] = da * (mask == null ? 1 : mask[j]) * (1 - tanh * tanh);
            }
            // d h[last] / d E[id of step t] is the product of what every later step kept: DECAY (times the mask)
            Arrays.fill(decay, 1);
            for (int t = maxlen - 1; t >= 0; t--) {
                int row = inputs[b * maxlen + t] * 4 * hidden;
                for (int j = 0; j < hidden; j++) {
                    gradKernel[row + j] += decay[j] * dh[j];
                    decay[j] *= TestDoubleModel.DECAY * (recurrentMask == null ? 1 : recurrentMask[j]);
                }
            }
        }
        double loss = lossSum / size;
        double norm = Math.sqrt(squares(gradKernel) + squares(gradDense) + squares(gradBias));
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            return Double.NaN;
        }
        float[][] gradients = {floats(gradKernel), new float[recurrentKernel.length], new float[bias.length],
                floats(gradDense), floats(gradBias)};
        optimizer.apply(new float[][] {kernel, recurrentKernel, bias, denseKernel, denseBias}, gradients,
                Optimizer.gradientScale(clipNorm, norm), (float) learningRate);
        if (fault == TestDoubleBackend.Fault.INFINITE_WEIGHT) {
            denseBias[0] = Float.POSITIVE_INFINITY;
        }
        return loss;
    }

    private static double squares(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v * v;
        }
        return sum;
    }

    private static float[] floats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    @Override
    public double evaluateBatch(Batch batch) {
        ModelArguments.checkBatch(batch, symbols);
        float[] h = new float[hidden];
        float[] a = new float[hidden];
        double[] p = new double[symbols];
        double lossSum = 0;
        for (int b = 0; b < batch.size(); b++) {
            Arrays.fill(h, 0f);
            for (int t = 0; t < batch.maxlen(); t++) {
                TestDoubleModel.step(kernel, hidden, symbols, h, batch.inputs()[b * batch.maxlen() + t]);
            }
            TestDoubleModel.activate(h, null, a);
            TestDoubleModel.softmax(denseKernel, denseBias, hidden, symbols, a, p);
            lossSum -= Math.log(p[batch.targets()[b]]);
        }
        return lossSum / batch.size();
    }

    @Override
    public ModelWeights weights() {
        return new ModelWeights(List.of(new LstmWeights(symbols, hidden, kernel, recurrentKernel, bias)), denseKernel,
                denseBias);
    }

    @Override
    public void setWeights(ModelWeights weights) {
        if (weights.lstm().size() != 1 || weights.lstm().get(0).hiddenSize() != hidden
                || weights.vocabularySize() != symbols) {
            throw new IllegalArgumentException("weights do not fit a 1-layer test double of " + hidden + " units over "
                    + symbols + " symbols");
        }
        LstmWeights layer = weights.lstm().get(0);
        System.arraycopy(layer.kernel(), 0, kernel, 0, kernel.length);
        System.arraycopy(layer.recurrentKernel(), 0, recurrentKernel, 0, recurrentKernel.length);
        System.arraycopy(layer.bias(), 0, bias, 0, bias.length);
        System.arraycopy(weights.denseKernel(), 0, denseKernel, 0, denseKernel.length);
        System.arraycopy(weights.denseBias(), 0, denseBias, 0, denseBias.length);
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
        return new TestDoubleModel(config, vocabulary, weights(), defaultPrompt);
    }
}
