package dev.textgen.corpus;

import dev.textgen.api.data.WindowSet;

/**
 * Windows over a part of the corpus with implicit offsets: window {@code i} is the {@code maxlen} ids from
 * {@code first + i * step}, and its target is the id right after them. Nothing per window is stored.
 */
final class Windows implements WindowSet {
    private final SymbolArray ids;
    private final int first;
    private final int count;
    private final int maxlen;
    private final int step;
    private final int vocabularySize;

    Windows(SymbolArray ids, int first, int count, int maxlen, int step, int vocabularySize) {
        this.ids = ids;
        this.first = first;
        this.count = count;
        this.maxlen = maxlen;
        this.step = step;
        this.vocabularySize = vocabularySize;
    }

    /**
     * Windows starting at {@code from}, {@code from + step}, ... while the start is below {@code end - maxlen}:
     * the reference's {@code range(from, end - maxlen, step)}, so every target lies before {@code end}.
     */
    static Windows between(SymbolArray ids, int from, int end, int maxlen, int step, int vocabularySize) {
        long span = (long) end - maxlen - from;
        int count = span <= 0 ? 0 : (int) ((span + step - 1) / step);
        return new Windows(ids, from, count, maxlen, step, vocabularySize);
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int maxlen() {
        return maxlen;
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    /** Corpus offset of window {@code index}'s first symbol. */
    int start(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("window " + index + " is outside [0, " + count + ")");
        }
        return first + index * step;
    }

    @Override
    public int window(int index, int[] dst, int offset) {
        int start = start(index);
        ids.copy(start, dst, offset, maxlen);
        return ids.get(start + maxlen);
    }
}
