package dev.textgen.dl4j;

import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.data.IdWindows;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        return defaults
                .withCorpus(defaults.corpus().withMaxlen(maxlen))
                .withModel(new ModelConfig("dl4j", hidden, layers, activation(gates), dropout, 0.0))
                .withTraining(defaults.training().withClipNorm(clipNorm).withOptimizer(optimizer));
    }

    /** The gate activation by its JSON name, e.g. {@code hard_sigmoid}. */
    static ModelConfig.RecurrentActivation activation(String gates) {
        return ModelConfig.RecurrentActivation.valueOf(gates.toUpperCase(Locale.ROOT));
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
