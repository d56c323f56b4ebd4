package dev.textgen.dl4j;

import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.CorpusConfig;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.data.IdWindows;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random weights, texts, configs and batches for the tests. */
final class Fixtures {
    private Fixtures() {
    }

    static Vocabulary vocabulary(int size) {
        int[] codePoints = new int[size];
        for (int i = 0; i < size; i++) {
            codePoints[i] = 'A' + i;
        }
        return Vocabulary.of(codePoints);
    }

    static TextgenConfig config(int hidden, int layers, String gates, double dropout, int maxlen) {
        return config(hidden, layers, gates, dropout, maxlen, null, OptimizerConfig.RmsProp.defaults());
    }

    static TextgenConfig config(int hidden, int layers, String gates, double dropout, int maxlen, Double clipNorm,
                                OptimizerConfig optimizer) {
        TextgenConfig defaults = TextgenConfig.defaults();
        CorpusConfig corpus = defaults.corpus();
        TrainingConfig t = defaults.training();
        return defaults
                .withCorpus(new CorpusConfig(corpus.source(), corpus.sha256(), corpus.cacheDir(), corpus.charset(),
                        corpus.malformed(), corpus.lowercase(), corpus.nfc(), corpus.normalizeNewlines(), maxlen,
                        corpus.step(), corpus.validationFraction(), corpus.maxVocabulary()))
                .withModel(new ModelConfig("dl4j", hidden, layers, gates, dropout))
                .withTraining(new TrainingConfig(t.epochs(), t.batchSize(), t.seed(), t.threads(), clipNorm, optimizer,
                        t.preview(), t.earlyStopping(), t.reduceLrOnPlateau(), t.onNonFinite(), t.keepCheckpoints(),
                        t.checkpointEveryBatches(), t.loss()));
    }

    /** Uniform weights in [-scale, scale], large enough that gates and softmax are far from uniform. */
    static ModelWeights weights(int vocabulary, int hidden, int layers, double scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LstmWeights> lstm = new ArrayList<>();
        int in = vocabulary;
        for (int n = 0; n < layers; n++) {
            lstm.add(new LstmWeights(in, hidden, uniform(random, in * 4 * hidden, scale),
                    uniform(random, hidden * 4 * hidden, scale), uniform(random, 4 * hidden, scale)));
            in = hidden;
        }
        return new ModelWeights(lstm, uniform(random, hidden * vocabulary, 3 * scale), uniform(random, vocabulary, scale));
    }

    static float[] uniform(SplittableRandom random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return values;
    }

    static int[] text(int length, int vocabulary, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = random.nextInt(vocabulary);
        }
        return ids;
    }

    /** Windows of {@code maxlen} ids every {@code step} positions of {@code text}, each followed by its target. */
    static WindowSet windows(int[] text, int maxlen, int step, int vocabulary) {
        return new IdWindows(text, maxlen, step, vocabulary);
    }

    /** The first batch of {@code size} windows. */
    static Batch batch(WindowSet windows, int size) {
        Batch batch = new Batch(size, windows.maxlen(), windows.vocabularySize(), false);
        Batches.sequential(windows, size).next(batch);
        return batch;
    }
}
