package dev.textgen.scratch;

import dev.textgen.api.config.CorpusConfig;
import dev.textgen.api.config.EarlyStoppingConfig;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.PlateauConfig;
import dev.textgen.api.config.PreviewConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;

/** Configs for tests and benchmarks: the seed's defaults with the fields that matter here replaced. */
public final class Configs {
    private Configs() {
    }

    public static TextgenConfig of(int maxlen, int hidden, int layers, String activation, double dropout, int threads,
                                   Double clipNorm, OptimizerConfig optimizer, long seed) {
        return of(maxlen, hidden, layers, activation, dropout, threads, clipNorm, optimizer, seed, TrainingConfig.LAST_STEP);
    }

    public static TextgenConfig of(int maxlen, int hidden, int layers, String activation, double dropout, int threads,
                                   Double clipNorm, OptimizerConfig optimizer, long seed, String loss) {
        TextgenConfig defaults = TextgenConfig.defaults();
        CorpusConfig c = defaults.corpus();
        CorpusConfig corpus = new CorpusConfig(c.source(), c.sha256(), c.cacheDir(), c.charset(), c.malformed(),
                c.lowercase(), c.nfc(), c.normalizeNewlines(), maxlen, c.step(), c.validationFraction(), c.maxVocabulary());
        TrainingConfig training = new TrainingConfig(1, 128, seed, threads, clipNorm, optimizer, PreviewConfig.defaults(),
                EarlyStoppingConfig.defaults(), PlateauConfig.defaults(), "stop", 3, 0, loss);
        return defaults.withCorpus(corpus).withModel(new ModelConfig("scratch", hidden, layers, activation, dropout))
                .withTraining(training);
    }

    public static TextgenConfig small(int threads) {
        return of(7, 9, 2, ModelConfig.SIGMOID, 0.2, threads, null, OptimizerConfig.RmsProp.defaults(), 42L);
    }
}
