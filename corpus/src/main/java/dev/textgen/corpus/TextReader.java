package dev.textgen.corpus;

import dev.textgen.api.CorpusException;
import dev.textgen.api.TextNormalization;
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
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Turns bytes or text into the corpus's code points, streaming: decode with the configured charset, drop a
 * leading byte order mark, then apply the config's {@link TextNormalization} (the one prompts get too).
 */
final class TextReader {
    private static final int BUFFER = 1 << 16;
    private static final int BOM = 0xFEFF;

    private TextReader() {
    }

    /** Decodes {@code in} (named {@code name} in errors) and passes each normalised code point to {@code sink}. */
    static void decode(InputStream in, String name, CorpusConfig config, IntConsumer sink) throws IOException {
        boolean replace = config.malformed().equals("replace");
        CodingErrorAction action = replace ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        CharsetDecoder decoder = Charset.forName(config.charset()).newDecoder()
                .onMalformedInput(action).onUnmappableCharacter(action);
        TextNormalization.Streaming normalizer = normalizer(config, sink);
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
            normalizer.append(chars.flip());
            chars.clear();
            if (eof && result.isUnderflow()) {
                break;
            }
            consumed += bytes.position();
            bytes.compact();
        }
        decoder.flush(chars);
        normalizer.append(chars.flip());
        normalizer.finish();
    }

    /** Normalises text already in memory, exactly as {@link #decode} would after decoding. */
    static void normalize(CharSequence text, CorpusConfig config, IntConsumer sink) {
        TextNormalization.Streaming normalizer = normalizer(config, sink);
        normalizer.append(text);
        normalizer.finish();
    }

    /** The config's normalisation into {@code sink}, without a leading byte order mark. */
    private static TextNormalization.Streaming normalizer(CorpusConfig config, IntConsumer sink) {
        // NFC and lowercasing leave U+FEFF as it is, so dropping it after them drops exactly a leading BOM.
        IntConsumer withoutBom = new IntConsumer() {
            private boolean atStart = true;

            @Override
            public void accept(int codePoint) {
                if (atStart) {
                    atStart = false;
                    if (codePoint == BOM) {
                        return;
                    }
                }
                sink.accept(codePoint);
            }
        };
        return config.normalization().streaming(withoutBom);
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
