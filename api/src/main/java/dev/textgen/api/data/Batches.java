package dev.textgen.api.data;

import dev.textgen.api.internal.SplitMix;

import java.util.SplittableRandom;

/**
 * Cuts a {@link WindowSet} into batches for one epoch: in a seeded shuffled order (the same seed and
 * epoch always give the same order, which is what makes resuming exact) or in sequence, refilling one
 * reusable {@link Batch} so that an epoch allocates nothing per batch.
 */
public final class Batches {
    private final WindowSet windows;
    private final int[] order;
    private final int batchSize;
    private final long epochSeed;
    private int next;
    private int batchIndex;

    private Batches(WindowSet windows, int batchSize, int[] order, long epochSeed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.windows = windows;
        this.batchSize = batchSize;
        this.order = order;
        this.epochSeed = epochSeed;
    }

    /**
     * The batches of epoch {@code epoch} (zero-based) in the order {@code seed} gives it.
     *
     * @param windows the windows to cut
     * @param batchSize windows per batch, at least 1; the last batch may hold fewer
     * @param seed the training seed
     * @param epoch the zero-based epoch, which with {@code seed} fixes the order
     * @return a pass over {@code windows} in that order
     */
    public static Batches shuffled(WindowSet windows, int batchSize, long seed, int epoch) {
        int[] order = identity(windows.size());
        long epochSeed = SplitMix.mix(seed, epoch);
        SplittableRandom random = new SplittableRandom(epochSeed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Batches(windows, batchSize, order, epochSeed);
    }

    /**
     * The batches in window order (for evaluation).
     *
     * @param windows the windows to cut
     * @param batchSize windows per batch, at least 1; the last batch may hold fewer
     * @return a pass over {@code windows} in order
     */
    public static Batches sequential(WindowSet windows, int batchSize) {
        return new Batches(windows, batchSize, identity(windows.size()), 0L);
    }

    /**
     * Batches in a full pass.
     *
     * @return {@code ceil(windows / batchSize)}
     */
    public int count() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /**
     * Skips the first {@code batches} batches (to resume mid-epoch).
     *
     * @param batches how many batches to skip, at least 0
     * @return this pass, for chaining
     */
    public Batches skip(int batches) {
        next = Math.min(order.length, (int) Math.min((long) batches * batchSize, order.length));
        batchIndex = batches;
        return this;
    }

    /**
     * Fills {@code into} with the next batch; false when the pass is over.
     *
     * @param into the batch to refill; its capacity must be at least the batch size
     * @return true when {@code into} holds a batch, false when the pass is over
     */
    public boolean next(Batch into) {
        if (next >= order.length) {
            return false;
        }
        int count = Math.min(batchSize, order.length - next);
        into.fill(windows, order, next, count, SplitMix.mix(epochSeed, batchIndex));
        next += count;
        batchIndex++;
        return true;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
