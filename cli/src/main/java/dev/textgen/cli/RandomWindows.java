package dev.textgen.cli;

import dev.textgen.api.data.WindowSet;

import java.util.SplittableRandom;

/** Windows over a seeded random id sequence, shaped like a corpus' (maxlen inputs every step ids), for benchmarks. */
final class RandomWindows implements WindowSet {
    private final int[] ids;
    private final int maxlen;
    private final int step;
    private final int vocabularySize;
    private final int size;

    private RandomWindows(int[] ids, int maxlen, int step, int vocabularySize, int size) {
        this.ids = ids;
        this.maxlen = maxlen;
        this.step = step;
        this.vocabularySize = vocabularySize;
        this.size = size;
    }

    /** {@code windows} windows over uniformly random ids in {@code [0, vocabularySize)}. */
    static RandomWindows of(int vocabularySize, int maxlen, int step, int windows, long seed) {
        int length = (windows - 1) * step + maxlen + 1;
        int[] ids = new SplittableRandom(seed).ints(length, 0, vocabularySize).toArray();
        return new RandomWindows(ids, maxlen, step, vocabularySize, windows);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int maxlen() {
        return maxlen;
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public int window(int index, int[] dst, int offset) {
        int start = index * step;
        System.arraycopy(ids, start, dst, offset, maxlen);
        return ids[start + maxlen];
    }
}
