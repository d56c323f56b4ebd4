package dev.textgen.dl4j;

import dev.textgen.api.spi.DropoutMasks;

/**
 * The dropout masks of the LSTM layers' outputs and the recurrent dropout masks of the state they feed back: the
 * api's shared {@link DropoutMasks} of the batch's seed, drawn in Java and written into a layer's {@code [T, H, B]}
 * mask array or its {@code [H, B]} recurrent mask array, so that a run with either dropout takes the same steps as
 * on any other backend.
 */
final class Dropout {
    private final DropoutMasks masks;
    private final DropoutMasks recurrentMasks;
    private final int hidden;

    Dropout(double rate, double recurrentRate, int hidden) {
        this.masks = new DropoutMasks(rate);
        this.recurrentMasks = new DropoutMasks(recurrentRate);
        this.hidden = hidden;
    }

    /** Fills layer {@code n}'s mask from step {@code from} on with the masks of the batch's {@code seed}. */
    void fill(Buffers s, int n, int from, long seed) {
        int size = s.size;
        float[] mask = s.maskStaging;
        for (int t = from; t < s.steps; t++) {
            for (int b = 0; b < size; b++) {
                masks.fillStrided(seed, n, t, b, mask, t * hidden * size + b, hidden, size);
            }
        }
        int first = from * hidden * size;
        s.layers[n].mask.data().asNioFloat().put(first, mask, first, (s.steps - from) * hidden * size);
    }

    /**
     * Fills layer {@code n}'s recurrent mask with the batch's {@code seed}: column {@code b} is window {@code b}'s
     * row of step {@link DropoutMasks#RECURRENT_STEP}, one mask for all the window's steps.
     */
    void fillRecurrent(Buffers s, int n, long seed) {
        int size = s.size;
        float[] mask = s.recurrentMaskStaging;
        for (int b = 0; b < size; b++) {
            recurrentMasks.fillStrided(seed, n, DropoutMasks.RECURRENT_STEP, b, mask, b, hidden, size);
        }
        s.layers[n].recurrentMask.data().asNioFloat().put(0, mask);
    }
}
