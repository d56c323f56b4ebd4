package dev.textgen.corpus;

import dev.textgen.api.CorpusException;
import dev.textgen.api.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real-world text: other scripts, emoji, BOMs, line endings, other charsets and broken bytes. */
class TextDecodingTest {
    @TempDir
    Path dir;

    @Test
    void mixedScriptsKeepEveryCodePointAsOneSymbol() throws IOException, URISyntaxException {
        Path file = Path.of(getClass().getResource("mixed-scripts.txt").toURI());
        String raw = Files.readString(file);
        Corpus corpus = Corpus.load(TestConfig.seed().source(file.toString()).window(10, 1).build());

        String lower = raw.toLowerCase(Locale.ROOT);
        assertThat(corpus.text(0, corpus.length())).isEqualTo(lower);
        // 153 code points; lowercasing turns 'İ' into 'i' + U+0307 (as Python's str.lower() does): 154.
        assertThat(raw.codePointCount(0, raw.length())).isEqualTo(153);
        assertThat(corpus.length()).isEqualTo(154);
        assertThat(corpus.vocabulary().size()).isEqualTo(75);
        assertThat(corpus.vocabulary().contains("😀".codePointAt(0))).isTrue();
        assertThat(corpus.vocabulary().contains("𝄞".codePointAt(0))).isTrue();
        assertThat(corpus.vocabulary().contains(0x1F3FD)).isTrue(); // skin tone modifier: its own symbol
        assertThat(corpus.vocabulary().contains(0xD83D)).isFalse();
        assertThat(corpus.vocabulary().contains('한')).isTrue();
        // Greek final sigma follows Unicode's context rule, as in Python.
        assertThat(corpus.text(0, corpus.length())).contains("οδυσσευς και η θαλασσα");
        // 75 symbols: one byte each; the 250-byte size hint overshot by more than 1/16, so the array was trimmed.
        assertThat(corpus.idBytes()).isEqualTo(corpus.length());
    }

    @Test
    void emojiWindowHoldsWholeCodePoints() {
        Corpus corpus = Corpus.fromText("a😀b😀c😀d😀e", TestConfig.seed().window(2, 1).build());
        assertThat(corpus.length()).isEqualTo(9);
        assertThat(corpus.vocabulary().symbols()).isEqualTo("abcde😀");
        int[] ids = new int[2];
        int target = corpus.trainWindows().window(0, ids, 0);
        assertThat(corpus.vocabulary().codePoint(ids[1])).isEqualTo("😀".codePointAt(0));
        assertThat(corpus.vocabulary().codePoint(target)).isEqualTo('b');
        assertThat(corpus.text(1, 3)).isEqualTo("😀b");
    }

    @Test
    void byteOrderMarkIsDropped() throws IOException {
        Path utf8 = write("bom8.txt", concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "Hello\uFEFF world".getBytes(StandardCharsets.UTF_8)));
        Corpus corpus = load(utf8, TestConfig.seed().window(3, 1));
        // Only the leading mark is a BOM; one inside the text is a (zero width no-break space) character.
        assertThat(corpus.text(0, corpus.length())).isEqualTo("hello\uFEFF world");

