package dev.textgen.dl4j;

import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.TensorLayout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.OneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.same.Square;
import org.nd4j.linalg.api.ops.impl.transforms.same.TimesOneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.strict.HardSigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model's loss and gradient for one batch, computed with ND4J ops on arrays allocated once per batch
 * shape: the LSTM forward pass and backpropagation through time written out step by step here (about ten
 * native ops per layer and step each way), with the parts around them in their own classes: the parameters
 * ({@link Parameters}, one flat vector in the api's {@link TensorLayout}), the arrays of a batch shape
 * ({@link Buffers}, {@link Layer}, {@link Step}), the first layer's one-hot input ({@link OneHotInput}), the Dense
 * layer and softmax cross-entropy ({@link DenseSoftmax}) and the dropout masks ({@link Dropout}).
 *
 * <p>Everything runs transposed ({@code [features, batch]} per time step), so the four gate blocks of a
 * step are contiguous row ranges and every operand of an op is a dense view. Dropout (the probability of
 * dropping) is inverted dropout on the output sequence of every LSTM layer, i.e. between LSTM layers and before
 * the Dense layer. Recurrent dropout is inverted dropout on the state each layer feeds back: with one mask
 * {@code m} per layer and window for all its steps, step t's gates are {@code x[t] W + (h[t-1] * m) U + b}, while
 * the output {@code h[t]} itself goes on unmasked (Keras' {@code recurrent_dropout}). Both draw the api's shared
 * masks of the batch's seed, and both apply in training only.
 */
final class LstmGradient {
    private final int layers;
    private final int hidden;
    private final int vocabularySize;
    private final boolean hardSigmoid;
    private final double dropout;
    private final double recurrentDropout;
    /** Training predicts at every step (the all-steps loss), not only after the last. */
    private final boolean allSteps;
    private final Parameters parameters;
    private final OneHotInput oneHot;
    private final DenseSoftmax dense;
    private final Dropout dropoutMasks;
    /** All parameters, flat, portable layout. */
    final INDArray flatParameters;
    /** The gradient of the last {@link #backward}, laid out like {@link #flatParameters}. */
    final INDArray gradient;
    /**
     * The arrays of the two batch shapes used last (a run has at most three: the batch size, the remainder of
     * an epoch and of the held-out set); older ones are freed at once rather than left to the garbage collector.
     */
    private final Map<Long, Buffers> buffersByShape = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Buffers> eldest) {
            if (size() > 2) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };
    private Buffers current;

    LstmGradient(ModelConfig model, int vocabularySize, boolean allSteps) {
        this.layers = model.layers();
        this.hidden = model.hiddenSize();
        this.vocabularySize = vocabularySize;
        this.hardSigmoid = model.hardSigmoid();
        this.dropout = model.dropout();
        this.recurrentDropout = model.recurrentDropout();
        this.allSteps = allSteps;
        this.parameters = new Parameters(layers, hidden, vocabularySize);
        this.oneHot = new OneHotInput(hidden, vocabularySize);
        this.dense = new DenseSoftmax(layers, vocabularySize);
        this.dropoutMasks = new Dropout(dropout, recurrentDropout, hidden);
        this.flatParameters = parameters.values;
        this.gradient = parameters.gradient;
    }

    /** The length of every tensor in {@link TensorLayout}'s parameter order. */
    int[] tensorLengths() {
        return parameters.tensorLengths();
    }

    /** Views of a vector laid out like {@link #flatParameters}, one per tensor, shaped as {@link TensorLayout} says. */
    INDArray[] tensors(INDArray flat) {
        return parameters.tensors(flat);
    }

    /** A copy of the parameters in the portable layout. */
    ModelWeights weights() {
        return parameters.weights();
    }

    /** Copies {@code weights} (portable layout, this model's shape) into the parameters. */
    void setWeights(ModelWeights weights) {
        parameters.set(weights);
    }

    /**
     * Runs the forward pass and returns the batch's mean next-symbol cross-entropy; with {@code training},
     * dropout and recurrent dropout are applied (masks from the batch's seed), the loss is the all-steps one when
     * configured (step t predicts input t + 1, the last step the window's target; the mean over all steps and
     * windows) and the activations are kept for {@link #backward}. Without it, the loss is always the last step's.
     */
    double forward(Batch batch, boolean training) {
        int size = batch.size();
        int steps = batch.maxlen();
        Buffers s = buffersByShape.computeIfAbsent(((long) size << 32) | steps,
                key -> new Buffers(size, steps, layers, hidden, vocabularySize, allSteps, dropout > 0,
                        recurrentDropout > 0));
        current = s;
        int[] ids = batch.inputs();
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < size; b++) {
                s.ids[t * size + b] = ids[b * steps + t];
            }
        }
        oneHot.project(s, parameters);
        boolean drop = training && dropout > 0;
        boolean recurrentDrop = training && recurrentDropout > 0;
        for (int n = 0; n < layers; n++) {
            Layer layer = s.layers[n];
            if (recurrentDrop) {
                dropoutMasks.fillRecurrent(s, n, batch.seed());
            }
            INDArray biasColumn = parameters.bias(n).reshape(4L * hidden, 1);
            for (int t = 0; t < steps; t++) {
                Step step = layer.steps[t];
                if (n > 0) {
                    Nd4j.gemm(parameters.kernel(n), s.layers[n - 1].output(t, drop), step.z, true, false, 1, 0);
                    step.z.addiColumnVector(biasColumn);
                }
                if (recurrentDrop) {
                    mul(layer.h[t], layer.recurrentMask, layer.maskedStates[t]);
                }
                Nd4j.gemm(parameters.recurrent(n), layer.fedBack(t, recurrentDrop), step.z, true, false, 1, 1);
                Nd4j.exec(gate(step.zInputForget, step.aInputForget));
                Nd4j.exec(new Tanh(step.zCandidate, step.aCandidate));
                Nd4j.exec(gate(step.zOutput, step.aOutput));
                mul(step.aForget, layer.c[t], layer.c[t + 1]);
                mul(step.aInput, step.aCandidate, layer.scratch);
                add(layer.c[t + 1], layer.scratch, layer.c[t + 1]);
                Nd4j.exec(new Tanh(layer.c[t + 1], layer.tanhC[t]));
                mul(step.aOutput, layer.tanhC[t], layer.h[t + 1]);
            }
            if (drop) {
                // the top layer's output is read only at the last step unless every step predicts
                dropoutMasks.fill(s, n, n == layers - 1 && !allSteps ? steps - 1 : 0, batch.seed());
                mul(layer.outputs, layer.mask, layer.dropped);
            }
        }
        s.predictions = training && allSteps ? steps : 1;
        return dense.forward(s, batch, parameters, drop);
    }

    /** Backpropagation through time of the last {@link #forward} (with training) into {@link #gradient}. */
    void backward() {
        Buffers s = current;
        int steps = s.steps;
        int predictions = s.predictions;
        boolean drop = dropout > 0;
        boolean recurrentDrop = recurrentDropout > 0;
        gradient.assign(0);
        dense.backward(s, parameters, drop);
        for (int n = layers - 1; n >= 0; n--) {
            Layer layer = s.layers[n];
            INDArray dKernel = parameters.gradient(3 * n);
            INDArray dRecurrent = parameters.gradient(3 * n + 1);
            INDArray biasGradient = parameters.gradient(3 * n + 2).reshape(4L * hidden, 1);
            layer.dh.assign(0);
            layer.dc[0].assign(0);
            int parity = 0;
            for (int t = steps - 1; t >= 0; t--) {
                Step step = layer.steps[t];
                if (n < layers - 1 || predictions > 1) {
                    add(layer.dh, layer.dOutputs.slice(t), layer.dh);
                } else if (t == steps - 1) {
                    add(layer.dh, s.dTop, layer.dh);
                }
                INDArray dc = layer.dc[parity];
                mul(layer.dh, layer.tanhC[t], step.daOutput);
                // dc += dh * o * (1 - tanh(c)^2)
                mul(layer.dh, step.aOutput, layer.scratch);
                Nd4j.exec(new Square(layer.tanhC[t], layer.scratch2));
                Nd4j.exec(new OneMinus(layer.scratch2, layer.scratch2));
                mul(layer.scratch, layer.scratch2, layer.scratch);
                add(dc, layer.scratch, dc);
                mul(dc, step.aCandidate, step.daInput);
                mul(dc, step.aInput, step.daCandidate);
                mul(dc, layer.c[t], step.daForget);
                mul(dc, step.aForget, layer.dc[1 - parity]);
                parity = 1 - parity;
                // the activations' derivatives from their outputs: a (1 - a) for sigmoid, 1 - a^2 for tanh
                if (hardSigmoid) {
                    Nd4j.exec(hardSigmoidBackward(step.zInputForget, step.daInputForget, step.dzInputForget));
                    Nd4j.exec(hardSigmoidBackward(step.zOutput, step.daOutput, step.dzOutput));
                } else {
                    Nd4j.exec(new TimesOneMinus(step.a, layer.derivative));
                }
                Nd4j.exec(new Square(step.aCandidate, layer.derivativeCandidate));
                Nd4j.exec(new OneMinus(layer.derivativeCandidate, layer.derivativeCandidate));
                if (hardSigmoid) {
                    mul(step.daCandidate, layer.derivativeCandidate, step.dzCandidate);
                } else {
                    mul(layer.da, layer.derivative, step.dz);
                }
                Nd4j.gemm(step.dz, s.ones, biasGradient, false, false, 1, 1);
                if (n > 0) {
                    Nd4j.gemm(s.layers[n - 1].output(t, drop), step.dz, dKernel, false, true, 1, 1);
                    Nd4j.gemm(parameters.kernel(n), step.dz, s.layers[n - 1].dOutputs.slice(t), false, false, 1, 0);
                }
                // the gradient by h[t] through the recurrence, and by the mask that scaled it on the way in
                Nd4j.gemm(parameters.recurrent(n), step.dz, layer.dh, false, false, 1, 0);
                if (recurrentDrop) {
                    mul(layer.dh, layer.recurrentMask, layer.dh);
                }
                Nd4j.gemm(layer.fedBack(t, recurrentDrop), step.dz, dRecurrent, false, true, 1, 1);
            }
            if (n > 0 && drop) {
                Layer below = s.layers[n - 1];
                mul(below.dOutputs, below.mask, below.dOutputs);
            }
            if (n == 0) {
                oneHot.kernelGradient(s, parameters);
            }
        }
    }

    private org.nd4j.linalg.api.ops.Op gate(INDArray x, INDArray z) {
        return hardSigmoid ? new HardSigmoid(x, z) : new Sigmoid(x, z);
    }

    private static CustomOp hardSigmoidBackward(INDArray preActivation, INDArray gradientOut, INDArray gradientIn) {
        return DynamicCustomOp.builder("hardsigmoid_bp")
                .addInputs(preActivation, gradientOut).addOutputs(gradientIn).build();
    }

    private static void mul(INDArray x, INDArray y, INDArray z) {
        Nd4j.exec(new MulOp(x, y, z));
    }

    private static void add(INDArray x, INDArray y, INDArray z) {
        Nd4j.exec(new AddOp(x, y, z));
    }
}
