package dev.textgen.api;

import dev.textgen.api.spi.RecurrentRows;

import java.util.Arrays;

/**
 * The rows of one {@link GenerationBatch.Member} inside its batch: a session on a slice reads and resets its rows at
 * once, but its step only records the id for the batch's next batched step, which advances every member's rows
 * together. A row's distribution comes from the batch's {@code prepared} distributions when the batch computed it
 * for this step (with the other rows read, in one product), else from the batch's rows. The batch keeps live rows
 * first and moves a slice's {@link #base} when a member before it leaves. Until it is placed, a slice is bound to no
 * batch and its session must not be fed.
 */
final class RowSlice implements RecurrentRows {
    private final int size;
    private RecurrentRows batch;
    private int[] ids;
    private float[][] prepared;
    private int base;

    RowSlice(int size) {
        this.size = size;
    }

    int base() {
        return base;
    }

    /**
     * Binds the slice to a batch's rows, its pending ids and its prepared distributions, at {@code base}, and resets
     * its rows.
     */
    void place(RecurrentRows batch, int[] ids, float[][] prepared, int base) {
        this.batch = batch;
        this.ids = ids;
        this.prepared = prepared;
        this.base = base;
        reset();
    }

    /** Moves the slice to {@code base} in its batch, whose rows there already hold its state. */
    void moveTo(int base) {
        this.base = base;
    }

    @Override
    public int rows() {
        return size;
    }

    @Override
    public void reset() {
        for (int r = 0; r < size; r++) {
            batch.reset(base + r);
        }
    }

    @Override
    public void reset(int row) {
        batch.reset(base + row);
    }

    /** Records {@code id} for every row of the slice; the batch's next batched step applies it. */
    @Override
    public void step(int id) {
        if (size == 1) {
            ids[base] = id;
        } else {
            Arrays.fill(ids, base, base + size, id);
        }
    }

    @Override
    public void step(int[] ids, int count) {
        throw new UnsupportedOperationException("a slice is stepped by its batch, one id per slice");
    }

    @Override
    public void move(int from, int to, int count) {
        throw new UnsupportedOperationException("the batch moves rows");
    }

    @Override
    public float[] probabilities(int row, float[] out) {
        float[] ready = prepared[base + row];
        if (ready == null) {
            return batch.probabilities(base + row, out);
        }
        System.arraycopy(ready, 0, out, 0, ready.length);
        return out;
    }
}
