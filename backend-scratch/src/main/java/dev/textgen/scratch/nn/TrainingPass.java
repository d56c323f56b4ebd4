package dev.textgen.scratch.nn;

import dev.textgen.api.data.Batch;
import dev.textgen.api.spi.DropoutMasks;
import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.PackedMatrix;

import java.util.Arrays;

/**
 * The forward pass, the loss and backpropagation through time for a batch of windows, with every buffer
 * allocated once per batch shape.
 *
 * <p>Layout: activations are time-major, row {@code t * B + b} for step {@code t} and window {@code b},
 * so that at each step the batch's rows are one contiguous matrix and the gates of the whole batch come
 * from one matrix product {@code [B, H] x [H, 4H]}. The one-hot input of the first layer is a row gather
 * of its kernel. Windows are independent through the recurrence, so the batch is cut into slices whose
 * bounds depend only on the number of windows, and each worker runs the whole time loop (forward and
 * backward) on its own whole slices with no synchronisation inside the time loop. During the backward pass each slice adds
 * its steps to its own weight-gradient accumulators; afterwards the slices' accumulators are added in slice
 * order. Each output element is thus computed by the same operations whatever the number of workers, so
 * results depend neither on it nor on timing.
 *
 * <p>The training loss is either the cross-entropy of each window's target at the last step, or (all steps)
 * the mean over every step's prediction of the next character, the window's target at the last step. The
 * Dense layer's rows then follow the activations' layout, {@code t * B + b}; in the last-step case there is
 * one row per window. Evaluation ({@code train == false}) is always the last-step loss.
 */
public final class TrainingPass {
    /**
     * The most windows in one slice. A slice's weight-gradient accumulators (about 370 KiB for the seed's model)
     * stay in L2 during the backward pass; a slice of 64 rows keeps each per-step accumulation product deep
     * enough to run near the kernels' peak.
     */
    static final int SLICE_WINDOWS = 64;
    private final int sliceWindows;
    private final Network net;
    private final Kernels kernels;
    private final Workers workers;
    private final boolean hardSigmoid;
    private final float dropout;
    private final DropoutMasks masks;
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
    /**
     * The current backward step's gate gradients, row {@code b} for window {@code b}: written by the cell
     * backward and consumed by the same step's products, so the gate activations are only ever read back.
     */
    private float[] gateGrad;
    private final float[][] recurrentT;
    private final float[][] kernelT;
    private final float[] denseKernelT;
    /** The weights every forward step multiplies by, packed once per batch; their transposes below for the backward. */
    private final PackedNetwork packed;
    private final PackedMatrix[] recurrentTPacked;
    private final PackedMatrix[] kernelTPacked;
    /** Slices of the current batch: {@code ceil(windows / sliceWindows)}, at least one. */
    private int slices;
    /**
     * Per layer and slice, the slice's share of the input kernel's, the recurrent kernel's and the bias'
     * gradients, in the layout of {@link #gradients}.
     */
    private float[][][] sliceKernel;
    private float[][][] sliceRecurrent;
    private float[][][] sliceBias;
    /**
     * Per part, 16 floats apart (a cache line): the sums of {@link #touch}, kept so that the JIT cannot drop
     * its reads, in separate lines so that the parts do not write to each other's.
     */
    private final float[] touchSums;

    public TrainingPass(Network net, Kernels kernels, Workers workers, boolean hardSigmoid, double dropout,
                        boolean allSteps) {
        this(net, kernels, workers, hardSigmoid, dropout, allSteps, SLICE_WINDOWS);
    }

    /** As the public constructor, with at most {@code sliceWindows} windows per slice (tests use small slices). */
    TrainingPass(Network net, Kernels kernels, Workers workers, boolean hardSigmoid, double dropout,
                 boolean allSteps, int sliceWindows) {
        if (sliceWindows < 1) {
            throw new IllegalArgumentException("sliceWindows must be >= 1, got " + sliceWindows);
        }
        this.sliceWindows = sliceWindows;
        this.net = net;
        this.allSteps = allSteps;
        this.kernels = kernels;
        this.workers = workers;
        this.hardSigmoid = hardSigmoid;
        this.dropout = (float) dropout;
        this.masks = new DropoutMasks(dropout);
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
        packed = new PackedNetwork(net, kernels);
        touchSums = new float[16 * workers.count()];
        recurrentTPacked = new PackedMatrix[layers];
        kernelTPacked = new PackedMatrix[layers];
    }

