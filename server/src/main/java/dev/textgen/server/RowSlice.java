package dev.textgen.server;

import dev.textgen.api.spi.RecurrentRows;

import java.util.Arrays;

/**
 * The rows of one job inside the engine's batch: a session on a slice reads and resets its rows at once, but its
 * step only records the id for the engine's next batched step, which advances every job's rows together. A row's
 * distribution comes from the engine's {@code prepared} distributions when the engine computed it for this step
 * (with the other rows read, in one product), else from the batch. The engine keeps live rows first and moves a
 * slice's {@link #base} when a job before it leaves.
 */
final class RowSlice implements RecurrentRows {
    private final RecurrentRows batch;
    private final int[] ids;
    private final float[][] prepared;
    private final int size;
    private int base;

    RowSlice(RecurrentRows batch, int[] ids, float[][] prepared, int size) {
        this.batch = batch;
        this.ids = ids;
        this.prepared = prepared;
        this.size = size;
    }

    int base() {
        return base;
    }

    /** Places the slice at {@code base} in the batch; its rows keep whatever state they hold. */
    void place(int base) {
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

    /** Records {@code id} for every row of the slice; the engine's next batched step applies it. */
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
        throw new UnsupportedOperationException("a slice is stepped by its engine, one id per slice");
    }

    @Override
    public void move(int from, int to, int count) {
        throw new UnsupportedOperationException("the engine moves rows in its batch");
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
