package dev.textgen.api.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchesTest {
    /** 50 ids 0..49, windows of 3 every 1: window i is [i, i+1, i+2] with target i+3; 47 windows. */
    private final WindowSet windows = new IdWindows(IntStream.range(0, 50).toArray(), 3, 1, 50);

    @Test
    void theSameSeedAndEpochGiveTheSameOrder() {
        assertThat(order(Batches.shuffled(windows, 10, 42, 3))).isEqualTo(order(Batches.shuffled(windows, 10, 42, 3)));
    }

    @Test
    void epochsAndSeedsGiveDifferentOrders() {
        List<Integer> epoch0 = order(Batches.shuffled(windows, 10, 42, 0));

        assertThat(order(Batches.shuffled(windows, 10, 42, 1))).isNotEqualTo(epoch0);
        assertThat(order(Batches.shuffled(windows, 10, 43, 0))).isNotEqualTo(epoch0);
        assertThat(epoch0).as("shuffled").isNotEqualTo(order(Batches.sequential(windows, 10)));
    }

    @Test
    void anEpochVisitsEveryWindowOnceWithAPartialLastBatch() {
        Batches batches = Batches.shuffled(windows, 10, 42, 0);
        Batch batch = new Batch(10, 3, 50, false);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        while (batches.next(batch)) {
            sizes.add(batch.size());
            for (int b = 0; b < batch.size(); b++) {
                targets.add(batch.targets()[b]);
                assertThat(Arrays.copyOfRange(batch.inputs(), b * 3, b * 3 + 3)).as("inputs precede the target")
                        .containsExactly(batch.targets()[b] - 3, batch.targets()[b] - 2, batch.targets()[b] - 1);
            }
        }

        assertThat(batches.count()).isEqualTo(5);
        assertThat(sizes).containsExactly(10, 10, 10, 10, 7);
        assertThat(targets).containsExactlyInAnyOrderElementsOf(IntStream.range(3, 50).boxed().toList());
    }

    @Test
    void sequentialBatchesFollowWindowOrder() {
        assertThat(order(Batches.sequential(windows, 10))).isEqualTo(IntStream.range(3, 50).boxed().toList());
    }

    @Test
    void skipResumesAtTheSameBatchWithTheSameSeed() {
        Batch full = new Batch(10, 3, 50, false);
        Batches fresh = Batches.shuffled(windows, 10, 42, 2);
        List<Long> seeds = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        while (fresh.next(full)) {
            seeds.add(full.seed());
            targets.add(Arrays.copyOf(full.targets(), full.size()));
        }

        Batch resumed = new Batch(10, 3, 50, false);
        Batches skipped = Batches.shuffled(windows, 10, 42, 2).skip(3);
        assertThat(skipped.next(resumed)).isTrue();
        assertThat(resumed.seed()).isEqualTo(seeds.get(3));
        assertThat(Arrays.copyOf(resumed.targets(), resumed.size())).containsExactly(targets.get(3));
        assertThat(skipped.next(resumed)).isTrue();
        assertThat(resumed.size()).isEqualTo(7);
        assertThat(skipped.next(resumed)).isFalse();
        assertThat(seeds).doesNotHaveDuplicates();
        assertThat(Batches.shuffled(windows, 10, 42, 2).skip(9).next(resumed)).as("skipping past the end").isFalse();
    }

    @Test
    void oneHotBatchesMatchTheirIds() {
        Batch batch = new Batch(4, 3, 50, true);
        Batches.shuffled(windows, 4, 1, 0).next(batch);

        float[] oneHot = batch.oneHot();
        for (int i = 0; i < 4 * 3; i++) {
            for (int v = 0; v < 50; v++) {
                assertThat(oneHot[i * 50 + v]).isEqualTo(v == batch.inputs()[i] ? 1f : 0f);
            }
        }
        assertThat(new Batch(4, 3, 50, false).hasOneHot()).isFalse();
    }

    @Test
    void invalidSizesAreRejected() {
        assertThatThrownBy(() -> Batches.sequential(windows, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize must be >= 1, got 0");
        assertThatThrownBy(() -> new Batch(0, 3, 50, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity 0");
        assertThatThrownBy(() -> new Batch(100_000, 100, 1000, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit in one array");
    }

    /** The targets of a whole pass, which identify the windows here. */
    private static List<Integer> order(Batches batches) {
        Batch batch = new Batch(10, 3, 50, false);
        List<Integer> targets = new ArrayList<>();
        while (batches.next(batch)) {
            for (int b = 0; b < batch.size(); b++) {
                targets.add(batch.targets()[b]);
            }
        }
        return targets;
    }
}
