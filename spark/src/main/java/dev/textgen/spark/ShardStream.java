package dev.textgen.spark;

import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;

/**
 * The batches one partition trains on, as a pure function of (seed, partition, local step): local step
 * {@code t} is batch {@code t mod B} of the partition's epoch {@code t / B} (B batches per pass over its
 * shard), in the order {@link Batches#shuffled} gives for the partition's seed, with that batch's dropout
 * seed. Round {@code r} runs a fixed range of local steps, so a task Spark runs again, anywhere, trains
 * on exactly the same batches. Partition 0's seed is the training seed itself: one worker over the whole
 * corpus walks the single-process trainer's batches.
 *
 * <p>Consecutive rounds continue where the last one stopped, so the cursor is kept between them;
 * any other step is reached by skipping from the start of its epoch. Not thread-safe.
 */
final class ShardStream {
    /** Odd, so that partitions map to distinct seeds; the golden-ratio constant SplitMix uses. */
    private static final long PARTITION_STRIDE = 0x9E3779B97F4A7C15L;

    private final WindowSet windows;
    private final int batchSize;
    private final long seed;
    private final int batchesPerEpoch;
    private Batches cursor;
    private long cursorStep = -1;

    ShardStream(WindowSet windows, int batchSize, long trainingSeed, int partition) {
        this.windows = windows;
        this.batchSize = batchSize;
        this.seed = trainingSeed ^ (partition * PARTITION_STRIDE);
        this.batchesPerEpoch = Batches.sequential(windows, batchSize).count();
    }

    /** Fills {@code into} with the batch of local step {@code step}. */
    void fill(long step, Batch into) {
        if (cursor == null || cursorStep != step || step % batchesPerEpoch == 0) {
            int epoch = Math.toIntExact(step / batchesPerEpoch);
            cursor = Batches.shuffled(windows, batchSize, seed, epoch).skip((int) (step % batchesPerEpoch));
        }
        if (!cursor.next(into)) {
            throw new IllegalStateException("local step " + step + " is past its epoch of " + batchesPerEpoch + " batches");
        }
        cursorStep = step + 1;
    }
}
