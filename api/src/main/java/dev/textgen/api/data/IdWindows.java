package dev.textgen.api.data;

import dev.textgen.api.Vectorizer;
import dev.textgen.api.Vocabulary;

/**
 * Windows over one id array held in memory, a window every {@code step} ids, cut the way the corpus
 * module cuts a text: window {@code i} starts at {@code i * step} and its target is the id after its
 * {@code maxlen} inputs. For short texts and tests; a corpus keeps its ids more compactly.
 */
public final class IdWindows implements WindowSet {
    private final int[] ids;
    private final int maxlen;
    private final int step;
    private final int vocabularySize;
    private final int size;

    /**
     * The windows of {@code ids} (copied), each {@code maxlen} ids of a {@code vocabularySize}-symbol
     * vocabulary followed by its target.
     *
     * @param ids symbol ids of the text, each in [0, vocabularySize)
     * @param maxlen ids per window, at least 1
     * @param step distance between window starts, at least 1
     * @param vocabularySize the number of distinct ids
     * @throws IllegalArgumentException when {@code maxlen} or {@code step} is below 1
     */
    public IdWindows(int[] ids, int maxlen, int step, int vocabularySize) {
        if (maxlen < 1 || step < 1) {
            throw new IllegalArgumentException("maxlen and step must be >= 1, got maxlen " + maxlen + ", step " + step);
        }
        this.ids = ids.clone();
        this.maxlen = maxlen;
        this.step = step;
        this.vocabularySize = vocabularySize;
        this.size = ids.length > maxlen ? (ids.length - maxlen - 1) / step + 1 : 0;
    }

    /**
     * The windows of {@code text} over {@code vocabulary}.
     *
     * @param text the (normalised) text to cut
     * @param vocabulary maps the text's symbols to ids
     * @param maxlen symbols per window, at least 1
     * @param step distance between window starts in symbols, at least 1
     * @return the windows starting every {@code step} symbols that have a target
     * @throws dev.textgen.api.UnknownCharacterException listing the characters of {@code text} outside the vocabulary
     */
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
