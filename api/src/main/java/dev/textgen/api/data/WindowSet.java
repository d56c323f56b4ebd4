package dev.textgen.api.data;

/**
 * Training windows: window {@code i} is {@code maxlen()} input ids followed by one target id. Backed
 * by one compact id array with implicit offsets, so memory is O(text), never O(windows x maxlen x
 * vocabulary). Implementations are immutable and safe to read from several threads.
 */
public interface WindowSet {

    /** Number of windows. */
    int size();

    /** Input length of every window. */
    int maxlen();

    /** Number of symbols ids are drawn from. */
    int vocabularySize();

    /** Copies window {@code index}'s inputs into {@code dst[offset, offset + maxlen())} and returns its target id. */
    int window(int index, int[] dst, int offset);

    /** An empty set, for "no validation data". */
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
