package dev.textgen.scratch.nn;

import dev.textgen.api.data.Batch;
import dev.textgen.api.data.SplitMix;
import dev.textgen.scratch.simd.Kernels;

import java.util.Arrays;

/**
 * The forward pass, the loss and backpropagation through time for a batch of windows, with every buffer
 * allocated once per batch shape.
 *
 * <p>Layout: activations are time-major, row {@code t * B + b} for step {@code t} and window {@code b},
 * so that at each step the batch's rows are one contiguous matrix and the gates of the whole batch come
 * from one matrix product {@code [B, H] x [H, 4H]}. The one-hot input of the first layer is a row gather
 * of its kernel. Windows are independent through the recurrence, so each worker runs the whole time loop
 * (forward and backward) on its own slice of windows with no synchronisation per step; the weight
 * gradients are then reduced over all steps and windows at once as large products
 * ({@code [H, T*B] x [T*B, 4H]}), each worker owning a fixed part of the output. Each output element is
 * computed by the same operations whatever the split, so results do not depend on timing.
 *
 * <p>The training loss is either the cross-entropy of each window's target at the last step, or (all steps)
 * the mean over every step's prediction of the next character, the window's target at the last step. The
 * Dense layer's rows then follow the activations' layout, {@code t * B + b}; in the last-step case there is
 * one row per window. Evaluation ({@code train == false}) is always the last-step loss.
 */
public final class TrainingPass {
    /**
     * Steps of the backward pass between two meetings of the workers: their gate gradients (4 x 256 KiB for the
     * seed's batch) still fit in L2, and fewer meetings mean less waiting for a worker that lost its core.
     */
    private static final int STEPS_PER_MEETING = 4;
    private final Network net;
    private final Kernels kernels;
    private final Workers workers;
    private final boolean hardSigmoid;
    private final float dropout;
    private final boolean allSteps;
    private final int layers;
    private final int vocabulary;
    private final float[][] gradients;

    private int capacity = -1;
    private int steps = -1;
    private int windows;
    private int[] ids;
    private int[] targets;
    private long seed;
    private boolean training;
    /** Whether the current forward pass predicts at every step: the all-steps loss, in training. */
    private boolean everyStep;
    /** Rows of the Dense layer in the current forward pass: windows, or steps x windows with {@link #everyStep}. */
    private int outputs;

    private float[][] gates;
    private float[][] cells;
    private float[][] cellTanh;
    private float[][] hidden;
    /** Input of layer l > 0 after dropout (the hidden output of layer l - 1 itself when there is none). */
    private float[][] inputs;
    private float[][] inputScale;
    /** Gradient arriving at the hidden output of layer l < top from layer l + 1. */
    private float[][] hiddenGrad;
    private float[] denseIn;
    private float[] denseScale;
    private float[] denseGrad;
    private float[] logits;
    private double[] rowLoss;
    private float[] recurrentGrad;
    private float[] cellGrad;
    private final float[][] recurrentT;
    private final float[][] kernelT;
    private final float[] denseKernelT;

    public TrainingPass(Network net, Kernels kernels, Workers workers, boolean hardSigmoid, double dropout,
                        boolean allSteps) {
        this.net = net;
        this.allSteps = allSteps;
        this.kernels = kernels;
        this.workers = workers;
        this.hardSigmoid = hardSigmoid;
        this.dropout = (float) dropout;
        this.layers = net.layers();
        this.vocabulary = net.vocabularySize();
        float[][] tensors = net.tensors();
        gradients = new float[tensors.length][];
        for (int i = 0; i < tensors.length; i++) {
            gradients[i] = new float[tensors[i].length];
        }
        recurrentT = new float[layers][];
        kernelT = new float[layers][];
        for (int l = 0; l < layers; l++) {
            recurrentT[l] = new float[net.recurrentKernel(l).length];
            kernelT[l] = l == 0 ? null : new float[net.kernel(l).length];
        }
        denseKernelT = new float[net.denseKernel().length];
    }

    /** The gradients of the last {@link #backward()}, in the order of {@link Network#tensors()}. */
    public float[][] gradients() {
        return gradients;
    }

