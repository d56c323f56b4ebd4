package dev.textgen.api.testing;

import dev.textgen.api.Vectorizer;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.data.WindowSet;

/**
 * Windows over one id array, a window every {@code step} ids, the way the corpus module cuts them;
 * for tests that must not depend on that module.
 */
public final class IdWindows implements WindowSet {
    private final int[] ids;
    private final int maxlen;
    private final int step;
    private final int vocabularySize;
    private final int size;

    public IdWindows(int[] ids, int maxlen, int step, int vocabularySize) {
        this.ids = ids.clone();
        this.maxlen = maxlen;
        this.step = step;
        this.vocabularySize = vocabularySize;
        this.size = ids.length > maxlen ? (ids.length - maxlen - 1) / step + 1 : 0;
    }

    /** The windows of {@code text} over {@code vocabulary}. */
    public static IdWindows of(String text, Vocabulary vocabulary, int maxlen, int step) {
        return new IdWindows(new Vectorizer(vocabulary).encode(text), maxlen, step, vocabulary.size());
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
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("window " + index + " of " + size);
        }
        int start = index * step;
        System.arraycopy(ids, start, dst, offset, maxlen);
        return ids[start + maxlen];
    }
}
