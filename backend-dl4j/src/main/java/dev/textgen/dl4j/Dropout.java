package dev.textgen.dl4j;

import dev.textgen.api.spi.DropoutMasks;

/**
 * The dropout masks of the LSTM layers' outputs: the api's shared {@link DropoutMasks} of the batch's seed, drawn
 * in Java and written into a layer's {@code [T, H, B]} mask array, so that a run with dropout takes the same steps
 * as on any other backend.
 */
final class Dropout {
    private final DropoutMasks masks;
    private final int hidden;

    Dropout(double rate, int hidden) {
        this.masks = new DropoutMasks(rate);
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
}
