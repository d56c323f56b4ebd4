package dev.textgen.scratch;

import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.data.IdWindows;

import java.util.SplittableRandom;

/** Seeded synthetic windows and batches for tests. */
public final class TestData {
    private TestData() {
    }

    /** Windows over a random id sequence of {@code length} symbols drawn from {@code vocabulary}, every {@code step}. */
    public static WindowSet windows(int length, int vocabulary, int maxlen, int step, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] text = new int[length];
        for (int i = 0; i < length; i++) {
            // A little structure (repeats) so that training has something to learn.
            text[i] = i > 2 && random.nextInt(3) != 0 ? text[i - 3] : random.nextInt(vocabulary);
        }
        return new IdWindows(text, maxlen, step, vocabulary);
    }

    /** The first shuffled batch of epoch {@code epoch}. */
    public static Batch batch(WindowSet windows, int size, long seed, int epoch) {
        Batch batch = new Batch(size, windows.maxlen(), windows.vocabularySize(), false);
        Batches.shuffled(windows, size, seed, epoch).next(batch);
        return batch;
    }
}
