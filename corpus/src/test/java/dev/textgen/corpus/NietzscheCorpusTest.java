package dev.textgen.corpus;

import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.CorpusConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The reference notebook's corpus, bundled in textgen-datasets, read as the notebook and the PyTorch reference read it. */
class NietzscheCorpusTest {
    private static final String SOURCE = "nietzsche.txt";
    private static String expectedText;
    private static Corpus corpus;

    @BeforeAll
    static void load() {
        // What Python's open(path, encoding='utf-8').read().lower() gives for this ASCII-and-Latin-1 text.
        expectedText = new String(BundledCorpus.nietzsche(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        corpus = Corpus.load(TestConfig.seed().source(SOURCE).build());
    }

    @Test
    void hasTheSeedsCounts() {
        assertThat(corpus.length()).isEqualTo(600_893L);
        assertThat(corpus.vocabulary().size()).isEqualTo(57);
        assertThat(corpus.trainWindows().size()).isEqualTo(200_278);
        assertThat(corpus.validationWindows().size()).isZero();
        assertThat(corpus.name()).isEqualTo("classpath:" + BundledCorpus.NIETZSCHE_RESOURCE);
    }

    @Test
    void decodesBackToTheLowercasedText() {
        assertThat(corpus.text(0, corpus.length())).isEqualTo(expectedText);
        assertThat(corpus.vocabulary()).isEqualTo(Vocabulary.fromText(expectedText));
    }

    @Test
    void storesOneBytePerSymbol() {
        // The array was sized by the file's byte count (600,901) and kept: 8 bytes of slack, no copy.
        assertThat(corpus.idBytes()).isEqualTo(BundledCorpus.NIETZSCHE_BYTES);
    }

    @Test
    void firstWindowsAreTheSeeds() {
        WindowSet windows = corpus.trainWindows();
        int[] ids = new int[60];
        int target = windows.window(0, ids, 0);
        assertThat(decode(ids)).isEqualTo(expectedText.substring(0, 60));
        assertThat(corpus.vocabulary().codePoint(target)).isEqualTo(expectedText.codePointAt(60));

        target = windows.window(1, ids, 0);
        assertThat(decode(ids)).isEqualTo(expectedText.substring(3, 63));
        assertThat(corpus.vocabulary().codePoint(target)).isEqualTo(expectedText.codePointAt(63));

        int last = windows.size() - 1;
        target = windows.window(last, ids, 0);
        assertThat(decode(ids)).isEqualTo(expectedText.substring(3 * last, 3 * last + 60));
        assertThat(3 * last + 60).isLessThan(expectedText.length());
        assertThat(corpus.vocabulary().codePoint(target)).isEqualTo(expectedText.codePointAt(3 * last + 60));
    }

    @Test
    void validationSplitMatchesTheReference() {
        // seed_reference.py: cut = int(len(text) * 0.9); range(0, cut - 60, 3) and range(cut, len(text) - 60, 3)
        Corpus split = Corpus.load(TestConfig.seed().source(SOURCE).validationFraction(0.1).build());
        assertThat(split.trainLength()).isEqualTo(540_803L);
        assertThat(split.trainWindows().size()).isEqualTo(180_248);
        assertThat(split.validationWindows().size()).isEqualTo(20_010);

        int[] ids = new int[60];
        int lastTrain = split.trainWindows().size() - 1;
        split.trainWindows().window(lastTrain, ids, 0);
        assertThat(3 * lastTrain + 60).isLessThan(540_803);
        int target = split.validationWindows().window(0, ids, 0);
        assertThat(decode(ids)).isEqualTo(expectedText.substring(540_803, 540_863));
        assertThat(corpus.vocabulary().codePoint(target)).isEqualTo(expectedText.codePointAt(540_863));
        // The vocabulary spans both parts.
        assertThat(split.vocabulary()).isEqualTo(corpus.vocabulary());
    }

    @Test
    void randomWindowIsSeededAndFromTheTrainingPart() {
        Corpus split = Corpus.load(TestConfig.seed().source(SOURCE).validationFraction(0.1).build());
        String first = split.randomWindow(new SplittableRandom(42));
        assertThat(first).hasSize(60).isEqualTo(split.randomWindow(new SplittableRandom(42)));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            String window = split.randomWindow(random);
            assertThat(window).hasSize(60);
            assertThat(expectedText.substring(0, 540_803)).contains(window);
        }
    }

    @Test
    void shuffledBatchesAreSeededAndCoverEveryWindowOnce() {
        WindowSet windows = corpus.trainWindows();
        int[] firstEpoch = targetsOfEpoch(windows, 11L, 0);
        assertThat(targetsOfEpoch(windows, 11L, 0)).isEqualTo(firstEpoch);
        assertThat(targetsOfEpoch(windows, 11L, 1)).isNotEqualTo(firstEpoch);

        int[] inOrder = new int[windows.size()];
        int[] scratch = new int[60];
        for (int i = 0; i < inOrder.length; i++) {
            inOrder[i] = windows.window(i, scratch, 0);
        }
        int[] sortedShuffled = firstEpoch.clone();
        Arrays.sort(sortedShuffled);
        Arrays.sort(inOrder);
        assertThat(sortedShuffled).isEqualTo(inOrder);
    }

    @Test
    void oneHotBatchMatchesIds() {
        Batch batch = new Batch(128, 60, 57, true);
        Batches.sequential(corpus.trainWindows(), 128).next(batch);
        assertThat(batch.size()).isEqualTo(128);
        float[] oneHot = batch.oneHot();
        for (int row = 0; row < 128 * 60; row++) {
            float sum = 0;
            for (int v = 0; v < 57; v++) {
                sum += oneHot[row * 57 + v];
            }
            assertThat(sum).isEqualTo(1f);
            assertThat(oneHot[row * 57 + batch.inputs()[row]]).isEqualTo(1f);
        }
        // Window 1 of the batch starts at char 3.
        int[] second = Arrays.copyOfRange(batch.inputs(), 60, 120);
        assertThat(decode(second)).isEqualTo(expectedText.substring(3, 63));
    }

    @Test
    void givenVocabularyGivesTheSameIds() {
        CorpusConfig config = TestConfig.seed().source(SOURCE).build();
        Corpus again = Corpus.load(config, corpus.vocabulary());
        int[] a = new int[60];
        int[] b = new int[60];
        for (int i = 0; i < corpus.trainWindows().size(); i += 997) {
            assertThat(again.trainWindows().window(i, a, 0)).isEqualTo(corpus.trainWindows().window(i, b, 0));
            assertThat(a).isEqualTo(b);
        }
    }

    private static int[] targetsOfEpoch(WindowSet windows, long seed, int epoch) {
        Batches batches = Batches.shuffled(windows, 128, seed, epoch);
        Batch batch = new Batch(128, 60, windows.vocabularySize(), false);
        int[] targets = new int[windows.size()];
        int at = 0;
        while (batches.next(batch)) {
            System.arraycopy(batch.targets(), 0, targets, at, batch.size());
            at += batch.size();
        }
        assertThat(at).isEqualTo(windows.size());
        return targets;
    }

    private static String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            text.appendCodePoint(corpus.vocabulary().codePoint(id));
        }
        return text.toString();
    }
}