        Path utf16 = write("bom16.txt", "\uFEFFHello world".getBytes(StandardCharsets.UTF_16LE));
        Corpus fromUtf16 = load(utf16, TestConfig.seed().window(3, 1).charset("UTF-16LE"));
        assertThat(fromUtf16.text(0, fromUtf16.length())).isEqualTo("hello world");
    }

    @Test
    void carriageReturnsBecomeLineFeedsWhenAsked() throws IOException {
        StringBuilder text = new StringBuilder();
        SplittableRandom random = new SplittableRandom(3);
        while (text.length() < 300_000) { // several segments, so CRLF pairs fall on segment cuts
            text.append("line ").append(random.nextInt(1000)).append(random.nextBoolean() ? "\r\n" : "\r");
        }
        Path file = write("crlf.txt", text.toString().getBytes(StandardCharsets.UTF_8));

        Corpus normalised = load(file, TestConfig.seed().normalizeNewlines(true));
        assertThat(normalised.text(0, normalised.length())).isEqualTo(text.toString().replaceAll("\r\n?", "\n"));
        assertThat(normalised.vocabulary().contains('\r')).isFalse();

        Corpus kept = load(file, TestConfig.seed());
        assertThat(kept.text(0, kept.length())).isEqualTo(text.toString());
    }

    @Test
    void segmentedNormalisationEqualsWholeTextNormalisation() {
        // Greek final sigma and combining marks at every position relative to the 64 Ki-char segments, then a
        // 1.2 M-char run without whitespace (cut by length) full of surrogate pairs.
        String[] words = {"ΟΔΥΣΣΕΥΣ", "ΣΟΦΟΣ.", "e\u0301te\u0301", "A\u030A", "Ω", "😀X", "İ", "ς", "\t", "\r\n", "x"};
        StringBuilder prose = new StringBuilder();
        SplittableRandom random = new SplittableRandom(5);
        while (prose.length() < 100_000) {
            prose.append(words[random.nextInt(words.length)]).append(random.nextInt(4) == 0 ? "" : " ");
        }
        StringBuilder run = new StringBuilder();
        for (int i = 0; i < 600_000; i++) {
            run.append(random.nextBoolean() ? "Ab" : "😀");
        }
        // The two parts are normalised apart for the expected value because the JDK's lowercasing of a sigma
        // costs time proportional to the whole string; a space between them keeps that exact.
        String expected = nfcLower(prose) + " " + nfcLower(run);

        Corpus corpus = Corpus.fromText(prose + " " + run, TestConfig.seed().nfc(true).build());
        assertThat(corpus.text(0, corpus.length())).isEqualTo(expected);
        assertThat(corpus.length()).isEqualTo(expected.codePointCount(0, expected.length()));
    }

    private static String nfcLower(CharSequence text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    @Test
    void nfcComposesAccents() {
        String decomposed = "cafe\u0301 re\u0301sume\u0301 and more words";
        Corpus composed = Corpus.fromText(decomposed, TestConfig.seed().nfc(true).window(5, 1).build());
        assertThat(composed.text(0, composed.length())).isEqualTo("café résumé and more words");
        assertThat(composed.vocabulary().contains(0x0301)).isFalse();

        Corpus raw = Corpus.fromText(decomposed, TestConfig.seed().window(5, 1).build());
        assertThat(raw.vocabulary().contains(0x0301)).isTrue();
        assertThat(raw.length()).isEqualTo(composed.length() + 3);
    }

    @Test
    void lowercaseCanBeTurnedOff() {
        Corpus corpus = Corpus.fromText("Hello World, HELLO", TestConfig.seed().lowercase(false).window(5, 1).build());
        assertThat(corpus.vocabulary().contains('H')).isTrue();
        assertThat(corpus.text(0, 5)).isEqualTo("Hello");
    }

    @Test
    void otherCharsetsAreDecoded() throws IOException {
        Path latin1 = write("latin1.txt", "Déjà vu à Zürich".getBytes(StandardCharsets.ISO_8859_1));
        Corpus corpus = load(latin1, TestConfig.seed().window(5, 1).charset("ISO-8859-1"));
        assertThat(corpus.text(0, corpus.length())).isEqualTo("déjà vu à zürich");
    }

    @Test
    void malformedUtf8IsAnErrorNamingTheByteOffset() throws IOException {
        // Past the first 64 KiB read buffer, so the offset must be carried across buffers.
        byte[] bytes = concat("a".repeat(100_000).getBytes(StandardCharsets.US_ASCII),
                new byte[]{(byte) 0xC3, 0x28}, "tail text".getBytes(StandardCharsets.US_ASCII));
        Path file = write("broken.txt", bytes);

        assertThatThrownBy(() -> load(file, TestConfig.seed()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("malformed UTF-8 input at byte offset 100,000 (bytes C3)")
                .hasMessageContaining("corpus.malformed")
                .hasMessageContaining("corpus.charset");
    }

    @Test
    void truncatedSequenceAtTheEndIsMalformed() throws IOException {
        // The first two bytes of the three-byte euro sign, then end of file.
        Path file = write("truncated.txt", concat("price: 5 ".getBytes(StandardCharsets.US_ASCII),
                new byte[]{(byte) 0xE2, (byte) 0x82}));
        assertThatThrownBy(() -> load(file, TestConfig.seed().window(3, 1)))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("malformed UTF-8 input at byte offset 9 (bytes E2 82)");
    }

    @Test
    void malformedBytesBecomeReplacementCharactersWhenAsked() throws IOException {
        byte[] bytes = concat("abc".getBytes(StandardCharsets.US_ASCII), new byte[]{(byte) 0xFF},
                "def ghi".getBytes(StandardCharsets.US_ASCII));
        Corpus corpus = load(write("replace.txt", bytes), TestConfig.seed().window(3, 1).malformed("replace"));
        assertThat(corpus.text(0, corpus.length())).isEqualTo("abc\uFFFDdef ghi");
    }

    @Test
    void loneSurrogateInMemoryTextIsAnError() {
        assertThatThrownBy(() -> Corpus.fromText("abc\uD800def", TestConfig.seed().window(2, 1).build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("lone surrogate U+D800 at symbol 3");
    }

    @Test
    void vocabulariesAboveAByteAreStoredInChars() {
        StringBuilder text = new StringBuilder();
        for (int cp = 0x4E00; cp < 0x4E00 + 300; cp++) {
            text.appendCodePoint(cp);
        }
        Corpus corpus = Corpus.fromText(text.toString(), TestConfig.seed().window(5, 1).build());
        assertThat(corpus.vocabulary().size()).isEqualTo(300);
        assertThat(corpus.idBytes()).isEqualTo(2 * corpus.length());
        assertThat(corpus.text(0, corpus.length())).isEqualTo(text.toString());
        assertThat(corpus.vocabulary()).isEqualTo(Vocabulary.fromText(text));
    }

    private Corpus load(Path file, TestConfig config) {
        return Corpus.load(config.source(file.toString()).build());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
