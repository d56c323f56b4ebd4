package dev.textgen.corpus;

import dev.textgen.api.CorpusException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Class path resources, and the storage widths the vocabulary size picks. */
class SourcesTest {
    @Test
    void classpathResourceIsRead() {
        Corpus corpus = Corpus.load(TestConfig.seed().source("classpath:dev/textgen/corpus/pangrams.txt")
                .window(10, 5).build());
        assertThat(corpus.name()).isEqualTo("classpath:dev/textgen/corpus/pangrams.txt");
        assertThat(corpus.text(0, 19)).isEqualTo("the quick brown fox");
        assertThat(corpus.length()).isEqualTo(123);
        // (123 - 10) / 5 rounded up
        assertThat(corpus.trainWindows().size()).isEqualTo(23);
    }

    @Test
    void missingClasspathResourceIsNamed() {
        assertThatThrownBy(() -> Corpus.load(TestConfig.seed().source("classpath:no/such.txt").build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("no class path resource classpath:no/such.txt");
    }

    @Test
    void idsWidenFromBytesToCharsToInts() {
        SymbolArray.Builder builder = new SymbolArray.Builder("test", 2, 1_000);
        int[] ids = {3, 255, 7, 256, 65_535, 9, 65_536, 1_000_000, 0};
        for (int id : ids) {
            builder.add(id);
        }
        SymbolArray array = builder.build();
        assertThat(array).isInstanceOf(SymbolArray.Ints.class);
        assertThat(array.length()).isEqualTo(ids.length);
        int[] copy = new int[ids.length];
        array.copy(0, copy, 0, ids.length);
        assertThat(copy).isEqualTo(ids);
    }

    @Test
    void remapKeepsTheNarrowType() {
        SymbolArray.Builder builder = new SymbolArray.Builder("test", 4, 1_000);
        for (int id : new int[]{0, 1, 2, 1, 0}) {
            builder.add(id);
        }
        builder.remap(new int[]{200, 100, 0});
        SymbolArray array = builder.build();
        assertThat(array).isInstanceOf(SymbolArray.Bytes.class);
        assertThat(array.payloadBytes()).isEqualTo(5);
        int[] copy = new int[5];
        array.copy(0, copy, 0, 5);
        assertThat(copy).containsExactly(200, 100, 0, 100, 200);
    }

    @Test
    void vocabulariesAbove65536AreStoredInInts() {
        StringBuilder text = new StringBuilder();
        for (int cp = 0x20000; cp < 0x20000 + 70_000; cp++) { // CJK extension B onwards: supplementary
            text.appendCodePoint(cp);
        }
        Corpus corpus = Corpus.fromText(text.toString(), TestConfig.seed().window(5, 1).maxVocabulary(100_000).build());
        assertThat(corpus.vocabulary().size()).isEqualTo(70_000);
        assertThat(corpus.length()).isEqualTo(70_000);
        assertThat(corpus.idBytes()).isEqualTo(4L * 70_000);
        assertThat(corpus.text(69_990, 70_000)).isEqualTo(text.substring(2 * 69_990));
    }
}
