package dev.textgen.dl4j;

import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.TensorLayout;
import dev.textgen.api.spi.DropoutMasks;
import org.nd4j.linalg.api.buffer.DataType;
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
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's loss and gradient for one batch, computed with ND4J ops on arrays allocated once per batch
 * shape: the LSTM forward pass and backpropagation through time written out step by step (about ten
 * native ops per layer and step each way), the Dense layer as matrix products and the softmax
 * cross-entropy in Java on its {@code vocabulary x batch} logits (of the last step, or of every step for
 * the all-steps loss).
 *
 * <p>Everything runs transposed ({@code [features, batch]} per time step), so the four gate blocks of a
 * step are contiguous row ranges and every operand of an op is a dense view. The parameters live in one
 * flat vector in the portable (Keras) layout: per LSTM layer kernel {@code [in, 4H]}, recurrent kernel
 * {@code [H, 4H]}, bias {@code [4H]} with the gates in the order input, forget, cell candidate, output;
 * then the Dense kernel {@code [H, V]} and bias {@code [V]}. The gradient has the same layout. The one-hot
 * input of the first layer is never materialised: its kernel rows are gathered by symbol id forward and
 * its gradient is scattered back by id.
 *
 * <p>Dropout (the probability of dropping) is inverted dropout on the output sequence of every LSTM layer,
 * i.e. between LSTM layers and before the Dense layer, with the shared {@link DropoutMasks} of the batch's seed.
 */
final class LstmGradient {
    private final int layers;
    private final int hidden;
    private final int vocabularySize;
    private final boolean hardSigmoid;
    private final double dropout;
    private final DropoutMasks masks;
    /** Training predicts at every step (the all-steps loss), not only after the last. */
    private final boolean allSteps;
    private final int[] inputSize;
    /** All parameters, flat, portable layout. */
    final INDArray parameters;
    /** The gradient of the last {@link #backward}, laid out like {@link #parameters}. */
    final INDArray gradient;
    private final INDArray[] weights;
    private final INDArray[] gradients;
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
    private float[] probabilities = new float[0];
    private final float[] denseBias;

    LstmGradient(ModelConfig model, int vocabularySize, boolean allSteps) {
        this.layers = model.layers();
        this.hidden = model.hiddenSize();
        this.vocabularySize = vocabularySize;
        this.hardSigmoid = model.hardSigmoid();
        this.dropout = model.dropout();
        this.masks = new DropoutMasks(dropout);
        this.allSteps = allSteps;
        this.inputSize = new int[layers];
        for (int n = 0; n < layers; n++) {
            inputSize[n] = n == 0 ? vocabularySize : hidden;
        }
        this.parameters = Nd4j.zeros(DataType.FLOAT, parameterCount());
        this.gradient = Nd4j.zeros(DataType.FLOAT, parameterCount());
        this.weights = tensors(parameters);
        this.gradients = tensors(gradient);
        this.denseBias = new float[vocabularySize];
    }

    private long parameterCount() {
        long count = 0;
        for (int length : tensorLengths()) {
            count += length;
        }
        return count;
    }

    /** The length of every tensor in {@link TensorLayout}'s parameter order. */
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

