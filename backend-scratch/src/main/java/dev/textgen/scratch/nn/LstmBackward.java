package dev.textgen.scratch.nn;

import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.PackedMatrix;

import java.util.Arrays;

/**
 * Backpropagation through time of the LSTM layers over a range of whole slices, with no synchronisation:
 * after each step's cell backward, each slice adds that step of its windows to its own weight-gradient
 * accumulators while the rows are still in cache; {@link #sum} adds the slices' accumulators in slice order
 * afterwards. Each output element is thus computed by the same operations whatever the number of workers.
 *
 * <p>A step's gate gradients replace its gate activations in {@link Activations#gates}, which nothing reads
 * after that step's cell backward: so every step's are at hand once a layer's time loop ends, and the gradient
 * to the layer below is one product over all the steps.
 */
final class LstmBackward {
    private final Activations a;
    private final Network net;
    private final Kernels kernels;
    private final Workers workers;
    private final boolean hardSigmoid;
    private final float[][] recurrentT;
    private final float[][] kernelT;
    private final PackedMatrix[] recurrentTPacked;
    private final PackedMatrix[] kernelTPacked;
    /**
     * Per part, 16 floats apart (a cache line): the sums of {@link #touch}, kept so that the JIT cannot drop
     * its reads, in separate lines so that the parts do not write to each other's.
     */
    private final float[] touchSums;

    LstmBackward(Activations a, Kernels kernels, Workers workers, boolean hardSigmoid) {
        this.a = a;
        this.net = a.net;
        this.kernels = kernels;
        this.workers = workers;
        this.hardSigmoid = hardSigmoid;
        int layers = a.layers;
        recurrentT = new float[layers][];
        kernelT = new float[layers][];
        for (int l = 0; l < layers; l++) {
            recurrentT[l] = new float[net.recurrentKernel(l).length];
            kernelT[l] = l == 0 ? null : new float[net.kernel(l).length];
        }
        recurrentTPacked = new PackedMatrix[layers];
        kernelTPacked = new PackedMatrix[layers];
        touchSums = new float[16 * workers.count()];
    }

    /** Packs the transposed weights the backward products use: once per backward pass, before the workers start. */
    void prepare() {
        for (int l = 0; l < a.layers; l++) {
            int h = net.hiddenSize(l);
            TrainingPass.transpose(net.recurrentKernel(l), h, 4 * h, recurrentT[l]);
            recurrentTPacked[l] = kernels.pack(recurrentT[l], 0, h, 4 * h, h, recurrentTPacked[l]);
            if (l > 0) {
                int in = net.inputSize(l);
                TrainingPass.transpose(net.kernel(l), in, 4 * h, kernelT[l]);
                kernelTPacked[l] = kernels.pack(kernelT[l], 0, in, 4 * h, in, kernelTPacked[l]);
            }
        }
    }

