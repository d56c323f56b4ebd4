package dev.textgen.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns text into symbol ids and back, and ids into the reference notebook's one-hot encoding for backends that
 * want dense input. Immutable and safe to share across threads.
 */
public final class Vectorizer {
    private final Vocabulary vocabulary;

    /**
     * A vectorizer over {@code vocabulary}.
     *
     * @param vocabulary the symbols ids refer to
     */
    public Vectorizer(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    /**
     * The symbols ids refer to.
     *
     * @return the vocabulary
     */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The ids of {@code text}; fails listing every character outside the vocabulary.
     *
     * @param text the text to encode
     * @return one id per code point
     * @throws UnknownCharacterException listing the characters outside the vocabulary and their positions
     */
    public int[] encode(CharSequence text) {
        return encode(text, UnknownChars.ERROR, 0);
    }

    /**
     * The ids of {@code text} with unknown characters handled by {@code policy}; {@code replacement}
     * is the code point used by {@link UnknownChars#REPLACE} and must itself be in the vocabulary.
     *
     * @param text the text to encode
     * @param policy what to do with characters outside the vocabulary
     * @param replacement the code point {@code REPLACE} puts instead; ignored by the other policies
     * @return one id per kept code point
     */
    public int[] encode(CharSequence text, UnknownChars policy, int replacement) {
        int replacementId = NO_ID;
        if (policy == UnknownChars.REPLACE) {
            replacementId = vocabulary.id(replacement);
            if (replacementId == NO_ID) {
                throw new UnknownCharacterException("the replacement character " + Vocabulary.describe(replacement)
                        + " is not in the vocabulary either; choose one of " + preview());
            }
        }
        int[] ids = new int[text.length()];
        int count = 0;
        List<String> unknown = new ArrayList<>();
        int position = 0;
        for (int i = 0; i < text.length(); position++) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            int id = vocabulary.id(cp);
            if (id != NO_ID) {
                ids[count++] = id;
            } else if (policy == UnknownChars.REPLACE) {
                ids[count++] = replacementId;
            } else if (policy == UnknownChars.ERROR) {
                unknown.add(Vocabulary.describe(cp) + " at " + position);
            }
        }
        if (!unknown.isEmpty()) {
            int shown = Math.min(unknown.size(), 20);
            throw new UnknownCharacterException(unknown.size() + " character(s) of the text are not in the model's "
                    + vocabulary.size() + "-symbol vocabulary: " + String.join(", ", unknown.subList(0, shown))
                    + (unknown.size() > shown ? ", ..." : "")
                    + " (positions count code points from 0); set generation.unknownChars to \"skip\" or \"replace\""
                    + " to accept such text");
        }
        return count == ids.length ? ids : Arrays.copyOf(ids, count);
    }

    /**
     * The text of {@code ids[from, to)}.
     *
     * @param ids symbol ids
     * @param from the first index to decode
     * @param to one past the last index to decode
     * @return the text, one code point per id
     */
    public String decode(int[] ids, int from, int to) {
        StringBuilder text = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            text.appendCodePoint(vocabulary.codePoint(ids[i]));
        }
        return text.toString();
    }

    /**
     * The text of all {@code ids}.
     *
     * @param ids symbol ids
     * @return the text, one code point per id
     */
    public String decode(int... ids) {
        return decode(ids, 0, ids.length);
    }

    /**
     * Writes the one-hot rows of {@code ids[from, from + length)} into {@code out} starting at
     * {@code outOffset}: {@code length} rows of {@code vocabulary.size()} floats, row-major.
     *
     * @param ids symbol ids
     * @param from the first index to encode
     * @param length how many ids to encode
     * @param out receives {@code length * vocabulary.size()} floats, all 0 but one 1 per row
     * @param outOffset where in {@code out} the first row starts
     */
    public void oneHot(int[] ids, int from, int length, float[] out, int outOffset) {
        int v = vocabulary.size();
        Arrays.fill(out, outOffset, outOffset + length * v, 0f);
        for (int t = 0; t < length; t++) {
            out[outOffset + t * v + ids[from + t]] = 1f;
        }
    }

    /**
     * A new {@code ids.length x vocabulary.size()} one-hot matrix, row-major.
     *
     * @param ids symbol ids
     * @return {@code ids.length * vocabulary.size()} floats
     */
    public float[] oneHot(int... ids) {
        float[] out = new float[ids.length * vocabulary.size()];
        oneHot(ids, 0, ids.length, out, 0);
        return out;
    }

    private String preview() {
        String symbols = vocabulary.symbols();
        return symbols.length() > 80 ? symbols.substring(0, 80) + "..." : symbols;
    }

    private static final int NO_ID = -1;
}
