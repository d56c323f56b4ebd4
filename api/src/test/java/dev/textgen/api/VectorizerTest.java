package dev.textgen.api;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VectorizerTest {
    private static final String GRINNING = "\uD83D\uDE00";
    private final Vectorizer vectorizer = new Vectorizer(Vocabulary.fromText(" abc" + GRINNING));

    @Test
    void encodeAndDecodeRoundTrip() {
        String text = "a b" + GRINNING + "c";

        int[] ids = vectorizer.encode(text);

        assertThat(ids).containsExactly(1, 0, 2, 4, 3);
        assertThat(vectorizer.decode(ids)).isEqualTo(text);
        assertThat(vectorizer.decode(ids, 2, 4)).isEqualTo("b" + GRINNING);
    }

    @Test
    void unknownCharactersFailListingEachWithItsCodePointPosition() {
        assertThatThrownBy(() -> vectorizer.encode(GRINNING + "aXb\ncY"))
                .isInstanceOf(UnknownCharacterException.class)
                .hasMessageContaining("3 character(s)")
                .hasMessageContaining("5-symbol vocabulary")
                .hasMessageContaining("'X' (U+0058) at 2")
                .hasMessageContaining("U+000A at 4")
                .hasMessageContaining("'Y' (U+0059) at 6")
                .hasMessageContaining("generation.unknownChars");
    }

    @Test
    void longListsOfUnknownCharactersAreCut() {
        assertThatThrownBy(() -> vectorizer.encode("x".repeat(25)))
                .isInstanceOf(UnknownCharacterException.class)
                .hasMessageContaining("25 character(s)")
                .hasMessageContaining("at 19, ...")
                .hasMessageNotContaining("at 20");
    }

    @Test
    void skipDropsAndReplaceSubstitutesUnknownCharacters() {
        assertThat(vectorizer.encode("aXbY", UnknownChars.SKIP, 0)).containsExactly(1, 2);
        assertThat(vectorizer.encode("aXbY", UnknownChars.REPLACE, ' ')).containsExactly(1, 0, 2, 0);
        assertThat(vectorizer.encode("a" + "\uD83D\uDE01", UnknownChars.REPLACE, 0x1F600))
                .as("an unknown supplementary character is one replacement").containsExactly(1, 4);
        assertThatThrownBy(() -> vectorizer.encode("aX", UnknownChars.REPLACE, '#'))
                .isInstanceOf(UnknownCharacterException.class)
                .hasMessageContaining("the replacement character '#' (U+0023) is not in the vocabulary");
    }

    @Test
    void oneHotRowsHaveASingleOneAtTheId() {
        float[] oneHot = vectorizer.oneHot(1, 4);

        assertThat(oneHot).containsExactly(0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
    }

    @Test
    void oneHotWritesIntoARangeAndClearsWhatWasThere() {
        float[] out = new float[2 + 2 * 5];
        Arrays.fill(out, 7f);

        vectorizer.oneHot(new int[] {3, 2, 0}, 1, 2, out, 2);

        assertThat(out).containsExactly(7, 7, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0);
    }
}
