package dev.textgen.api.data;

/**
 * Training windows: window {@code i} is {@code maxlen()} input ids followed by one target id. Backed
 * by one compact id array with implicit offsets, so memory is O(text), never O(windows x maxlen x
 * vocabulary). Implementations are immutable and safe to read from several threads.
 */
public interface WindowSet {

    /**
     * Number of windows.
     *
     * @return the number of windows, at least 0
     */
    int size();

    /**
     * Input length of every window.
     *
     * @return ids per window, at least 1
     */
    int maxlen();

    /**
     * Number of symbols ids are drawn from.
     *
     * @return the vocabulary size; every id is below it
     */
    int vocabularySize();

    /**
     * Copies window {@code index}'s inputs into {@code dst[offset, offset + maxlen())} and returns its target id.
     *
     * @param index the window, in [0, size())
     * @param dst receives the window's {@code maxlen()} input ids
     * @param offset where in {@code dst} the ids start
     * @return the window's target id
     */
    int window(int index, int[] dst, int offset);

    /**
     * An empty set, for "no validation data".
     *
     * @param maxlen ids per window the set claims to have
     * @param vocabularySize the vocabulary size the set claims to have
     * @return a set of size 0
     */
    static WindowSet empty(int maxlen, int vocabularySize) {
        return new WindowSet() {
            @Override
            public int size() {
                return 0;
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
                throw new IndexOutOfBoundsException("window " + index + " of an empty set");
            }
        };
    }
}
