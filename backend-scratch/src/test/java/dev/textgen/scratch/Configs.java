package dev.textgen.scratch;

import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;

/** Configs for tests and benchmarks: the reference notebook's defaults with the fields that matter here replaced. */
public final class Configs {
    private Configs() {
    }

    public static TextgenConfig of(int maxlen, int hidden, int layers, ModelConfig.RecurrentActivation activation,
                                   double dropout, int threads, Double clipNorm, OptimizerConfig optimizer, long seed) {
        return of(maxlen, hidden, layers, activation, dropout, threads, clipNorm, optimizer, seed,
                TrainingConfig.Loss.LAST_STEP);
    }

    public static TextgenConfig of(int maxlen, int hidden, int layers, ModelConfig.RecurrentActivation activation,
                                   double dropout, int threads, Double clipNorm, OptimizerConfig optimizer, long seed, TrainingConfig.Loss loss) {
        TextgenConfig defaults = TextgenConfig.defaults();
        TrainingConfig training = defaults.training().withEpochs(1).withBatchSize(128).withSeed(seed).withThreads(threads)
                .withClipNorm(clipNorm).withOptimizer(optimizer).withLoss(loss);
        return defaults.withCorpus(defaults.corpus().withMaxlen(maxlen))
                .withModel(new ModelConfig("scratch", hidden, layers, activation, dropout, 0.0)).withTraining(training);
    }

    public static TextgenConfig small(int threads) {
        return of(7, 9, 2, ModelConfig.RecurrentActivation.SIGMOID, 0.2, threads, null, OptimizerConfig.RmsProp.defaults(), 42L);
    }
}