    /** Views of a vector laid out like {@link #parameters}, one per tensor, shaped as {@link TensorLayout} says. */
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
        INDArray[] tensors = tensors(parameters);
        float[][] values = new float[tensors.length][];
        for (int k = 0; k < tensors.length; k++) {
            values[k] = values(tensors[k]);
        }
        return TensorLayout.weights(values);
    }

    /** Copies {@code weights} (portable layout, this model's shape) into the parameters. */
    void setWeights(ModelWeights weights) {
        float[][] values = TensorLayout.arrays(weights);
        INDArray[] tensors = tensors(parameters);
        if (values.length != tensors.length) {
            throw new IllegalArgumentException("weights hold " + weights.lstm().size() + " LSTM layers but the model has " + layers);
        }
        for (int k = 0; k < tensors.length; k++) {
            put(tensors[k], values[k], TensorLayout.name(layers, k));
        }
    }

    static float[] values(INDArray tensor) {
        return tensor.dup('c').data().asFloat();
    }

    static void put(INDArray tensor, float[] values, String name) {
        if (tensor.length() != values.length) {
            throw new IllegalArgumentException(name + " of shape " + Arrays.toString(tensor.shape())
                    + " cannot take " + values.length + " values");
        }
        tensor.assign(Nd4j.create(values, tensor.shape(), 'c'));
    }

    private INDArray kernel(int layer) {
        return weights[3 * layer];
    }

    private INDArray recurrent(int layer) {
        return weights[3 * layer + 1];
    }

    private INDArray bias(int layer) {
        return weights[3 * layer + 2];
    }

    /**
     * Runs the forward pass and returns the batch's mean next-symbol cross-entropy; with {@code training},
     * dropout is applied (masks from the batch's seed), the loss is the
     * all-steps one when configured (step t predicts input t + 1, the last step the window's target; the mean
     * over all steps and windows) and the activations are kept for {@link #backward}. Without it, the loss
     * is always the last step's.
     */
    double forward(Batch batch, boolean training) {
        int size = batch.size();
        int steps = batch.maxlen();
        Buffers s = buffersByShape.computeIfAbsent(((long) size << 32) | steps, key -> new Buffers(size, steps));
        current = s;
        int[] ids = batch.inputs();
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < size; b++) {
                s.ids[t * size + b] = ids[b * steps + t];
            }
        }
        projectInput(s);
        boolean drop = training && dropout > 0;
        for (int n = 0; n < layers; n++) {
            Layer layer = s.layers[n];
            INDArray biasColumn = bias(n).reshape(4L * hidden, 1);
            for (int t = 0; t < steps; t++) {
                Step step = layer.steps[t];
                if (n > 0) {
                    Nd4j.gemm(kernel(n), s.layers[n - 1].output(t, drop), step.z, true, false, 1, 0);
                    step.z.addiColumnVector(biasColumn);
                }
                Nd4j.gemm(recurrent(n), layer.h[t], step.z, true, false, 1, 1);
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
                fillMask(s, n, n == layers - 1 && !allSteps ? steps - 1 : 0, batch.seed());
                mul(layer.outputs, layer.mask, layer.dropped);
            }
        }
        Layer top = s.layers[layers - 1];
        s.predictions = training && allSteps ? steps : 1;
        for (int p = 0; p < s.predictions; p++) {
            int t = s.predictions == 1 ? steps - 1 : p;
            Nd4j.gemm(weights[3 * layers], top.output(t, drop), s.logits.slice(p), true, false, 1, 0); // [V, B]
            s.inputsOfPrediction[p] = top.output(t, drop);
        }
        return softmaxCrossEntropy(s, batch);
    }

    /** Fills layer {@code n}'s mask from step {@code from} on with the shared masks of the batch. */
    private void fillMask(Buffers s, int n, int from, long seed) {
        int size = s.size;
        float[] mask = s.maskStaging;
        for (int t = from; t < s.steps; t++) {
            for (int b = 0; b < size; b++) {
                masks.fillStrided(seed, n, t, b, mask, (t * hidden) * size + b, hidden, size);
            }
        }
        s.layers[n].mask.data().asNioFloat().put(from * hidden * size, mask, from * hidden * size, (s.steps - from) * hidden * size);
    }

    /**
     * The first layer's input term for all steps, {@code z[t] = kernel[id]^T + bias}: the one-hot input
     * selects kernel rows, so this is a gather, done in Java (measured faster than a gather op per step).
     */
    private void projectInput(Buffers s) {
        int width = 4 * hidden;
        int v = vocabularySize;
        float[] kernel = kernel(0).data().asFloat(); // [V, 4H] row-major; the first tensor, at offset 0
        float[] bias = bias(0).dup().data().asFloat();
        float[] transposed = s.kernelByGate;
        for (int symbol = 0; symbol < v; symbol++) {
            for (int g = 0; g < width; g++) {
                transposed[g * v + symbol] = kernel[symbol * width + g] + bias[g];
            }
        }
        float[] z = s.staging;
        int size = s.size;
        for (int t = 0; t < s.steps; t++) {
            for (int g = 0; g < width; g++) {
                int row = (t * width + g) * size;
                int column = g * v;
                for (int b = 0; b < size; b++) {
                    z[row + b] = transposed[column + s.ids[t * size + b]];
                }
            }
        }
        s.layers[0].z.data().asNioFloat().put(0, z);
    }

    /** The first layer's kernel gradient: every step's and window's column of dz added to the row of its symbol. */
    private void inputKernelGradient(Buffers s) {
        int width = 4 * hidden;
        int v = vocabularySize;
        float[] dz = s.staging;
        s.layers[0].dz.data().asNioFloat().get(0, dz);
        float[] sums = s.kernelByGate;
        Arrays.fill(sums, 0f);
        int size = s.size;
        for (int t = 0; t < s.steps; t++) {
            for (int g = 0; g < width; g++) {
                int row = (t * width + g) * size;
                int column = g * v;
                for (int b = 0; b < size; b++) {
                    sums[column + s.ids[t * size + b]] += dz[row + b];
                }
            }
        }
        float[] kernel = new float[v * width];
        for (int symbol = 0; symbol < v; symbol++) {
            for (int g = 0; g < width; g++) {
                kernel[symbol * width + g] = sums[g * v + symbol];
            }
        }
        gradients[0].assign(Nd4j.create(kernel, gradients[0].shape(), 'c'));
    }

    /**
     * Softmax over each column of the logits ({@code [predictions, V, B]}) plus the Dense bias, and the mean
     * cross-entropy; keeps the probabilities and targets for the backward pass.
     */
    private double softmaxCrossEntropy(Buffers s, Batch batch) {
        int size = s.size;
        int v = vocabularySize;
        int block = v * size;
        weights[3 * layers + 1].data().asNioFloat().get((int) weights[3 * layers + 1].offset(), denseBias);
        if (probabilities.length != s.predictions * block) {
            probabilities = new float[s.predictions * block];
        }
        s.logits.data().asNioFloat().get(0, probabilities);
        double loss = 0;
        for (int p = 0; p < s.predictions; p++) {
            for (int b = 0; b < size; b++) {
                int first = p * block + b;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    float logit = probabilities[first + j * size] + denseBias[j];
                    probabilities[first + j * size] = logit;
                    max = Math.max(max, logit);
                }
                int target = p < s.predictions - 1 ? batch.inputs()[b * s.steps + p + 1] : batch.targets()[b];
                s.targets[p * size + b] = target;
                double targetLogit = probabilities[first + target * size];
                double sum = 0;
                for (int j = 0; j < v; j++) {
                    float e = (float) Math.exp(probabilities[first + j * size] - max);
                    probabilities[first + j * size] = e;
                    sum += e;
                }
                loss += Math.log(sum) + max - targetLogit;
                for (int j = 0; j < v; j++) {
                    probabilities[first + j * size] = (float) (probabilities[first + j * size] / sum);
                }
            }
        }
        return loss / (s.predictions * size);
    }

    /** Backpropagation through time of the last {@link #forward} (with training) into {@link #gradient}. */
    void backward() {
        Buffers s = current;
        int size = s.size;
        int steps = s.steps;
        int predictions = s.predictions;
        gradient.assign(0);
        // d loss / d logits = (p - onehot(target)) / (predictions B)
        float scale = 1f / (predictions * size);
        FloatBuffer dLogits = s.dLogits.data().asNioFloat();
        for (int i = 0; i < probabilities.length; i++) {
            dLogits.put(i, probabilities[i] * scale);
        }
        for (int p = 0; p < predictions; p++) {
            for (int b = 0; b < size; b++) {
                int index = (p * vocabularySize + s.targets[p * size + b]) * size + b;
                dLogits.put(index, dLogits.get(index) - scale);
            }
        }
        Layer top = s.layers[layers - 1];
        boolean drop = dropout > 0;
        for (int p = 0; p < predictions; p++) {
            INDArray dLogitsOfPrediction = s.dLogits.slice(p);
            Nd4j.gemm(s.inputsOfPrediction[p], dLogitsOfPrediction, gradients[3 * layers], false, true, 1, 1);
            // the gradient by the top layer's output: at the last step only, or at every step (all-steps)
            Nd4j.gemm(weights[3 * layers], dLogitsOfPrediction, predictions == 1 ? s.dTop : top.dOutputs.slice(p),
                    false, false, 1, 0);
        }
        s.dLogits.sum(gradients[3 * layers + 1], 0, 2);
        if (drop) {
            if (predictions == 1) {
                mul(s.dTop, top.mask.slice(steps - 1), s.dTop);
            } else {
                mul(top.dOutputs, top.mask, top.dOutputs);
            }
        }
        for (int n = layers - 1; n >= 0; n--) {
            Layer layer = s.layers[n];
            INDArray dKernel = gradients[3 * n];
            INDArray dRecurrent = gradients[3 * n + 1];
            INDArray biasGradient = gradients[3 * n + 2].reshape(4L * hidden, 1);
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
                    INDArray input = s.layers[n - 1].output(t, drop);
                    Nd4j.gemm(input, step.dz, dKernel, false, true, 1, 1);
                    Nd4j.gemm(kernel(n), step.dz, s.layers[n - 1].dOutputs.slice(t), false, false, 1, 0);
                }
                Nd4j.gemm(recurrent(n), step.dz, layer.dh, false, false, 1, 0);
                Nd4j.gemm(layer.h[t], step.dz, dRecurrent, false, true, 1, 1);
            }
            if (n > 0 && drop) {
                Layer below = s.layers[n - 1];
                mul(below.dOutputs, below.mask, below.dOutputs);
            }
            if (n == 0) {
                inputKernelGradient(s);
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

    /** The arrays for batches of one shape: activations kept for the backward pass, and its scratch space. */
    private final class Buffers {
        final int size;
        final int steps;
        /** Input ids, time-major {@code [T][B]}. */
        final int[] ids;
        /** One {@code [T, 4H, B]} array in Java, for the first layer's input term and kernel gradient. */
        final float[] staging;
        /** The first layer's kernel (plus bias) or its gradient, transposed to {@code [4H][V]}. */
        final float[] kernelByGate = new float[4 * hidden * vocabularySize];
        final INDArray ones;
        final Layer[] layers = new Layer[LstmGradient.this.layers];
        /** Logits and their gradient, {@code [predictions, V, B]}: one prediction, or one per step (all-steps). */
        final INDArray logits;
        final INDArray dLogits;
        final INDArray[] inputsOfPrediction;
        /** The target of each prediction and window, {@code [predictions][B]}. */
        final int[] targets;
        final INDArray dTop;
        /** A layer's dropout mask in Java, {@code [T, H, B]}; null without dropout. */
        final float[] maskStaging;
        int predictions;
        private final List<INDArray> owned = new ArrayList<>();

        Buffers(int size, int steps) {
            this.size = size;
            this.steps = steps;
            this.ids = new int[steps * size];
            this.staging = new float[steps * 4 * hidden * size];
            this.ones = zeros(size, 1).assign(1);
            for (int n = 0; n < layers.length; n++) {
                layers[n] = new Layer(this, size, steps);
            }
            int most = allSteps ? steps : 1;
            this.logits = zeros(most, vocabularySize, size);
            this.dLogits = zeros(most, vocabularySize, size);
            this.inputsOfPrediction = new INDArray[most];
            this.targets = new int[most * size];
            this.dTop = zeros(hidden, size);
            this.maskStaging = dropout > 0 ? new float[steps * hidden * size] : null;
        }

        INDArray zeros(long... shape) {
            INDArray array = Nd4j.zeros(DataType.FLOAT, shape);
            owned.add(array);
            return array;
        }

        void close() {
            owned.forEach(INDArray::close);
        }
    }

    /** One LSTM layer's arrays for one batch shape, all {@code [time, features, batch]}. */
    private final class Layer {
        final INDArray z;
        final INDArray a;
        final INDArray dz;
        final INDArray da;
        /** A step's activation derivatives, {@code [4H, B]}, and its candidate block. */
        final INDArray derivative;
        final INDArray derivativeCandidate;
        /** c[t + 1] and h[t + 1] are the state after step t; c[0] and h[0] stay zero. */
        final INDArray[] c;
        final INDArray[] h;
        final INDArray[] tanhC;
        final INDArray outputs;
        final INDArray mask;
        final INDArray dropped;
        /** The gradient of the loss by this layer's (dropped) output sequence, from the layer above. */
        final INDArray dOutputs;
        final INDArray scratch;
        final INDArray scratch2;
        final INDArray dh;
        final INDArray[] dc;
        final Step[] steps;

        Layer(Buffers owner, int size, int steps) {
            this.z = owner.zeros(steps, 4L * hidden, size);
            this.a = owner.zeros(steps, 4L * hidden, size);
            this.dz = owner.zeros(steps, 4L * hidden, size);
            this.da = owner.zeros(4L * hidden, size);
            this.derivative = owner.zeros(4L * hidden, size);
            this.derivativeCandidate = derivative.get(NDArrayIndex.interval(2L * hidden, 3L * hidden), NDArrayIndex.all());
            INDArray cells = owner.zeros(steps + 1, hidden, size);
            INDArray states = owner.zeros(steps + 1, hidden, size);
            INDArray tanhCells = owner.zeros(steps, hidden, size);
            this.c = new INDArray[steps + 1];
            this.h = new INDArray[steps + 1];
            this.tanhC = new INDArray[steps];
            for (int t = 0; t <= steps; t++) {
                c[t] = cells.slice(t);
                h[t] = states.slice(t);
            }
            for (int t = 0; t < steps; t++) {
                tanhC[t] = tanhCells.slice(t);
            }
            this.outputs = states.get(NDArrayIndex.interval(1, steps + 1), NDArrayIndex.all(), NDArrayIndex.all());
            boolean drop = dropout > 0;
            this.mask = drop ? owner.zeros(steps, hidden, size) : null;
            this.dropped = drop ? owner.zeros(steps, hidden, size) : null;
            this.dOutputs = owner.zeros(steps, hidden, size);
            this.scratch = owner.zeros(hidden, size);
            this.scratch2 = owner.zeros(hidden, size);
            this.dh = owner.zeros(hidden, size);
            this.dc = new INDArray[]{owner.zeros(hidden, size), owner.zeros(hidden, size)};
            this.steps = new Step[steps];
            for (int t = 0; t < steps; t++) {
                this.steps[t] = new Step(z.slice(t), a.slice(t), dz.slice(t), da);
            }
        }

        /** The output at step t as the next layer or the Dense layer sees it. */
        INDArray output(int t, boolean drop) {
            return drop ? dropped.slice(t) : h[t + 1];
        }
    }

    /** Views of one step's gate blocks (rows of a {@code [4H, B]} matrix: input, forget, candidate, output). */
    private final class Step {
        final INDArray z;
        final INDArray a;
        final INDArray dz;
        final INDArray zInputForget;
        final INDArray zCandidate;
        final INDArray zOutput;
        final INDArray aInputForget;
        final INDArray aInput;
        final INDArray aForget;
        final INDArray aCandidate;
        final INDArray aOutput;
        final INDArray daInputForget;
        final INDArray daInput;
        final INDArray daForget;
        final INDArray daCandidate;
        final INDArray daOutput;
        final INDArray dzInputForget;
        final INDArray dzCandidate;
        final INDArray dzOutput;

        Step(INDArray z, INDArray a, INDArray dz, INDArray da) {
            this.z = z;
            this.a = a;
            this.dz = dz;
            zInputForget = rows(z, 0, 2);
            zCandidate = rows(z, 2, 3);
            zOutput = rows(z, 3, 4);
            aInputForget = rows(a, 0, 2);
            aInput = rows(a, 0, 1);
            aForget = rows(a, 1, 2);
            aCandidate = rows(a, 2, 3);
            aOutput = rows(a, 3, 4);
            daInputForget = rows(da, 0, 2);
            daInput = rows(da, 0, 1);
            daForget = rows(da, 1, 2);
            daCandidate = rows(da, 2, 3);
            daOutput = rows(da, 3, 4);
            dzInputForget = rows(dz, 0, 2);
            dzCandidate = rows(dz, 2, 3);
            dzOutput = rows(dz, 3, 4);
        }

        private INDArray rows(INDArray gates, int fromBlock, int toBlock) {
            return gates.get(NDArrayIndex.interval((long) fromBlock * hidden, (long) toBlock * hidden), NDArrayIndex.all());
        }
    }
}
