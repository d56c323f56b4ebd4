package dev.textgen.api;

import org.junit.jupiter.api.Test;

import java.text.Normalizer;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TextNormalizationTest {
    private static final TextNormalization ALL = new TextNormalization(true, true, true);

    @Test
    void nfcThenLowercaseThenNewlines() {
        assertThat(ALL.apply("Cafe\u0301 AU LAIT\r\nDEUX\rTROIS\n")).isEqualTo("café au lait\ndeux\ntrois\n");
        assertThat(new TextNormalization(false, true, false).apply("Cafe\u0301\r\n")).isEqualTo("cafe\u0301\r\n");
        assertThat(new TextNormalization(true, false, false).apply("Cafe\u0301\r\n")).isEqualTo("Café\r\n");
        assertThat(TextNormalization.NONE.apply("Cafe\u0301\r\n")).isEqualTo("Cafe\u0301\r\n");
    }

    @Test
    void textInPiecesOfAnySizeGivesTheWholeTextsResult() {
        String[] words = {"ΟΔΥΣΣΕΥΣ", "ΣΟΦΟΣ.", "e\u0301te\u0301", "A\u030A", "😀X", "İ", "\r", "\n", "\r\n", " "};
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder text = new StringBuilder();
        while (text.length() < 200_000) {
            text.append(words[random.nextInt(words.length)]);
        }
        // A CR at the end of one piece and an LF at the start of the next are still one line break.
        String whole = ALL.apply(text);
        assertThat(whole).doesNotContain("\r");
        assertThat(whole).isEqualTo(Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT)
                .replace("\r\n", "\n").replace('\r', '\n'));

        StringBuilder streamed = new StringBuilder();
        TextNormalization.Streaming streaming = ALL.streaming(streamed::appendCodePoint);
        for (int from = 0; from < text.length(); ) {
            int to = Math.min(text.length(), from + 1 + random.nextInt(100_000));
            if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
                to++;
            }
            streaming.append(text.subSequence(from, to));
            from = to;
        }
        streaming.finish();
        assertThat(streamed.toString()).isEqualTo(whole);
    }

    @Test
    void aRunWithoutWhitespaceLongerThanASegmentIsNotCutInsideASurrogatePair() {
        String run = "Ab😀".repeat(400_000);
        assertThat(ALL.apply(run)).isEqualTo("ab😀".repeat(400_000));
    }
}
