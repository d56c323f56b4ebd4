package dev.textgen.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VocabularyTest {
    private static final String GRINNING = "\uD83D\uDE00";

    @Test
    void symbolsAreDistinctCodePointsSortedAscending() {
        Vocabulary vocabulary = Vocabulary.fromText("banana bread");

        assertThat(vocabulary.symbols()).isEqualTo(" abdenr");
        assertThat(vocabulary.size()).isEqualTo(7);
        assertThat(vocabulary.codePoints()).containsExactly(' ', 'a', 'b', 'd', 'e', 'n', 'r');
    }

    @Test
    void idsDependOnTheSetNotTheOrderOfTheText() {
        assertThat(Vocabulary.fromText("zyx abc")).isEqualTo(Vocabulary.fromText("abc xyz"));
        assertThat(Vocabulary.fromText("zyx abc").id('x')).isEqualTo(Vocabulary.fromText("cba zyx").id('x'));
        assertThat(Vocabulary.fromText("zyx abc").hashCode()).isEqualTo(Vocabulary.of('a', 'b', 'c', 'x', 'y', 'z', ' ')
                .hashCode());
    }

    @Test
    void aSupplementaryCharacterIsOneSymbol() {
        Vocabulary vocabulary = Vocabulary.fromText("a" + GRINNING + "b" + GRINNING);

        assertThat(vocabulary.size()).isEqualTo(3);
        assertThat(vocabulary.codePoint(2)).isEqualTo(0x1F600);
        assertThat(vocabulary.id(0x1F600)).isEqualTo(2);
        assertThat(vocabulary.contains(0x1F601)).isFalse();
        assertThat(vocabulary.contains(0xD83D)).as("a surrogate half is not a symbol").isFalse();
        assertThat(vocabulary.symbols()).isEqualTo("ab" + GRINNING);
    }

    @Test
    void lookupsGoBothWaysAndMissesAreMinusOne() {
        Vocabulary vocabulary = Vocabulary.fromText("hello");

        for (int id = 0; id < vocabulary.size(); id++) {
            assertThat(vocabulary.id(vocabulary.codePoint(id))).isEqualTo(id);
        }
        assertThat(vocabulary.id('z')).isEqualTo(-1);
        assertThat(vocabulary.id(-5)).isEqualTo(-1);
        assertThat(vocabulary.id(0x10FFFF)).isEqualTo(-1);
        assertThatThrownBy(() -> vocabulary.codePoint(4))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("symbol id 4 is outside [0, 4)");
    }

    @Test
    void codePointsIsACopy() {
        Vocabulary vocabulary = Vocabulary.fromText("abc");
        vocabulary.codePoints()[0] = 'z';

        assertThat(vocabulary.codePoint(0)).isEqualTo('a');
    }

    @Test
    void symbolsRoundTripAndUnsortedSymbolsAreRejected() {
        Vocabulary vocabulary = Vocabulary.fromText("the quick brown fox " + GRINNING);

        assertThat(Vocabulary.fromSymbols(vocabulary.symbols())).isEqualTo(vocabulary);
        assertThatThrownBy(() -> Vocabulary.fromSymbols("abca"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sorted and distinct")
                .hasMessageContaining("'a' (U+0061) at index 3");
    }

    @Test
    void invalidSymbolsAreRejected() {
        assertThatThrownBy(() -> Vocabulary.fromText(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one symbol");
        assertThatThrownBy(() -> Vocabulary.fromText("a\uD83Db"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone surrogate U+D83D");
        assertThatThrownBy(() -> Vocabulary.of(0x110000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Unicode code point");
    }

    @Test
    void describeNamesPrintableAndInvisibleCharacters() {
        assertThat(Vocabulary.describe('a')).isEqualTo("'a' (U+0061)");
        assertThat(Vocabulary.describe('\n')).isEqualTo("U+000A");
        assertThat(Vocabulary.describe(' ')).isEqualTo("U+0020");
        assertThat(Vocabulary.describe(0x1F600)).isEqualTo("'" + GRINNING + "' (U+1F600)");
    }
}