    /**
     * Runs the forward pass on {@code batch} and returns its mean cross-entropy: over every step with the
     * all-steps loss and {@code train}, otherwise over the last step. With {@code train}, dropout is applied
     * with masks drawn from {@code batch.seed()} and the activations are kept for {@link #backward()}.
     */
    public double forward(Batch batch, boolean train) {
        shape(batch.capacity(), batch.maxlen());
        windows = batch.size();
        ids = batch.inputs();
        targets = batch.targets();
        seed = batch.seed();
        training = train && dropout > 0f;
        everyStep = train && allSteps;
        outputs = everyStep ? steps * windows : windows;
        workers.run(this::forwardPart);
        double sum = 0;
        for (int r = 0; r < outputs; r++) {
            sum += rowLoss[r];
        }
        return sum / outputs;
    }

    /** Backpropagates the last {@link #forward} and fills {@link #gradients()}. */
    public void backward() {
        for (int l = 0; l < layers; l++) {
            transpose(net.recurrentKernel(l), net.hiddenSize(l), 4 * net.hiddenSize(l), recurrentT[l]);
            if (l > 0) {
                transpose(net.kernel(l), net.inputSize(l), 4 * net.hiddenSize(l), kernelT[l]);
            }
        }
        transpose(net.denseKernel(), net.topSize(), vocabulary, denseKernelT);
        workers.run(this::backwardPart);
        workers.run(this::gradientPart);
    }

    /** The global L2 norm of {@link #gradients()}, summed in a fixed order. */
    public double gradientNorm() {
        double sum = 0;
        for (float[] g : gradients) {
            for (float v : g) {
                sum += (double) v * v;
            }
        }
        return Math.sqrt(sum);
    }

