package dev.textgen.scratch.nn;

import dev.textgen.scratch.simd.Kernels;

import java.util.Arrays;

/**
 * The Dense softmax layer on top of the LSTM layers and the cross-entropy: its forward pass and the gradient it
 * sends down over a range of windows, and its own weight gradients once every range is done. The training loss
 * is either the cross-entropy of each window's target at the last step, or (all steps) the mean over every step's
 * prediction of the next character, the window's target at the last step; evaluation is always the last-step
 * loss. Each predicting step is one segment of rows, {@code s * B + b}.
 */
final class DenseHead {
    private final Activations a;
    private final Network net;
    private final Kernels kernels;
    private final Workers workers;
    private final Dropout dropout;
    private final float[] denseKernelT;

    DenseHead(Activations a, Kernels kernels, Workers workers, Dropout dropout) {
        this.a = a;
        this.net = a.net;
        this.kernels = kernels;
        this.workers = workers;
        this.dropout = dropout;
        this.denseKernelT = new float[net.denseKernel().length];
    }

    /** The logits, softmax and loss of every Dense row of windows [b0, b1), into {@code rowLoss}. */
    void forward(int b0, int b1) {
        int nb = b1 - b0;
        int batch = a.windows;
        int top = net.topSize();
        int vocabulary = a.vocabulary;
        float[] last = a.hidden[a.layers - 1];
        float[] denseIn = a.denseIn;
        float[] logits = a.logits;
        float[] denseBias = net.denseBias();
        // One segment of nb Dense rows per predicting step: the last step only, or every step.
        for (int s = 0; s < a.segments(); s++) {
            int first = s * batch + b0;
            int source = a.everyStep ? first : (a.steps - 1) * batch + b0;
            System.arraycopy(last, source * top, denseIn, first * top, nb * top);
            if (a.training) {
                dropout.fill(a, a.layers - 1, a.everyStep ? s : a.steps - 1, s * batch, b0, b1, top, a.denseScale);
                kernels.multiply(a.denseScale, first * top, denseIn, first * top, nb * top);
            }
            for (int r = first; r < first + nb; r++) {
                System.arraycopy(denseBias, 0, logits, r * vocabulary, vocabulary);
            }
            kernels.gemm(nb, vocabulary, top, denseIn, first * top, top, net.denseKernel(), 0, vocabulary,
                    logits, first * vocabulary, vocabulary);
            for (int r = first; r < first + nb; r++) {
                float targetLogit = logits[r * vocabulary + a.target(r)];
                double lse = kernels.softmax(logits, r * vocabulary, vocabulary);
                a.rowLoss[r] = lse - targetLogit;
            }
        }
    }

    /** The transposed Dense kernel for {@link #backward}: once per backward pass, before the workers start. */
    void prepareBackward() {
        TrainingPass.transpose(net.denseKernel(), net.topSize(), a.vocabulary, denseKernelT);
    }

    /**
     * Turns the probabilities of windows [b0, b1) into the loss' gradient by the logits (in place) and writes the
     * gradient by the Dense layer's input, after dropout, into {@code denseGrad}.
     */
    void backward(int b0, int b1) {
        int nb = b1 - b0;
        int batch = a.windows;
        int vocabulary = a.vocabulary;
        float inv = 1f / a.outputs;
        int top = net.topSize();
        float[] logits = a.logits;
        for (int s = 0; s < a.segments(); s++) {
            int first = s * batch + b0;
            for (int r = first; r < first + nb; r++) {
                int off = r * vocabulary;
                logits[off + a.target(r)] -= 1f;
                for (int j = 0; j < vocabulary; j++) {
                    logits[off + j] *= inv;
                }
            }
            Arrays.fill(a.denseGrad, first * top, (first + nb) * top, 0f);
            kernels.gemm(nb, top, vocabulary, logits, first * vocabulary, vocabulary, denseKernelT, 0, top,
                    a.denseGrad, first * top, top);
            if (a.training) {
                kernels.multiply(a.denseScale, first * top, a.denseGrad, first * top, nb * top);
            }
        }
    }

    /**
     * Part {@code part}'s share of the Dense kernel's and bias' gradients, over every row of the batch: after
     * every part's {@link #backward}.
     */
    void gradients(int part, float[] dDense, float[] dDenseBias) {
        int top = net.topSize();
        int vocabulary = a.vocabulary;
        int m0 = workers.start(part, top);
        int m1 = workers.start(part + 1, top);
        Arrays.fill(dDense, m0 * vocabulary, m1 * vocabulary, 0f);
        if (m1 > m0) {
            kernels.gemmTransA(m1 - m0, vocabulary, a.outputs, a.denseIn, m0, top, a.logits, 0, vocabulary,
                    dDense, m0 * vocabulary, vocabulary);
        }
        int v0 = workers.start(part, vocabulary);
        int v1 = workers.start(part + 1, vocabulary);
        Arrays.fill(dDenseBias, v0, v1, 0f);
        for (int r = 0; r < a.outputs; r++) {
            kernels.add(a.logits, r * vocabulary + v0, dDenseBias, v0, v1 - v0);
        }
    }
}
