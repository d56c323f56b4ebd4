package dev.textgen.api;

import dev.textgen.api.config.CorpusConfig;

import java.nio.CharBuffer;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The text changes a model was trained with, applied in this order: Unicode NFC, lowercasing with
 * {@link Locale#ROOT}, and CRLF or a lone CR to LF. The corpus reader applies them to the training text
 * and {@link TextGenerator} to every prompt, so a prompt is read the way the model's text was. They
 * come from {@code corpus.nfc}, {@code corpus.lowercase} and {@code corpus.normalizeNewlines}
 * ({@link CorpusConfig#normalization()}), which every model file stores with its config.
 *
 * <p>NFC and lowercasing are context sensitive (combining marks, Greek final sigma), so a
 * {@link Streaming} normaliser runs them on segments cut just after a whitespace character, where neither
 * has context across the cut; the result is the same as transforming the whole text at once. Only a run
 * of more than 2^20 chars without any whitespace is cut elsewhere (never inside a surrogate pair).
 *
 * @param nfc               apply Unicode NFC normalisation
 * @param lowercase         lowercase with {@link Locale#ROOT}
 * @param normalizeNewlines turn CRLF and lone CR into LF
 */
public record TextNormalization(boolean nfc, boolean lowercase, boolean normalizeNewlines) {
    /** The longest run of chars without whitespace that is normalised in one piece. */
    private static final int LONGEST_SEGMENT = 1 << 20;
    private static final int SEGMENT = 1 << 16;

    /** No change at all. */
    public static final TextNormalization NONE = new TextNormalization(false, false, false);

    /**
     * {@code text} normalised as a whole.
     *
     * @param text the text to normalise
     * @return the normalised text
     */
    public String apply(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length());
        Streaming streaming = streaming(out::appendCodePoint);
        streaming.append(text);
        streaming.finish();
        return out.toString();
    }

    /**
     * A normaliser that takes text in pieces and hands each normalised code point to {@code sink}.
     *
     * @param sink receives each normalised code point, in order
     * @return a new normaliser for one text
     */
    public Streaming streaming(IntConsumer sink) {
        return new Streaming(this, sink);
    }

    /**
     * Normalises text given in pieces of any size, with the same result as {@link #apply} on their
     * concatenation once {@link #finish()} is called. One instance serves one text on one thread.
     */
    public static final class Streaming {
        private final TextNormalization normalization;
        private final IntConsumer sink;
        private final StringBuilder pending = new StringBuilder();
        private boolean afterCarriageReturn;
        /** Index in {@link #pending} just after its last whitespace char, 0 when it has none. */
        private int afterLastWhitespace;

        private Streaming(TextNormalization normalization, IntConsumer sink) {
            this.normalization = normalization;
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        /**
         * Takes the next piece of the text.
         *
         * @param chars the next piece; it may end inside a line or a surrogate pair
         */
        public void append(CharSequence chars) {
            if (chars.length() > SEGMENT) {
                for (int from = 0; from < chars.length(); from += SEGMENT) {
                    append(CharBuffer.wrap(chars, from, Math.min(chars.length(), from + SEGMENT)));
                }
                return;
            }
            int appendedFrom = pending.length();
            pending.append(chars);
            for (int i = pending.length() - 1; i >= appendedFrom; i--) {
                if (Character.isWhitespace(pending.charAt(i))) {
                    afterLastWhitespace = i + 1;
                    break;
                }
            }
            if (pending.length() >= SEGMENT) {
                int cut = afterLastWhitespace > 0 ? afterLastWhitespace
                        : pending.length() >= LONGEST_SEGMENT ? outsideSurrogatePair(pending.length()) : 0;
                if (cut > 0) {
                    emit(pending.substring(0, cut));
                    pending.delete(0, cut);
                    afterLastWhitespace = 0;
                }
            }
        }

        /** Normalises and hands on what is left; call once, after the last {@link #append}. */
        public void finish() {
            emit(pending.toString());
            pending.setLength(0);
            afterLastWhitespace = 0;
        }

        private int outsideSurrogatePair(int cut) {
            return Character.isHighSurrogate(pending.charAt(cut - 1)) ? cut - 1 : cut;
        }

        private void emit(String segment) {
            String text = normalization.nfc ? Normalizer.normalize(segment, Normalizer.Form.NFC) : segment;
            if (normalization.lowercase) {
                text = text.toLowerCase(Locale.ROOT);
            }
            for (int i = 0; i < text.length(); ) {
                int codePoint = text.codePointAt(i);
                i += Character.charCount(codePoint);
                if (normalization.normalizeNewlines) {
                    boolean skip = codePoint == '\n' && afterCarriageReturn;
                    afterCarriageReturn = codePoint == '\r';
                    if (skip) {
                        continue;
                    }
                    if (codePoint == '\r') {
                        codePoint = '\n';
                    }
                }
                sink.accept(codePoint);
            }
        }
    }
}
