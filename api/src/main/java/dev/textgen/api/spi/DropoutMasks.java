package dev.textgen.api.spi;

import dev.textgen.api.internal.SplitMix;

/**
 * The inverted-dropout masks of a training batch, drawn from one seeded stream that every backend uses, so
 * that a run with dropout takes the same steps on every backend. Dropout applies to the output of every LSTM
 * layer: the input of the layer above, and of the Dense layer above the top one. The mask of the output of
 * layer {@code layer} at time step {@code step} for window {@code window} of a batch (a row of that layer's
 * width) depends only on the batch's seed and these three numbers, never on how a backend lays out or splits
 * the batch: element {@code j} is {@code 0} with probability {@code rate} and {@code 1 / (1 - rate)} otherwise,
 * decided by the top 24 bits of the {@code j + 1}-th SplitMix64 output after the row's seed. The recurrent
 * dropout mask of layer {@code layer} for a window, which scales the state the layer feeds back at every step of
 * the window, is the row of step {@link #RECURRENT_STEP}, drawn with the recurrent dropout rate. Immutable.
 */
public final class DropoutMasks {
    /** The step of the recurrent dropout masks' rows: no time step, as one mask serves all of a window's steps. */
    public static final int RECURRENT_STEP = -1;

    private final float keep;
    private final long threshold;

    /**
     * Masks that drop with probability {@code rate}, in [0, 1).
     *
     * @param rate the drop probability, in [0, 1); 0 keeps every element with scale 1
     * @throws IllegalArgumentException when {@code rate} is outside [0, 1)
     */
    public DropoutMasks(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        float dropRate = (float) rate;
        this.keep = 1f / (1f - dropRate);
        this.threshold = (long) (dropRate * (double) (1L << 24));
    }

    /**
     * The SplitMix64 state a mask row starts from: the batch seed, then the layer, the step and the window, each
     * mixed in. Element {@code j} of the row is {@code 0} when {@code finish(rowState + (j + 1) * GAMMA) >>> 40}
     * (SplitMix64's increment and output function) is below {@link #threshold()} and {@link #keep()} otherwise: what
     * a backend that draws many elements at once (SIMD lanes) needs to give the same masks as {@link #fill}.
     *
     * @param batchSeed the batch's {@link dev.textgen.api.data.Batch#seed()}
     * @param layer the LSTM layer whose output is masked, counted from 0 at the bottom
     * @param step the time step within the window, in [0, maxlen), or {@link #RECURRENT_STEP}
     * @param window the window's index within the batch
     * @return the state before the row's first draw
     */
    public static long rowState(long batchSeed, int layer, int step, int window) {
        return SplitMix.mix(SplitMix.mix(SplitMix.mix(batchSeed, layer), step), window);
    }

    /**
     * The draws (top 24 bits of a SplitMix64 output) below which an element is dropped.
     *
     * @return {@code rate * 2^24}, rounded down
     */
    public long threshold() {
        return threshold;
    }

    /**
     * The scale of a kept element.
     *
     * @return {@code 1 / (1 - rate)} in float
     */
    public float keep() {
        return keep;
    }

    /**
     * Writes the mask row of layer {@code layer}'s output at {@code step} for {@code window} into
     * {@code out[offset, offset + width)}.
     *
     * @param batchSeed the batch's {@link dev.textgen.api.data.Batch#seed()}
     * @param layer the LSTM layer whose output is masked, counted from 0 at the bottom
     * @param step the time step within the window, in [0, maxlen), or {@link #RECURRENT_STEP}
     * @param window the window's index within the batch
     * @param out receives the mask values, 0 or {@code 1 / (1 - rate)}
     * @param offset where in {@code out} the row starts
     * @param width the layer's output width (its hidden size)
     */
    public void fill(long batchSeed, int layer, int step, int window, float[] out, int offset, int width) {
        fillStrided(batchSeed, layer, step, window, out, offset, width, 1);
    }

    /**
     * Writes the same row into a column of a feature-major array: element {@code j} to
     * {@code out[offset + j * stride]} (a backend that keeps {@code [features, batch]} matrices).
     *
     * @param batchSeed the batch's {@link dev.textgen.api.data.Batch#seed()}
     * @param layer the LSTM layer whose output is masked, counted from 0 at the bottom
     * @param step the time step within the window, in [0, maxlen), or {@link #RECURRENT_STEP}
     * @param window the window's index within the batch
     * @param out receives the mask values, 0 or {@code 1 / (1 - rate)}
     * @param offset where in {@code out} element 0 goes
     * @param width the layer's output width (its hidden size)
     * @param stride the distance in {@code out} between consecutive elements, e.g. the batch size
     */
    public void fillStrided(long batchSeed, int layer, int step, int window, float[] out, int offset, int width,
                            int stride) {
        long state = rowState(batchSeed, layer, step, window);
        for (int j = 0; j < width; j++) {
            state += SplitMix.GAMMA;
            long draw = SplitMix.finish(state) >>> 40;
            out[offset + j * stride] = draw < threshold ? 0f : keep;
        }
    }
}