    /**
     * Backpropagates slices [s0, s1) (windows [b0, b1)) of part {@code part} through time, from the gradient by
     * the Dense layer's input in {@code denseGrad}.
     */
    void run(int part, int s0, int s1, int b0, int b1) {
        int nb = b1 - b0;
        int batch = a.windows;
        int steps = a.steps;
        int top = net.topSize();
        for (int l = a.layers - 1; l >= 0; l--) {
            int h = net.hiddenSize(l);
            int g4 = 4 * h;
            float[] z = a.gates[l];
            float[] c = a.cells[l];
            for (int slice = s0; slice < s1; slice++) {
                Arrays.fill(a.sliceKernel[l][slice], 0f);
                Arrays.fill(a.sliceRecurrent[l][slice], 0f);
                Arrays.fill(a.sliceBias[l][slice], 0f);
            }
            Arrays.fill(a.recurrentGrad, b0 * h, b1 * h, 0f);
            Arrays.fill(a.cellGrad, b0 * h, b1 * h, 0f);
            for (int t = steps - 1; t >= 0; t--) {
                // The step's gates and the previous step's cell state and fed-back state were written up to 60 steps
                // ago and are in L3 or memory by now; read as one sequential stream first, they arrive faster than
                // through the cell backward's eight interleaved streams per row.
                touchSums[16 * part] += touch(z, (t * batch + b0) * g4, (t * batch + b1) * g4);
                if (t > 0) {
                    int from = ((t - 1) * batch + b0) * h;
                    int to = ((t - 1) * batch + b1) * h;
                    touchSums[16 * part] += touch(c, from, to) + touch(a.fedBack(l), from, to);
                }
                if (l < a.layers - 1) {
                    kernels.add(a.hiddenGrad[l], (t * batch + b0) * h, a.recurrentGrad, b0 * h, nb * h);
                } else if (a.everyStep) {
                    kernels.add(a.denseGrad, (t * batch + b0) * top, a.recurrentGrad, b0 * h, nb * h);
                } else if (t == steps - 1) {
                    kernels.add(a.denseGrad, b0 * top, a.recurrentGrad, b0 * h, nb * h);
                }
                for (int b = b0; b < b1; b++) {
                    int row = t * batch + b;
                    kernels.lstmBackward(z, row * g4, t > 0 ? c : null, (row - batch) * h, c, row * h,
                            a.recurrentGrad, b * h, a.cellGrad, b * h, z, row * g4, h, hardSigmoid);
                }
                for (int slice = s0; slice < s1; slice++) {
                    accumulateStep(l, t, slice);
                }
                if (t > 0) {
                    Arrays.fill(a.recurrentGrad, b0 * h, b1 * h, 0f);
                    kernels.gemm(nb, z, (t * batch + b0) * g4, g4, recurrentTPacked[l], a.recurrentGrad, b0 * h, h);
                    if (a.recurrentTraining) {
                        kernels.multiply(a.stateMask[l], b0 * h, a.recurrentGrad, b0 * h, nb * h);
                    }
                }
            }
            if (l > 0) {
                // The gradient to the layer below does not feed this layer's recurrence: every step's at once, one
                // product whose kernel panels stay in cache across the steps.
                int in = net.inputSize(l);
                float[] below = a.hiddenGrad[l - 1];
                for (int t = 0; t < steps; t++) {
                    int off = (t * batch + b0) * in;
                    Arrays.fill(below, off, off + nb * in, 0f);
                }
                kernels.gemmBlocks(steps, nb, z, b0 * g4, batch * g4, g4, kernelTPacked[l], below, b0 * in, batch * in,
                        in);
                if (a.training) {
                    for (int t = 0; t < steps; t++) {
                        int off = (t * batch + b0) * in;
                        kernels.multiply(a.inputScale[l], off, below, off, nb * in);
                    }
                }
            }
            if (l == 0) {
                // Every row of the first layer gathered exactly one kernel row, so the bias gradient is the sum
                // of the kernel rows' gradients: one addition per symbol and slice instead of one per row and step.
                for (int slice = s0; slice < s1; slice++) {
                    for (int row = 0; row < a.sliceKernel[0][slice].length; row += g4) {
                        kernels.add(a.sliceKernel[0][slice], row, a.sliceBias[0][slice], 0, g4);
                    }
                }
            }
        }
    }

    /**
     * Adds step {@code t} of slice {@code slice}'s windows to the slice's accumulators of layer {@code l}:
     * {@code dU += s[t-1]^T dz[t]} (s the fed-back state, {@link Activations#fedBack}) and {@code dW += x[t]^T dz[t]},
     * which for the first layer adds each window's gate gradients to the kernel row its id gathered, and above the
     * first layer {@code db += dz[t]} (the first layer's is summed from its kernel rows after the time loop). Steps
     * descending, windows ascending: the order depends only on the slice.
     */
    private void accumulateStep(int l, int t, int slice) {
        int h = net.hiddenSize(l);
        int g4 = 4 * h;
        int batch = a.windows;
        int w0 = a.sliceStart(slice);
        int w1 = a.sliceStart(slice + 1);
        float[] dKernel = a.sliceKernel[l][slice];
        float[] dz = a.gates[l];
        int first = t * batch + w0;
        if (t > 0) {
            kernels.gemmTransA(h, g4, w1 - w0, a.fedBack(l), (first - batch) * h, h,
                    dz, first * g4, g4, a.sliceRecurrent[l][slice], 0, g4);
        }
        if (l > 0) {
            int in = net.inputSize(l);
            kernels.gemmTransA(in, g4, w1 - w0, a.inputs[l], first * in, in, dz, first * g4, g4, dKernel, 0, g4);
        }
        for (int b = w0; b < w1; b++) {
            if (l == 0) {
                kernels.add(dz, (t * batch + b) * g4, dKernel, a.ids[b * a.steps + t] * g4, g4);
            } else {
                kernels.add(dz, (t * batch + b) * g4, a.sliceBias[l][slice], 0, g4);
            }
        }
    }

    /**
     * Part {@code part}'s share of every layer's weight gradients, the slices' accumulators added in slice order:
     * after every part's {@link #run}. {@code gradients} are in the order of {@link Network#tensors()}.
     */
    void sum(int part, float[][] gradients) {
        for (int l = 0; l < a.layers; l++) {
            addSlices(part, a.sliceKernel[l], gradients[3 * l]);
            addSlices(part, a.sliceRecurrent[l], gradients[3 * l + 1]);
            addSlices(part, a.sliceBias[l], gradients[3 * l + 2]);
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
        for (int slice = 1; slice < a.slices; slice++) {
            kernels.add(parts[slice], from, sum, from, to - from);
        }
    }

    /** The sum of one float per 64-byte cache line of {@code x[from, to)}: a read of every line, in order. */
    private static float touch(float[] x, int from, int to) {
        float sum = 0f;
        for (int i = from; i < to; i += 16) {
            sum += x[i];
        }
        return sum;
    }
}