    /**
     * How many workers a batch of {@code windows} windows can keep busy: one per slice. Workers beyond that
     * would only join the meetings.
     */
    public static int usefulWorkers(int windows) {
        return Math.max(1, (windows + SLICE_WINDOWS - 1) / SLICE_WINDOWS);
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
        slices = (windows + sliceWindows - 1) / sliceWindows;
        packed.refresh();
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
            int h = net.hiddenSize(l);
            transpose(net.recurrentKernel(l), h, 4 * h, recurrentT[l]);
            recurrentTPacked[l] = kernels.pack(recurrentT[l], 0, h, 4 * h, h, recurrentTPacked[l]);
            if (l > 0) {
                int in = net.inputSize(l);
                transpose(net.kernel(l), in, 4 * h, kernelT[l]);
                kernelTPacked[l] = kernels.pack(kernelT[l], 0, in, 4 * h, in, kernelTPacked[l]);
            }
        }
        transpose(net.denseKernel(), net.topSize(), vocabulary, denseKernelT);
        // Both phases in one run: the workers meet once in between, instead of a second hand-off.
        workers.run(part -> {
            backwardPart(part);
            workers.await();
            gradientPart(part);
        });
    }

    /** The global L2 norm of {@link #gradients()}, summed in a fixed order. */
    public double gradientNorm() {
        // Four running sums (element i into sum i % 4), added at the end: one chain of dependent additions took
        // 85 us per batch for the seed's model, four take 45-49 (it runs on one thread while the others wait).
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (float[] g : gradients) {
            int i = 0;
            for (; i + 4 <= g.length; i += 4) {
                s0 += (double) g[i] * g[i];
                s1 += (double) g[i + 1] * g[i + 1];
                s2 += (double) g[i + 2] * g[i + 2];
                s3 += (double) g[i + 3] * g[i + 3];
            }
            for (; i < g.length; i++) {
                s0 += (double) g[i] * g[i];
            }
        }
        return Math.sqrt((s0 + s1) + (s2 + s3));
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
        gateGrad = new float[capacity * 4 * widest];
        int maxSlices = (capacity + sliceWindows - 1) / sliceWindows;
        sliceKernel = new float[layers][maxSlices][];
        sliceRecurrent = new float[layers][maxSlices][];
        sliceBias = new float[layers][maxSlices][];
        for (int s = 0; s < maxSlices; s++) {
            for (int l = 0; l < layers; l++) {
                sliceKernel[l][s] = new float[net.kernel(l).length];
                sliceRecurrent[l][s] = new float[net.recurrentKernel(l).length];
                sliceBias[l][s] = new float[net.bias(l).length];
            }
        }
    }

    /** The first window of slice {@code slice}; slices differ by at most one window. */
    private int sliceStart(int slice) {
        return (int) ((long) windows * slice / slices);
    }

    /** The first window of worker part {@code part}, which runs whole slices. */
    private int partStart(int part) {
        return sliceStart(workers.start(part, slices));
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
        int b0 = partStart(part);
        int b1 = partStart(part + 1);
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
            float[] x = training ? inputs[l] : l > 0 ? hidden[l - 1] : null;
            float[] c = cells[l];
            float[] hs = hidden[l];
            // Everything for step t is done while its rows are in cache: bias, input, recurrent product, cell.
            for (int t = 0; t < steps; t++) {
                int first = t * batch + b0;
                if (l == 0) {
                    float[] biasedInput = packed.biasedInput();
                    for (int b = b0; b < b1; b++) {
                        System.arraycopy(biasedInput, ids[b * steps + t] * g4, z, (t * batch + b) * g4, g4);
                    }
                } else {
                    for (int b = b0; b < b1; b++) {
                        System.arraycopy(bias, 0, z, (t * batch + b) * g4, g4);
                    }
                    if (training) {
                        dropRows(l - 1, t, hidden[l - 1], inputs[l], inputScale[l], in, b0, b1);
                    }
                    kernels.gemm(nb, x, first * in, in, packed.kernel(l), z, first * g4, g4);
                }
                if (t > 0) {
                    kernels.gemm(nb, hs, (first - batch) * h, h, packed.recurrent(l), z, first * g4, g4);
                }
                for (int b = b0; b < b1; b++) {
                    int row = t * batch + b;
                    kernels.lstmForward(z, row * g4, t > 0 ? c : null, (row - batch) * h, c, row * h, hs, row * h, h,
                            hardSigmoid);
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
                fillMask(layers - 1, everyStep ? s : steps - 1, s * batch, b0, b1, top, denseScale);
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

    /**
     * Applies dropout to rows [b0, b1) of step {@code t} of layer {@code layer}'s output: {@code out = in * scale}
     * with the step's mask in {@code scale}.
     */
    private void dropRows(int layer, int t, float[] in, float[] out, float[] scale, int width, int b0, int b1) {
        int row = t * windows;
        fillMask(layer, t, row, b0, b1, width, scale);
        System.arraycopy(in, (row + b0) * width, out, (row + b0) * width, (b1 - b0) * width);
        kernels.multiply(scale, (row + b0) * width, out, (row + b0) * width, (b1 - b0) * width);
    }

    /**
     * Fills the rows of windows [b0, b1) of one step of {@code scale}, starting at row {@code firstRow} (window 0),
     * with the shared masks of layer {@code layer}'s output at time step {@code step}.
     */
    private void fillMask(int layer, int step, int firstRow, int b0, int b1, int width, float[] scale) {
        for (int b = b0; b < b1; b++) {
            masks.fill(seed, layer, step, b, scale, (firstRow + b) * width, width);
        }
    }

    /**
     * Backpropagates part {@code part}'s windows through time. After each step's cell backward, each of the part's
     * slices adds that step of its windows to its own accumulators (see {@link #accumulateStep}) while the rows
     * are still in cache; nothing waits for another part.
     */
    private void backwardPart(int part) {
        int s0 = workers.start(part, slices);
        int s1 = workers.start(part + 1, slices);
        int b0 = sliceStart(s0);
        int b1 = sliceStart(s1);
        int nb = b1 - b0;
        if (nb == 0) {
            return;
        }
        int batch = windows;
        float inv = 1f / outputs;
        int top = net.topSize();
        for (int s = 0; s < segments(); s++) {
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
            for (int slice = s0; slice < s1; slice++) {
                Arrays.fill(sliceKernel[l][slice], 0f);
                Arrays.fill(sliceRecurrent[l][slice], 0f);
                Arrays.fill(sliceBias[l][slice], 0f);
            }
            Arrays.fill(recurrentGrad, b0 * h, b1 * h, 0f);
            Arrays.fill(cellGrad, b0 * h, b1 * h, 0f);
            for (int t = steps - 1; t >= 0; t--) {
                // The step's gates and the previous step's cell state and output were written up to 60 steps ago
                // and are in L3 or memory by now; read as one sequential stream first, they arrive faster than
                // through the cell backward's eight interleaved streams per row (measured: the backward pass 5-7%
                // shorter).
                touchSums[16 * part] += touch(z, (t * batch + b0) * g4, (t * batch + b1) * g4);
                if (t > 0) {
                    int from = ((t - 1) * batch + b0) * h;
                    int to = ((t - 1) * batch + b1) * h;
                    touchSums[16 * part] += touch(c, from, to) + touch(hidden[l], from, to);
                }
                if (l < layers - 1) {
                    kernels.add(hiddenGrad[l], (t * batch + b0) * h, recurrentGrad, b0 * h, nb * h);
                } else if (everyStep) {
                    kernels.add(denseGrad, (t * batch + b0) * top, recurrentGrad, b0 * h, nb * h);
                } else if (t == steps - 1) {
                    kernels.add(denseGrad, b0 * top, recurrentGrad, b0 * h, nb * h);
                }
                for (int b = b0; b < b1; b++) {
                    int row = t * batch + b;
                    kernels.lstmBackward(z, row * g4, t > 0 ? c : null, (row - batch) * h, c, row * h,
                            recurrentGrad, b * h, cellGrad, b * h, gateGrad, b * g4, h, hardSigmoid);
                }
                for (int slice = s0; slice < s1; slice++) {
                    accumulateStep(l, t, slice);
                }
                if (t > 0) {
                    Arrays.fill(recurrentGrad, b0 * h, b1 * h, 0f);
                    kernels.gemm(nb, gateGrad, b0 * g4, g4, recurrentTPacked[l], recurrentGrad, b0 * h, h);
                }
                if (l > 0) {
                    int in = net.inputSize(l);
                    float[] below = hiddenGrad[l - 1];
                    int off = (t * batch + b0) * in;
                    Arrays.fill(below, off, off + nb * in, 0f);
                    kernels.gemm(nb, gateGrad, b0 * g4, g4, kernelTPacked[l], below, off, in);
                    if (training) {
                        kernels.multiply(inputScale[l], off, below, off, nb * in);
                    }
                }
            }
            if (l == 0) {
                // Every row of the first layer gathered exactly one kernel row, so the bias gradient is the sum
                // of the kernel rows' gradients: 57 additions per slice instead of one per row and step.
                for (int slice = s0; slice < s1; slice++) {
                    for (int row = 0; row < sliceKernel[0][slice].length; row += g4) {
                        kernels.add(sliceKernel[0][slice], row, sliceBias[0][slice], 0, g4);
                    }
                }
            }
        }
    }

    /**
     * Adds step {@code t} of slice {@code slice}'s windows to the slice's accumulators of layer {@code l}:
     * {@code dU += h[t-1]^T dz[t]} and {@code dW += x[t]^T dz[t]}, which for the first layer adds each window's
     * gate gradients to the kernel row its id gathered, and above the first layer {@code db += dz[t]} (the first
     * layer's is summed from its kernel rows after the time loop). Steps descending, windows ascending: the order
     * depends only on the slice.
     */
    private void accumulateStep(int l, int t, int slice) {
        int h = net.hiddenSize(l);
        int g4 = 4 * h;
        int batch = windows;
        int w0 = sliceStart(slice);
        int w1 = sliceStart(slice + 1);
        float[] dKernel = sliceKernel[l][slice];
        if (t > 0) {
            kernels.gemmTransA(h, g4, w1 - w0, hidden[l], ((t - 1) * batch + w0) * h, h,
                    gateGrad, w0 * g4, g4, sliceRecurrent[l][slice], 0, g4);
        }
        if (l > 0) {
            int in = net.inputSize(l);
            kernels.gemmTransA(in, g4, w1 - w0, inputs[l], (t * batch + w0) * in, in,
                    gateGrad, w0 * g4, g4, dKernel, 0, g4);
        }
        for (int b = w0; b < w1; b++) {
            if (l == 0) {
                kernels.add(gateGrad, b * g4, dKernel, ids[b * steps + t] * g4, g4);
            } else {
                kernels.add(gateGrad, b * g4, sliceBias[l][slice], 0, g4);
            }
        }
    }

    /** Sets part {@code part}'s share of {@code sum} to the slices' {@code parts} added in slice order. */
    private void addSlices(int part, float[][] parts, float[] sum) {
        int from = workers.start(part, sum.length);
        int to = workers.start(part + 1, sum.length);
        if (to == from) {
            return;
        }
        System.arraycopy(parts[0], from, sum, from, to - from);
        for (int slice = 1; slice < slices; slice++) {
            kernels.add(parts[slice], from, sum, from, to - from);
        }
    }

    /** The gradients that need the whole backward pass: the sum of the slices' accumulators and the Dense layer. */
    private void gradientPart(int part) {
        for (int l = 0; l < layers; l++) {
            addSlices(part, sliceKernel[l], gradients[3 * l]);
            addSlices(part, sliceRecurrent[l], gradients[3 * l + 1]);
            addSlices(part, sliceBias[l], gradients[3 * l + 2]);
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

    /** The sum of one float per 64-byte cache line of {@code a[from, to)}: a read of every line, in order. */
    private static float touch(float[] a, int from, int to) {
        float sum = 0f;
        for (int i = from; i < to; i += 16) {
            sum += a[i];
        }
        return sum;
    }

    private static void transpose(float[] src, int rows, int cols, float[] dst) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[r * cols + c];
            }
        }
    }
}
