package dev.textgen.scratch.nn;

import dev.textgen.scratch.simd.Kernels;

/**
 * The forward pass of the LSTM layers over a range of windows, the whole time loop with no synchronisation:
 * windows are independent through the recurrence. Above the first layer, the input projection of every step comes
 * first, as one product; then at each step the gates of the range take one recurrent product {@code [B, H] x [H, 4H]}.
 * The one-hot input of the first layer is a row gather of its kernel (with the bias already added, see
 * {@link PackedNetwork}). Each gate sums bias, input and recurrent terms in that order either way.
 */
final class LstmForward {
    private final Activations a;
    private final Network net;
    private final Kernels kernels;
    private final PackedNetwork packed;
    private final Dropout dropout;
    private final boolean hardSigmoid;

    LstmForward(Activations a, Kernels kernels, PackedNetwork packed, Dropout dropout, boolean hardSigmoid) {
        this.a = a;
        this.net = a.net;
        this.kernels = kernels;
        this.packed = packed;
        this.dropout = dropout;
        this.hardSigmoid = hardSigmoid;
    }

    /** Runs every layer over windows [b0, b1), keeping the activations for the backward pass. */
    void run(int b0, int b1) {
        int nb = b1 - b0;
        int batch = a.windows;
        int steps = a.steps;
        int[] ids = a.ids;
        boolean training = a.training;
        if (a.recurrentTraining) {
            dropout.fillRecurrent(a, b0, b1);
        }
        for (int l = 0; l < a.layers; l++) {
            int h = net.hiddenSize(l);
            int g4 = 4 * h;
            int in = net.inputSize(l);
            float[] z = a.gates[l];
            float[] bias = net.bias(l);
            float[] x = training ? a.inputs[l] : l > 0 ? a.hidden[l - 1] : null;
            float[] c = a.cells[l];
            float[] hs = a.hidden[l];
            float[] fedBack = a.fedBack(l);
            if (l > 0) {
                // The input projection does not depend on the recurrence: bias plus input for every step at once,
                // one product whose kernel panels stay in cache across the steps.
                for (int t = 0; t < steps; t++) {
                    for (int b = b0; b < b1; b++) {
                        System.arraycopy(bias, 0, z, (t * batch + b) * g4, g4);
                    }
                    if (training) {
                        dropout.drop(a, l - 1, t, a.hidden[l - 1], a.inputs[l], a.inputScale[l], in, b0, b1);
                    }
                }
                kernels.gemmBlocks(steps, nb, x, b0 * in, batch * in, in, packed.kernel(l), z, b0 * g4, batch * g4, g4);
            }
            for (int t = 0; t < steps; t++) {
                int first = t * batch + b0;
                if (l == 0) {
                    float[] biasedInput = packed.biasedInput();
                    for (int b = b0; b < b1; b++) {
                        System.arraycopy(biasedInput, ids[b * steps + t] * g4, z, (t * batch + b) * g4, g4);
                    }
                }
                if (t > 0) {
                    if (a.recurrentTraining) {
                        dropout.dropState(a, l, t - 1, b0, b1);
                    }
                    kernels.gemm(nb, fedBack, (first - batch) * h, h, packed.recurrent(l), z, first * g4, g4);
                }
                for (int b = b0; b < b1; b++) {
                    int row = t * batch + b;
                    kernels.lstmForward(z, row * g4, t > 0 ? c : null, (row - batch) * h, c, row * h, hs, row * h, h,
                            hardSigmoid);
                }
            }
        }
    }
}
