package dev.textgen.scratch.nn;

import dev.textgen.api.spi.DropoutMasks;
import dev.textgen.scratch.simd.Kernels;

/**
 * Inverted dropout on the outputs of the LSTM layers of a {@link TrainingPass}, with the api's shared
 * {@link DropoutMasks} of the batch's seed: a row's mask depends on the layer, the step and the window only,
 * never on which worker draws it.
 */
final class Dropout {
    private final DropoutMasks masks;
    private final DropoutMasks recurrentMasks;
    private final Kernels kernels;

    Dropout(double rate, double recurrentRate, Kernels kernels) {
        this.masks = new DropoutMasks(rate);
        this.recurrentMasks = new DropoutMasks(recurrentRate);
        this.kernels = kernels;
    }

    /** Fills the recurrent masks of every layer for windows [b0, b1): row {@code b} of {@code a.stateMask[l]}. */
    void fillRecurrent(Activations a, int b0, int b1) {
        for (int l = 0; l < a.layers; l++) {
            int h = a.net.hiddenSize(l);
            for (int b = b0; b < b1; b++) {
                kernels.dropoutMask(recurrentMasks, a.seed, l, DropoutMasks.RECURRENT_STEP, b, a.stateMask[l], b * h, h);
            }
        }
    }

    /**
     * Sets rows [b0, b1) of step {@code t} of layer {@code l}'s fed-back state to its output times the windows'
     * recurrent masks.
     */
    void dropState(Activations a, int l, int t, int b0, int b1) {
        int h = a.net.hiddenSize(l);
        int row = t * a.windows + b0;
        System.arraycopy(a.hidden[l], row * h, a.state[l], row * h, (b1 - b0) * h);
        kernels.multiply(a.stateMask[l], b0 * h, a.state[l], row * h, (b1 - b0) * h);
    }

    /**
     * Fills the rows of windows [b0, b1) of one step of {@code scale}, starting at row {@code firstRow} (window 0),
     * with the masks of layer {@code layer}'s output at time step {@code step}.
     */
    void fill(Activations a, int layer, int step, int firstRow, int b0, int b1, int width, float[] scale) {
        for (int b = b0; b < b1; b++) {
            kernels.dropoutMask(masks, a.seed, layer, step, b, scale, (firstRow + b) * width, width);
        }
    }

    /**
     * Drops rows [b0, b1) of step {@code t} of layer {@code layer}'s output: {@code out = in * scale} with the
     * step's masks written to {@code scale}.
     */
    void drop(Activations a, int layer, int t, float[] in, float[] out, float[] scale, int width, int b0, int b1) {
        int row = t * a.windows;
        fill(a, layer, t, row, b0, b1, width, scale);
        System.arraycopy(in, (row + b0) * width, out, (row + b0) * width, (b1 - b0) * width);
        kernels.multiply(scale, (row + b0) * width, out, (row + b0) * width, (b1 - b0) * width);
    }
}
