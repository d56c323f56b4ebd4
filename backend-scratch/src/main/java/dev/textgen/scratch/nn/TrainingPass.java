package dev.textgen.scratch.nn;

import dev.textgen.api.data.Batch;
import dev.textgen.scratch.simd.Kernels;

/**
 * The forward pass, the loss and backpropagation through time for a batch of windows, split over the workers.
 * The parts: {@link Activations} (the batch and every buffer, allocated once per batch shape),
 * {@link LstmForward} and {@link LstmBackward} (the recurrent layers), {@link DenseHead} (the Dense softmax
 * layer and the loss) and {@link Dropout} (the api's shared masks).
 *
 * <p>Windows are independent through the recurrence, so the batch is cut into slices whose bounds depend only on
 * the number of windows, and each worker runs the whole time loop (forward and backward) on its own whole slices
 * with no synchronisation inside the time loop. During the backward pass each slice adds its steps to its own
 * weight-gradient accumulators; afterwards the slices' accumulators are added in slice order. Each output element
 * is thus computed by the same operations whatever the number of workers, so results depend neither on it nor on
 * timing.
 */
public final class TrainingPass {
    /**
     * The most windows in one slice. A slice's weight-gradient accumulators (about 370 KiB for the reference notebook's model)
     * stay in L2 during the backward pass; a slice of 64 rows keeps each per-step accumulation product deep
     * enough to run near the kernels' peak.
     */
    static final int SLICE_WINDOWS = 64;
    private final Workers workers;
    private final Activations activations;
    /** The weights every forward step multiplies by, packed once per batch. */
    private final PackedNetwork packed;
    private final LstmForward lstmForward;
    private final LstmBackward lstmBackward;
    private final DenseHead dense;
    private final float[][] gradients;

    public TrainingPass(Network net, Kernels kernels, Workers workers, boolean hardSigmoid, double dropout,
                        double recurrentDropout, boolean allSteps) {
        this(net, kernels, workers, hardSigmoid, dropout, recurrentDropout, allSteps, SLICE_WINDOWS);
    }

    /** As the public constructor, with at most {@code sliceWindows} windows per slice (tests use small slices). */
    TrainingPass(Network net, Kernels kernels, Workers workers, boolean hardSigmoid, double dropout,
                 double recurrentDropout, boolean allSteps, int sliceWindows) {
        if (sliceWindows < 1) {
            throw new IllegalArgumentException("sliceWindows must be >= 1, got " + sliceWindows);
        }
        this.workers = workers;
        this.activations = new Activations(net, dropout > 0, recurrentDropout > 0, allSteps, sliceWindows);
        this.packed = new PackedNetwork(net, kernels);
        Dropout masks = new Dropout(dropout, recurrentDropout, kernels);
        this.lstmForward = new LstmForward(activations, kernels, packed, masks, hardSigmoid);
        this.lstmBackward = new LstmBackward(activations, kernels, workers, hardSigmoid);
        this.dense = new DenseHead(activations, kernels, workers, masks);
        float[][] tensors = net.tensors();
        gradients = new float[tensors.length][];
        for (int i = 0; i < tensors.length; i++) {
            gradients[i] = new float[tensors[i].length];
        }
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
     * all-steps loss and {@code train}, otherwise over the last step. With {@code train}, dropout and recurrent
     * dropout are applied with masks drawn from {@code batch.seed()} and the activations are kept for {@link #backward()}.
     */
    public double forward(Batch batch, boolean train) {
        activations.start(batch, train);
        packed.refresh();
        workers.run(this::forwardPart);
        double sum = 0;
        for (int r = 0; r < activations.outputs; r++) {
            sum += activations.rowLoss[r];
        }
        return sum / activations.outputs;
    }

    /** Backpropagates the last {@link #forward} and fills {@link #gradients()}. */
    public void backward() {
        lstmBackward.prepare();
        dense.prepareBackward();
        int layers = activations.layers;
        // Both phases in one run: the workers meet once in between, instead of a second hand-off.
        workers.run(part -> {
            backwardPart(part);
            workers.await();
            lstmBackward.sum(part, gradients);
            dense.gradients(part, gradients[3 * layers], gradients[3 * layers + 1]);
        });
    }

    /** The global L2 norm of {@link #gradients()}, summed in a fixed order. */
    public double gradientNorm() {
        // Four running sums (element i into sum i % 4), added at the end: one chain of dependent additions is
        // latency-bound, and this runs on one thread while the others wait.
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

    /** The dropout scale of layer {@code layer}'s input (row {@code t * B + b}) from the last training forward pass. */
    float[] inputMask(int layer) {
        return activations.inputScale[layer];
    }

    /**
     * The dropout scale of the Dense layer's input from the last training forward pass: row {@code b}, or
     * {@code t * B + b} with the all-steps loss.
     */
    float[] denseMask() {
        return activations.denseScale;
    }

    /** The recurrent dropout scale of layer {@code layer}'s fed-back state (row {@code b}) from the last training forward pass. */
    float[] stateMask(int layer) {
        return activations.stateMask[layer];
    }

    /** The first window of worker part {@code part}, which runs whole slices. */
    private int partStart(int part) {
        return activations.sliceStart(workers.start(part, activations.slices));
    }

    private void forwardPart(int part) {
        int b0 = partStart(part);
        int b1 = partStart(part + 1);
        if (b0 == b1) {
            return;
        }
        lstmForward.run(b0, b1);
        dense.forward(b0, b1);
    }

    /** Backpropagates part {@code part}'s whole slices through the Dense layer and then through time. */
    private void backwardPart(int part) {
        int s0 = workers.start(part, activations.slices);
        int s1 = workers.start(part + 1, activations.slices);
        int b0 = activations.sliceStart(s0);
        int b1 = activations.sliceStart(s1);
        if (b1 == b0) {
            return;
        }
        dense.backward(b0, b1);
        lstmBackward.run(part, s0, s1, b0, b1);
    }

    /** {@code dst = src^T} for a row-major {@code rows x cols} {@code src}. */
    static void transpose(float[] src, int rows, int cols, float[] dst) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[r * cols + c];
            }
        }
    }
}
