package dev.textgen.api.spi;

/**
 * Argument checks that every {@link dev.textgen.api.LanguageModel} and {@link dev.textgen.api.Session}
 * implementation shares, so that all backends reject bad input with the same messages.
 */
public final class ModelArguments {
    private ModelArguments() {
    }

    /**
     * Checks the arguments of {@link dev.textgen.api.LanguageModel#predict} and returns the first index
     * of the window actually read, {@code max(from, to - maxlen)}.
     *
     * @throws IllegalArgumentException for a null or empty range, an id outside the vocabulary or a wrong {@code out}
     */
    public static int windowStart(int[] context, int from, int to, float[] out, int maxlen, int vocabularySize) {
        if (context == null) {
            throw new IllegalArgumentException("context is null");
        }
        if (from < 0 || to > context.length || from >= to) {
            throw new IllegalArgumentException("context range [" + from + ", " + to + ") is empty or outside the "
                    + context.length + " ids given");
        }
        checkOut(out, vocabularySize);
        int start = Math.max(from, to - maxlen);
        for (int i = start; i < to; i++) {
            checkId(context[i], i, vocabularySize);
        }
        return start;
    }

    /** Checks that {@code id}, found at {@code position} of the caller's input, is a symbol of the vocabulary. */
    public static void checkId(int id, long position, int vocabularySize) {
        if (id < 0 || id >= vocabularySize) {
            throw new IllegalArgumentException("symbol id " + id + " at position " + position
                    + " is outside the vocabulary [0, " + vocabularySize + ")");
        }
    }

    /** Checks that {@code out} holds exactly one float per symbol. */
    public static void checkOut(float[] out, int vocabularySize) {
        if (out == null || out.length != vocabularySize) {
            throw new IllegalArgumentException("out must hold " + vocabularySize + " floats (the vocabulary size), got "
                    + (out == null ? "null" : out.length));
        }
    }
}
