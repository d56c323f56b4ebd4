package dev.textgen.corpus;

import dev.textgen.api.ConfigException;
import dev.textgen.api.CorpusException;
import dev.textgen.api.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Every fault is reported while loading, before training, naming the file or field and what would work. */
class CorpusErrorsTest {
    @TempDir
    Path dir;

    @Test
    void emptyFile() throws IOException {
        Path file = Files.writeString(dir.resolve("empty.txt"), "");
        assertThatThrownBy(() -> Corpus.load(TestConfig.seed().source(file.toString()).build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is empty");
    }

    @Test
    void onlyAByteOrderMarkIsEmpty() throws IOException {
        Path file = Files.write(dir.resolve("bom-only.txt"), new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        assertThatThrownBy(() -> Corpus.load(TestConfig.seed().source(file.toString()).build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void shorterThanOneWindow() {
        assertThatThrownBy(() -> Corpus.fromText("x".repeat(60), TestConfig.seed().build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("has 60 symbols, fewer than corpus.maxlen + 1 = 61");
        assertThat(Corpus.fromText("x".repeat(61), TestConfig.seed().build()).trainWindows().size()).isEqualTo(1);
    }

    @Test
    void validationFractionLeavingNoValidationWindow() {
        // 1,000 symbols, fraction 0.05: the held-out part has 50 symbols, fewer than 61.
        assertThatThrownBy(() -> Corpus.fromText("ab".repeat(500), TestConfig.seed().validationFraction(0.05).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("corpus.validationFraction: 0.05 is invalid")
                .hasMessageContaining("here 50 of 1,000 symbols")
                .hasMessageContaining("at least 0.061");
        Corpus justEnough = Corpus.fromText("ab".repeat(500), TestConfig.seed().validationFraction(0.061).build());
        assertThat(justEnough.validationWindows().size()).isEqualTo(1);
    }

    @Test
    void validationFractionLeavingNoTrainingWindow() {
        assertThatThrownBy(() -> Corpus.fromText("ab".repeat(500), TestConfig.seed().validationFraction(0.95).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("corpus.validationFraction: 0.95 is invalid")
                .hasMessageContaining("for training");
    }

    @Test
    void windowSettingsOutOfRange() {
        assertThatThrownBy(() -> TestConfig.seed().window(0, 3).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("corpus.maxlen");
        assertThatThrownBy(() -> TestConfig.seed().window(60, 0).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("corpus.step");
        assertThatThrownBy(() -> TestConfig.seed().validationFraction(1.0).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("corpus.validationFraction");
        assertThatThrownBy(() -> TestConfig.seed().validationFraction(-0.1).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("corpus.validationFraction");
    }

    @Test
    void vocabularyAboveTheLimit() {
        String text = "abcdefghij".repeat(10);
        assertThatThrownBy(() -> Corpus.fromText(text, TestConfig.seed().window(5, 1).maxVocabulary(8).build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("more than corpus.maxVocabulary = 8 distinct symbols")
                .hasMessageContaining("the 9-th, 'i' (U+0069), appeared at symbol 8");
        assertThat(Corpus.fromText(text, TestConfig.seed().window(5, 1).maxVocabulary(10).build())
                .vocabulary().size()).isEqualTo(10);
    }

    @Test
    void charactersOutsideAGivenVocabularyAreListed() {
        Vocabulary model = Vocabulary.fromText("abc ");
        assertThatThrownBy(() -> Corpus.fromText("abc abd abc\u00e9 abc", TestConfig.seed().window(3, 1).build(), model))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("2 occurrences of characters the model's vocabulary (4 symbols) lacks")
                .hasMessageContaining("'d' (U+0064) first at symbol 6")
                .hasMessageContaining("'é' (U+00E9) first at symbol 11");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("no-such.txt");
        assertThatThrownBy(() -> Corpus.load(TestConfig.seed().source(missing.toString()).build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("file not found: " + missing)
                .hasMessageContaining("nietzsche.txt");
    }

    @Test
    void folderIsNotACorpus() {
        assertThatThrownBy(() -> Corpus.load(TestConfig.seed().source(dir.toString()).build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining(dir + " is a folder");
    }

    @Test
    void unreadableFileIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("secret.txt"), "some text ".repeat(20));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "SKIPPED: running as a user who can read any file (root)");
        assertThatThrownBy(() -> Corpus.load(TestConfig.seed().source(file.toString()).build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("cannot read " + file);
    }

    @Test
    void corporaAboveTheArrayLimitAreRejected() throws IOException {
        // The same check that guards 2^31 - 9 symbols, with a limit small enough for a test.
        Path file = Files.writeString(dir.resolve("long.txt"), "abcdefghij".repeat(20));
        CorpusSource source = CorpusSource.file(file);
        assertThatThrownBy(() -> Corpus.load(source, TestConfig.seed().window(5, 1).build(), null, 150))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining(file + " has more than 150 symbols, the most one corpus can hold");
        assertThat(Corpus.load(source, TestConfig.seed().window(5, 1).build(), null, 200).length()).isEqualTo(200);
        assertThat(SymbolArray.MAX_SYMBOLS).isEqualTo(Integer.MAX_VALUE - 8);
    }

    @Test
    void textRangesAreChecked() {
        Corpus corpus = Corpus.fromText("hello world", TestConfig.seed().window(3, 1).build());
        assertThatThrownBy(() -> corpus.text(5, 12)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("[5, 12) is outside [0, 11)");
        assertThatThrownBy(() -> corpus.trainWindows().window(8, new int[3], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(corpus.trainWindows().size()).isEqualTo(8);
    }
}
