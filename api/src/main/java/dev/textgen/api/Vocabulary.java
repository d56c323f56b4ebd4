package dev.textgen.api;

import java.util.Arrays;

/**
 * The symbols a model knows: distinct Unicode code points, sorted ascending, so that ids are stable
 * for the same set of characters whatever order the text presented them in. A supplementary
 * character (an emoji, say) is one symbol, never two surrogate halves.
 *
 * <p>Immutable and safe to share across threads.
 */
public final class Vocabulary {
    private static final int NONE = -1;

    private final int[] codePoints;
    /** Dense id lookup for the Basic Multilingual Plane, which covers nearly every corpus. */
    private final int[] bmpIds;

    private Vocabulary(int[] sortedDistinct) {
        if (sortedDistinct.length == 0) {
            throw new IllegalArgumentException("a vocabulary needs at least one symbol");
        }
        this.codePoints = sortedDistinct;
        int maxBmp = 0;
        for (int cp : sortedDistinct) {
            if (cp <= 0xFFFF) {
                maxBmp = Math.max(maxBmp, cp);
            }
        }
        this.bmpIds = new int[maxBmp + 1];
        Arrays.fill(bmpIds, NONE);
        for (int id = 0; id < sortedDistinct.length; id++) {
            if (sortedDistinct[id] <= 0xFFFF) {
                bmpIds[sortedDistinct[id]] = id;
            }
        }
    }

    /**
     * The vocabulary of the given code points (duplicates are ignored, order does not matter).
     *
     * @param codePoints the symbols, at least one
     * @return the vocabulary, ids in ascending code point order
     */
    public static Vocabulary of(int... codePoints) {
        int[] sorted = codePoints.clone();
        for (int cp : sorted) {
            if (!Character.isValidCodePoint(cp)) {
                throw new IllegalArgumentException("not a Unicode code point: " + cp);
            }
            if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                throw new IllegalArgumentException(String.format(
                        "lone surrogate U+%04X cannot be a symbol; decode the text as UTF-16 code points", cp));
            }
        }
        return new Vocabulary(Arrays.stream(sorted).sorted().distinct().toArray());
    }

    /**
     * The vocabulary of every code point in {@code text}.
     *
     * @param text the text whose code points make the vocabulary, not empty
     * @return the vocabulary, ids in ascending code point order
     */
    public static Vocabulary fromText(CharSequence text) {
        return of(text.codePoints().toArray());
    }

    /**
     * Number of symbols.
     *
     * @return the number of distinct code points, at least 1
     */
    public int size() {
        return codePoints.length;
    }

    /**
     * The code point of symbol {@code id}.
     *
     * @param id the symbol id, in [0, size())
     * @return the symbol's code point
     */
    public int codePoint(int id) {
        if (id < 0 || id >= codePoints.length) {
            throw new IndexOutOfBoundsException("symbol id " + id + " is outside [0, " + codePoints.length + ")");
        }
        return codePoints[id];
    }

    /**
     * The id of {@code codePoint}, or -1 when it is not in the vocabulary.
     *
     * @param codePoint any code point
     * @return the id, in [0, size()), or -1
     */
    public int id(int codePoint) {
        if (codePoint >= 0 && codePoint < bmpIds.length) {
            return bmpIds[codePoint];
        }
        if (codePoint <= 0xFFFF) {
            return NONE;
        }
        int index = Arrays.binarySearch(codePoints, codePoint);
        return index >= 0 ? index : NONE;
    }

    /**
     * Whether {@code codePoint} is a symbol of this vocabulary.
     *
     * @param codePoint any code point
     * @return true when it has an id
     */
    public boolean contains(int codePoint) {
        return id(codePoint) != NONE;
    }

    /**
     * A copy of the code points in id order.
     *
     * @return the code points, ascending
     */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /**
     * All symbols as one string, in id order: the form stored in model files.
     *
     * @return a string of {@link #size()} code points
     */
    public String symbols() {
        return new String(codePoints, 0, codePoints.length);
    }

    /**
     * The inverse of {@link #symbols()}: rejects a string whose symbols are not sorted and distinct.
     *
     * @param symbols code points in strictly ascending order, as {@link #symbols()} writes them
     * @return the vocabulary
     * @throws IllegalArgumentException naming the first symbol out of order
     */
    public static Vocabulary fromSymbols(String symbols) {
        int[] cps = symbols.codePoints().toArray();
        for (int i = 1; i < cps.length; i++) {
            if (cps[i] <= cps[i - 1]) {
                throw new IllegalArgumentException("vocabulary symbols must be sorted and distinct; "
                        + describe(cps[i]) + " at index " + i + " follows " + describe(cps[i - 1]));
            }
        }
        return of(cps);
    }

    /**
     * A readable name for a code point, e.g. {@code 'a' (U+0061)} or {@code U+000A}.
     *
     * @param codePoint any code point
     * @return the character in quotes with its U+ number, or only the U+ number for control and whitespace characters
     */
    public static String describe(int codePoint) {
        String hex = String.format("U+%04X", codePoint);
        return Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)
                ? hex : "'" + Character.toString(codePoint) + "' (" + hex + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Vocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "Vocabulary[" + codePoints.length + " symbols]";
    }
}
