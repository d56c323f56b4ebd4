package dev.textgen.corpus;

import dev.textgen.api.CorpusException;
import dev.textgen.api.config.CorpusConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Turns bytes or text into the corpus's code points, streaming: decode with the configured charset, drop a
 * leading byte order mark, then optionally NFC, lowercase ({@link Locale#ROOT}) and CRLF/CR to LF.
 *
 * <p>NFC and lowercasing are context sensitive (combining marks, Greek final sigma), so they run on
 * segments cut just after a whitespace character, where neither has context across the cut; the result is
 * the same as transforming the whole text at once. Only a run of more than {@link #LONGEST_SEGMENT} chars
 * without any whitespace is cut elsewhere (never inside a surrogate pair).
 */
final class TextReader {
    private static final int BUFFER = 1 << 16;
    private static final int SEGMENT = 1 << 16;
    static final int LONGEST_SEGMENT = 1 << 20;
    private static final int BOM = 0xFEFF;

    private final CorpusConfig config;
    private final IntConsumer sink;
    private final StringBuilder pending = new StringBuilder(SEGMENT + BUFFER);
    private boolean atStart = true;
    private boolean afterCarriageReturn;
    /** Index in {@link #pending} just after its last whitespace char, 0 when it has none. */
    private int afterLastWhitespace;

    private TextReader(CorpusConfig config, IntConsumer sink) {
        this.config = config;
        this.sink = sink;
    }

    /** Decodes {@code in} (named {@code name} in errors) and passes each normalised code point to {@code sink}. */
    static void decode(InputStream in, String name, CorpusConfig config, IntConsumer sink) throws IOException {
        boolean replace = config.malformed().equals("replace");
        CodingErrorAction action = replace ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        CharsetDecoder decoder = Charset.forName(config.charset()).newDecoder()
                .onMalformedInput(action).onUnmappableCharacter(action);
        TextReader reader = new TextReader(config, sink);
        ReadableByteChannel channel = Channels.newChannel(in);
        ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
        CharBuffer chars = CharBuffer.allocate(BUFFER);
        long consumed = 0;
        boolean eof = false;
        while (true) {
            if (!eof && channel.read(bytes) < 0) {
                eof = true;
            }
            bytes.flip();
            CoderResult result = decoder.decode(bytes, chars, eof);
            if (result.isError()) {
                throw malformed(name, config.charset(), consumed + bytes.position(), bytes, result);
            }
            reader.accept(chars.flip());
            chars.clear();
            if (eof && result.isUnderflow()) {
                break;
            }
            consumed += bytes.position();
            bytes.compact();
        }
        decoder.flush(chars);
        reader.accept(chars.flip());
        reader.finish();
    }

    /** Normalises text already in memory, exactly as {@link #decode} would after decoding. */
    static void normalize(CharSequence text, CorpusConfig config, IntConsumer sink) {
        TextReader reader = new TextReader(config, sink);
        for (int from = 0; from < text.length(); from += BUFFER) {
            reader.accept(CharBuffer.wrap(text, from, Math.min(text.length(), from + BUFFER)));
        }
        reader.finish();
    }

    private void accept(CharBuffer chars) {
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

    private void finish() {
        emit(pending.toString());
        pending.setLength(0);
    }

    private int outsideSurrogatePair(int cut) {
        return Character.isHighSurrogate(pending.charAt(cut - 1)) ? cut - 1 : cut;
    }

    private void emit(String segment) {
        String text = config.nfc() ? Normalizer.normalize(segment, Normalizer.Form.NFC) : segment;
        if (config.lowercase()) {
            text = text.toLowerCase(Locale.ROOT);
        }
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (atStart) {
                atStart = false;
                if (codePoint == BOM) {
                    continue;
                }
            }
            if (config.normalizeNewlines()) {
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

    private static CorpusException malformed(String name, String charset, long offset, ByteBuffer bytes,
                                             CoderResult result) {
        int length = Math.min(result.length(), bytes.remaining());
        byte[] bad = new byte[length];
        bytes.get(bytes.position(), bad);
        String kind = result.isMalformed() ? "malformed" : "unmappable";
        return new CorpusException(String.format(Locale.ROOT,
                "%s: %s %s input at byte offset %,d (bytes %s); pick the file's real charset with corpus.charset,"
                        + " fix the file, or set corpus.malformed to \"replace\" to read such bytes as U+FFFD",
                name, kind, charset, offset, HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bad)));
    }
}
