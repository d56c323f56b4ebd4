package dev.textgen.scratch.nn;

import dev.textgen.api.data.Batch;

/**
 * The current batch of a {@link TrainingPass} and every buffer its forward and backward passes use, allocated
 * once per batch shape ({@code capacity x steps}).
 *
 * <p>Layout: activations are time-major, row {@code t * B + b} for step {@code t} and window {@code b}, so that at
 * each step the batch's rows are one contiguous matrix. The Dense layer's rows follow the same layout when every
 * step predicts, and are one per window otherwise. The batch is cut into slices whose bounds depend only on the
 * number of windows; each slice has its own weight-gradient accumulators.
 */
final class Activations {
    final Network net;
    final int layers;
    final int vocabulary;
    final boolean dropout;
    final boolean recurrentDropout;
    final boolean allSteps;
    final int sliceWindows;

    int capacity = -1;
    int steps = -1;
    /** Windows of the current batch. */
    int windows;
    int[] ids;
    int[] targets;
    long seed;
    /** Whether the current forward pass drops: training with a dropout rate above 0. */
    boolean training;
    /** Whether the current forward pass drops the fed-back state: training with a recurrent dropout rate above 0. */
    boolean recurrentTraining;
    /** Whether the current forward pass predicts at every step: the all-steps loss, in training. */
    boolean everyStep;
    /** Rows of the Dense layer in the current forward pass: windows, or steps x windows with {@link #everyStep}. */
    int outputs;
    /** Slices of the current batch: {@code ceil(windows / sliceWindows)}, at least one. */
    int slices;

    /** Per layer, the gate activations of every step; the backward pass replaces each step's with its gradients. */
    float[][] gates;
    float[][] cells;
    float[][] hidden;
    /** Input of layer l > 0 after dropout (the hidden output of layer l - 1 itself when there is none). */
    float[][] inputs;
    float[][] inputScale;
    /**
     * Per layer, the state each step feeds to the next step's recurrent product: the hidden output itself, or
     * with {@link #recurrentTraining} the output times the window's recurrent mask (row {@code b} of
     * {@link #stateMask}).
     */
    float[][] state;
    float[][] stateMask;
    /** Gradient arriving at the hidden output of layer l < top from layer l + 1. */
    float[][] hiddenGrad;
    float[] denseIn;
    float[] denseScale;
    float[] denseGrad;
    float[] logits;
    double[] rowLoss;
    float[] recurrentGrad;
    float[] cellGrad;
    /**
     * Per layer and slice, the slice's share of the input kernel's, the recurrent kernel's and the bias'
     * gradients, in the layout of {@link Network#tensors()}.
     */
    float[][][] sliceKernel;
    float[][][] sliceRecurrent;
    float[][][] sliceBias;

    Activations(Network net, boolean dropout, boolean recurrentDropout, boolean allSteps, int sliceWindows) {
        this.net = net;
        this.layers = net.layers();
        this.vocabulary = net.vocabularySize();
        this.dropout = dropout;
        this.recurrentDropout = recurrentDropout;
        this.allSteps = allSteps;
        this.sliceWindows = sliceWindows;
    }

    /** Takes {@code batch} as the current one, reshaping the buffers if its shape is new. */
    void start(Batch batch, boolean train) {
        shape(batch.capacity(), batch.maxlen());
        windows = batch.size();
        ids = batch.inputs();
        targets = batch.targets();
        seed = batch.seed();
        training = train && dropout;
        recurrentTraining = train && recurrentDropout;
        everyStep = train && allSteps;
        outputs = everyStep ? steps * windows : windows;
        slices = (windows + sliceWindows - 1) / sliceWindows;
    }

    /** The state layer {@code l} feeds to its next step's recurrent product in the current pass. */
    float[] fedBack(int l) {
        return recurrentTraining ? state[l] : hidden[l];
    }

    /** The first window of slice {@code slice}; slices differ by at most one window. */
    int sliceStart(int slice) {
        return (int) ((long) windows * slice / slices);
    }

    /** Predicting steps of the current pass: every step, or only the last. */
    int segments() {
        return everyStep ? steps : 1;
    }

    /** The id Dense row {@code r} predicts: the next input, or the window's target at the last step. */
    int target(int r) {
        if (!everyStep) {
            return targets[r];
        }
        int t = r / windows;
        int b = r % windows;
        return t < steps - 1 ? ids[b * steps + t + 1] : targets[b];
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
        state = new float[layers][];
        stateMask = new float[layers][];
        hiddenGrad = new float[layers][];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            int h = net.hiddenSize(l);
            widest = Math.max(widest, h);
            gates[l] = new float[size(rows * 4 * h)];
            cells[l] = new float[size(rows * h)];
            hidden[l] = new float[size(rows * h)];
            state[l] = recurrentDropout ? new float[size(rows * h)] : hidden[l];
            stateMask[l] = recurrentDropout ? new float[capacity * h] : null;
            if (l > 0) {
                inputs[l] = dropout ? new float[size(rows * net.inputSize(l))] : hidden[l - 1];
                inputScale[l] = dropout ? new float[size(rows * net.inputSize(l))] : null;
            }
            hiddenGrad[l] = l < layers - 1 ? new float[size(rows * h)] : null;
        }
        int top = net.topSize();
        int denseRows = allSteps ? size(rows) : capacity;
        denseIn = new float[size((long) denseRows * top)];
        denseScale = dropout ? new float[denseIn.length] : null;
        denseGrad = new float[denseIn.length];
        logits = new float[size((long) denseRows * vocabulary)];
        rowLoss = new double[denseRows];
        recurrentGrad = new float[capacity * widest];
        cellGrad = new float[capacity * widest];
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

    private static int size(long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a training buffer of " + n + " floats does not fit in an array;"
                    + " lower training.batchSize, corpus.maxlen or model.hiddenSize");
        }
        return (int) n;
    }
}