    private void shape(int newCapacity, int newSteps) {
        if (newCapacity == capacity && newSteps == steps) {
            return;
        }
        capacity = newCapacity;
        steps = newSteps;
        long rows = (long) capacity * steps;
        gates = new float[layers][];
        cells = new float[layers][];
        cellTanh = new float[layers][];
        hidden = new float[layers][];
        inputs = new float[layers][];
        inputScale = new float[layers][];
        hiddenGrad = new float[layers][];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            int h = net.hiddenSize(l);
            widest = Math.max(widest, h);
            gates[l] = new float[size(rows * 4 * h)];
            cells[l] = new float[size(rows * h)];
            cellTanh[l] = new float[size(rows * h)];
            hidden[l] = new float[size(rows * h)];
            if (l > 0) {
                inputs[l] = dropout > 0f ? new float[size(rows * net.inputSize(l))] : hidden[l - 1];
                inputScale[l] = dropout > 0f ? new float[size(rows * net.inputSize(l))] : null;
            }
            hiddenGrad[l] = l < layers - 1 ? new float[size(rows * h)] : null;
        }
        int top = net.topSize();
        int denseRows = allSteps ? size(rows) : capacity;
        denseIn = new float[size((long) denseRows * top)];
        denseScale = dropout > 0f ? new float[denseIn.length] : null;
        denseGrad = new float[denseIn.length];
        logits = new float[size((long) denseRows * vocabulary)];
        rowLoss = new double[denseRows];
        recurrentGrad = new float[capacity * widest];
        cellGrad = new float[capacity * widest];
    }

    /** The dropout scale of layer {@code layer}'s input (row {@code t * B + b}) from the last training forward pass. */
    float[] inputMask(int layer) {
        return inputScale[layer];
    }

    /**
     * The dropout scale of the Dense layer's input from the last training forward pass: row {@code b}, or
     * {@code t * B + b} with the all-steps loss.
     */
    float[] denseMask() {
        return denseScale;
    }

    private static int size(long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a training buffer of " + n + " floats does not fit in an array;"
                    + " lower training.batchSize, corpus.maxlen or model.hiddenSize");
        }
        return (int) n;
    }

    private void forwardPart(int part) {
        int b0 = workers.start(part, windows);
        int b1 = workers.start(part + 1, windows);
        if (b0 == b1) {
            return;
        }
        int nb = b1 - b0;
        int batch = windows;
        for (int l = 0; l < layers; l++) {
            int h = net.hiddenSize(l);
            int g4 = 4 * h;
            int in = net.inputSize(l);
            float[] z = gates[l];
            float[] bias = net.bias(l);
            float[] kernel = net.kernel(l);
            float[] x = training ? inputs[l] : l > 0 ? hidden[l - 1] : null;
            float[] c = cells[l];
            float[] hs = hidden[l];
            float[] recurrent = net.recurrentKernel(l);
            // Everything for step t is done while its rows are in cache: bias, input, recurrent product, cell.
            for (int t = 0; t < steps; t++) {
                int first = t * batch + b0;
                for (int b = b0; b < b1; b++) {
                    System.arraycopy(bias, 0, z, (t * batch + b) * g4, g4);
                }
                if (l == 0) {
                    for (int b = b0; b < b1; b++) {
                        kernels.add(kernel, ids[b * steps + t] * g4, z, (t * batch + b) * g4, g4);
                    }
                } else {
                    if (training) {
                        dropRows(l, t, hidden[l - 1], inputs[l], inputScale[l], in, b0, b1);
                    }
                    kernels.gemm(nb, g4, in, x, first * in, in, kernel, 0, g4, z, first * g4, g4);
                }
                if (t > 0) {
                    kernels.gemm(nb, g4, h, hs, (first - batch) * h, h, recurrent, 0, g4, z, first * g4, g4);
                }
                for (int b = b0; b < b1; b++) {
                    int row = t * batch + b;
                    kernels.lstmForward(z, row * g4, t > 0 ? c : null, (row - batch) * h, c, row * h,
                            cellTanh[l], row * h, hs, row * h, h, hardSigmoid);
                }
            }
        }
        int top = net.topSize();
        float[] last = hidden[layers - 1];
        float[] denseBias = net.denseBias();
        // One segment of nb Dense rows per predicting step: the last step only, or every step.
        for (int s = 0; s < segments(); s++) {
            int first = s * batch + b0;
            int source = everyStep ? first : (steps - 1) * batch + b0;
            System.arraycopy(last, source * top, denseIn, first * top, nb * top);
            if (training) {
                fillMask(layers, s, first, first + nb, top, denseScale);
                kernels.multiply(denseScale, first * top, denseIn, first * top, nb * top);
            }
            for (int r = first; r < first + nb; r++) {
                System.arraycopy(denseBias, 0, logits, r * vocabulary, vocabulary);
            }
            kernels.gemm(nb, vocabulary, top, denseIn, first * top, top, net.denseKernel(), 0, vocabulary,
                    logits, first * vocabulary, vocabulary);
            for (int r = first; r < first + nb; r++) {
                float targetLogit = logits[r * vocabulary + target(r)];
                double lse = Softmax.inPlace(logits, r * vocabulary, vocabulary);
                rowLoss[r] = lse - targetLogit;
            }
        }
    }

    private int segments() {
        return everyStep ? steps : 1;
    }

    /** The id Dense row {@code r} predicts: the next input, or the window's target at the last step. */
    private int target(int r) {
        if (!everyStep) {
            return targets[r];
        }
        int t = r / windows;
        int b = r % windows;
        return t < steps - 1 ? ids[b * steps + t + 1] : targets[b];
    }

    /** Applies dropout to rows [b0, b1) of step {@code t}: {@code out = in * scale} with a fresh mask in {@code scale}. */
    private void dropRows(int boundary, int t, float[] in, float[] out, float[] scale, int width, int b0, int b1) {
        int row = t * windows;
        fillMask(boundary, t, row + b0, row + b1, width, scale);
        System.arraycopy(in, (row + b0) * width, out, (row + b0) * width, (b1 - b0) * width);
        kernels.multiply(scale, (row + b0) * width, out, (row + b0) * width, (b1 - b0) * width);
    }

    /**
     * Fills rows [r0, r1) of {@code scale} with an inverted-dropout mask (0 or 1 / (1 - rate)). Each row's
     * values depend only on the batch seed, the boundary, the step and the window, never on the split.
     */
    private void fillMask(int boundary, int step, int r0, int r1, int width, float[] scale) {
        float keep = 1f / (1f - dropout);
        long threshold = (long) (dropout * (double) (1L << 24));
        for (int r = r0; r < r1; r++) {
            int window = r - step * windows;
            long state = SplitMix.mix(seed, ((long) boundary * steps + step) * capacity + window);
            int off = r * width;
            for (int j = 0; j < width; j++) {
                state += SplitMix.GAMMA;
                long draw = SplitMix.finish(state) >>> 40;
                scale[off + j] = draw < threshold ? 0f : keep;
            }
        }
    }

    /**
     * Backpropagates part {@code part}'s windows through time. Every {@link #STEPS_PER_MEETING} steps the
     * workers meet, and each adds those steps of every window to its own block of gate columns of the recurrent
     * kernel's, the bias' and (first layer) the input kernel's gradients while their rows are still in cache. The
     * blocks of steps and the order (blocks descending, rows ascending within a block) do not depend on the
     * number of workers.
     */
    private void backwardPart(int part) {
        int b0 = workers.start(part, windows);
        int b1 = workers.start(part + 1, windows);
        int nb = b1 - b0;
        int batch = windows;
        float inv = 1f / outputs;
        int top = net.topSize();
        for (int s = 0; s < segments() && nb > 0; s++) {
            int first = s * batch + b0;
            for (int r = first; r < first + nb; r++) {
                int off = r * vocabulary;
                logits[off + target(r)] -= 1f;
                for (int j = 0; j < vocabulary; j++) {
                    logits[off + j] *= inv;
                }
            }
            Arrays.fill(denseGrad, first * top, (first + nb) * top, 0f);
            kernels.gemm(nb, top, vocabulary, logits, first * vocabulary, vocabulary, denseKernelT, 0, top,
                    denseGrad, first * top, top);
            if (training) {
                kernels.multiply(denseScale, first * top, denseGrad, first * top, nb * top);
            }
        }
        for (int l = layers - 1; l >= 0; l--) {
            int h = net.hiddenSize(l);
            int g4 = 4 * h;
            float[] z = gates[l];
            float[] c = cells[l];
            int n0 = workers.start(part, g4);
            int n1 = workers.start(part + 1, g4);
            clearColumns(l, n0, n1);
            Arrays.fill(recurrentGrad, b0 * h, b1 * h, 0f);
            Arrays.fill(cellGrad, b0 * h, b1 * h, 0f);
            int pending = steps;
            for (int t = steps - 1; t >= 0; t--) {
                if (l < layers - 1) {
                    kernels.add(hiddenGrad[l], (t * batch + b0) * h, recurrentGrad, b0 * h, nb * h);
                } else if (everyStep) {
                    kernels.add(denseGrad, (t * batch + b0) * top, recurrentGrad, b0 * h, nb * h);
                } else if (t == steps - 1) {
                    kernels.add(denseGrad, b0 * top, recurrentGrad, b0 * h, nb * h);
                }
                for (int b = b0; b < b1; b++) {
                    int row = t * batch + b;
                    kernels.lstmBackward(z, row * g4, t > 0 ? c : null, (row - batch) * h, cellTanh[l], row * h,
                            recurrentGrad, b * h, cellGrad, b * h, h, hardSigmoid);
                }
                if (t % STEPS_PER_MEETING == 0) {
                    workers.await();
                    accumulateSteps(l, t, pending, n0, n1);
                    pending = t;
                }
                if (t > 0 && nb > 0) {
                    Arrays.fill(recurrentGrad, b0 * h, b1 * h, 0f);
                    kernels.gemm(nb, h, g4, z, (t * batch + b0) * g4, g4, recurrentT[l], 0, h,
                            recurrentGrad, b0 * h, h);
                }
            }
            if (l > 0) {
                int in = net.inputSize(l);
                float[] below = hiddenGrad[l - 1];
                for (int t = 0; t < steps; t++) {
                    int off = (t * batch + b0) * in;
                    Arrays.fill(below, off, off + nb * in, 0f);
                    kernels.gemm(nb, in, g4, z, (t * batch + b0) * g4, g4, kernelT[l], 0, in, below, off, in);
                    if (training) {
                        kernels.multiply(inputScale[l], off, below, off, nb * in);
                    }
                }
            }
        }
    }

    /** Clears gate columns {@code [n0, n1)} of layer {@code l}'s recurrent kernel, bias and (first layer) kernel gradients. */
    private void clearColumns(int l, int n0, int n1) {
        int g4 = 4 * net.hiddenSize(l);
        float[] dRecurrent = gradients[3 * l + 1];
        for (int m = 0; m < net.hiddenSize(l); m++) {
            Arrays.fill(dRecurrent, m * g4 + n0, m * g4 + n1, 0f);
        }
        Arrays.fill(gradients[3 * l + 2], n0, n1, 0f);
        if (l == 0) {
            float[] dKernel = gradients[0];
            for (int v = 0; v < net.inputSize(0); v++) {
                Arrays.fill(dKernel, v * g4 + n0, v * g4 + n1, 0f);
            }
        }
    }

    /**
     * Adds steps {@code [from, to)} of every window to gate columns {@code [n0, n1)} of layer {@code l}'s
     * gradients: {@code dU += h[t-1]^T dz[t]}, {@code db += dz[t]} and, for the first layer, the rows of the input
     * kernel that the steps' ids gathered. The steps' rows are contiguous (time-major), so {@code dU} is one product.
     */
    private void accumulateSteps(int l, int from, int to, int n0, int n1) {
        if (n1 == n0) {
            return;
        }
        int h = net.hiddenSize(l);
        int g4 = 4 * h;
        int batch = windows;
        float[] z = gates[l];
        int withPrevious = Math.max(from, 1);
        if (to > withPrevious) {
            kernels.gemmTransA(h, n1 - n0, (to - withPrevious) * batch, hidden[l], (withPrevious - 1) * batch * h, h,
                    z, withPrevious * batch * g4 + n0, g4, gradients[3 * l + 1], n0, g4);
        }
        float[] dBias = gradients[3 * l + 2];
        float[] dKernel = gradients[3 * l];
        for (int r = from * batch; r < to * batch; r++) {
            int row = r * g4 + n0;
            kernels.add(z, row, dBias, n0, n1 - n0);
            if (l == 0) {
                kernels.add(z, row, dKernel, ids[(r % batch) * steps + r / batch] * g4 + n0, n1 - n0);
            }
        }
    }

    /** The gradients that need the whole backward pass: the input kernels above the first layer and the Dense layer. */
    private void gradientPart(int part) {
        int rows = steps * windows;
        for (int l = 1; l < layers; l++) {
            int g4 = 4 * net.hiddenSize(l);
            int in = net.inputSize(l);
            float[] dKernel = gradients[3 * l];
            int k0 = workers.start(part, in);
            int k1 = workers.start(part + 1, in);
            Arrays.fill(dKernel, k0 * g4, k1 * g4, 0f);
            if (k1 > k0) {
                kernels.gemmTransA(k1 - k0, g4, rows, inputs[l], k0, in, gates[l], 0, g4, dKernel, k0 * g4, g4);
            }
        }
        int top = net.topSize();
        float[] dDense = gradients[3 * layers];
        float[] dDenseBias = gradients[3 * layers + 1];
        int m0 = workers.start(part, top);
        int m1 = workers.start(part + 1, top);
        Arrays.fill(dDense, m0 * vocabulary, m1 * vocabulary, 0f);
        if (m1 > m0) {
            kernels.gemmTransA(m1 - m0, vocabulary, outputs, denseIn, m0, top, logits, 0, vocabulary,
                    dDense, m0 * vocabulary, vocabulary);
        }
        int v0 = workers.start(part, vocabulary);
        int v1 = workers.start(part + 1, vocabulary);
        Arrays.fill(dDenseBias, v0, v1, 0f);
        for (int r = 0; r < outputs; r++) {
            kernels.add(logits, r * vocabulary + v0, dDenseBias, v0, v1 - v0);
        }
    }

    private static void transpose(float[] src, int rows, int cols, float[] dst) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[r * cols + c];
            }
        }
    }
}
