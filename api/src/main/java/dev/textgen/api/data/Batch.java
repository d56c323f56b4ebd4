package dev.textgen.api.data;

/**
 * A reusable batch buffer, refilled by {@link Batches}: {@code size} windows of {@code maxlen} ids,
 * row-major in {@link #inputs()}, their targets, and a per-batch seed for dropout. The one-hot form is
 * filled only when the batch was created with it, for backends that want dense input.
 */
public final class Batch {
    private final int capacity;
    private final int maxlen;
    private final int vocabularySize;
    private final int[] inputs;
    private final int[] targets;
    private final float[] oneHot;
    private int size;
    private long seed;

    /**
     * An empty batch buffer of the given sizes; {@link Batches#next} fills it.
     *
     * @param capacity the most windows a batch holds, at least 1
     * @param maxlen ids per window, at least 1
     * @param vocabularySize the number of distinct ids, at least 1
     * @param withOneHot whether to fill {@link #oneHot()} too (the one-hot array must fit in one Java array)
     * @throws IllegalArgumentException when a size is below 1 or the one-hot array would be too large
     */
    public Batch(int capacity, int maxlen, int vocabularySize, boolean withOneHot) {
        if (capacity < 1 || maxlen < 1 || vocabularySize < 1) {
            throw new IllegalArgumentException("batch sizes must be >= 1: capacity " + capacity + ", maxlen " + maxlen
                    + ", vocabularySize " + vocabularySize);
        }
        this.capacity = capacity;
        this.maxlen = maxlen;
        this.vocabularySize = vocabularySize;
        this.inputs = new int[capacity * maxlen];
        this.targets = new int[capacity];
        long dense = (long) capacity * maxlen * vocabularySize;
        if (withOneHot && dense > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a one-hot batch of " + capacity + " x " + maxlen + " x " + vocabularySize
                    + " floats does not fit in one array; use a smaller batch or a backend that takes ids");
        }
        this.oneHot = withOneHot ? new float[(int) dense] : null;
    }

    /**
     * The most windows this batch holds.
     *
     * @return the capacity, at least 1
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The length of every window.
     *
     * @return ids per window, at least 1
     */
    public int maxlen() {
        return maxlen;
    }

    /**
     * The number of distinct ids, the width of a one-hot row.
     *
     * @return the vocabulary size, at least 1
     */
    public int vocabularySize() {
        return vocabularySize;
    }

    /**
     * Windows in this batch (the last batch of an epoch may hold fewer than {@link #capacity()}).
     *
     * @return the number of filled windows, in [0, capacity]
     */
    public int size() {
        return size;
    }

    /**
     * Input ids, {@code [capacity][maxlen]} row-major; rows past {@link #size()} are stale.
     *
     * @return the array itself, not a copy; {@code capacity * maxlen} ids
     */
    public int[] inputs() {
        return inputs;
    }

    /**
     * Target ids, one per window.
     *
     * @return the array itself, not a copy; {@code capacity} ids, the first {@link #size()} valid
     */
    public int[] targets() {
        return targets;
    }

    /**
     * Whether {@link #oneHot()} is filled.
     *
     * @return true when the batch was created with one-hot inputs
     */
    public boolean hasOneHot() {
        return oneHot != null;
    }

    /**
     * One-hot inputs {@code [capacity][maxlen][vocabularySize]}, or null when not requested.
     *
     * @return the array itself, not a copy, or null
     */
    public float[] oneHot() {
        return oneHot;
    }

    /**
     * Seed for this batch's randomness (dropout masks), derived from the training seed and position.
     *
     * @return the seed of this batch's dropout masks
     */
    public long seed() {
        return seed;
    }

    /** Fills the batch with {@code count} windows of {@code windows}, by index; used by {@link Batches}. */
    void fill(WindowSet windows, int[] order, int from, int count, long batchSeed) {
        if (count > capacity) {
            throw new IllegalArgumentException(count + " windows exceed the batch capacity " + capacity);
        }
        for (int b = 0; b < count; b++) {
            targets[b] = windows.window(order[from + b], inputs, b * maxlen);
        }
        if (oneHot != null) {
            int row = maxlen * vocabularySize;
            java.util.Arrays.fill(oneHot, 0, count * row, 0f);
            for (int i = 0; i < count * maxlen; i++) {
                oneHot[i * vocabularySize + inputs[i]] = 1f;
            }
        }
        this.size = count;
        this.seed = batchSeed;
    }
}
