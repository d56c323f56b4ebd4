package dev.textgen.api.testing;

import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.CorpusConfig;
import dev.textgen.api.config.EarlyStoppingConfig;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.PlateauConfig;
import dev.textgen.api.config.PreviewConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.IdWindows;
import dev.textgen.api.data.WindowSet;

import java.util.List;

/**
 * A small fixed text and configs sized for it, so that tests train in milliseconds: windows of
 * {@value #MAXLEN} symbols every {@value #STEP}, a handful of hidden units, small batches.
 */
public final class TinyCorpus {
    public static final int MAXLEN = 10;
    public static final int STEP = 2;

    /** Repetitive enough to learn from in a few hundred steps, varied enough that context matters. */
    public static final String TEXT = ("the cat sat on the mat. the dog sat on the log. "
            + "a cat and a dog met on a mat by the log; the cat ran, the dog sat. ").repeat(6);

    /** The last fifth of the text is held out. */
    private static final int TRAIN_END = TEXT.length() * 4 / 5;

    private TinyCorpus() {
    }

    public static Vocabulary vocabulary() {
        return Vocabulary.fromText(TEXT);
    }

    public static WindowSet train() {
        return IdWindows.of(TEXT.substring(0, TRAIN_END), vocabulary(), MAXLEN, STEP);
    }

    public static WindowSet validation() {
        return IdWindows.of(TEXT.substring(TRAIN_END), vocabulary(), MAXLEN, STEP);
    }

    /** A window of the text to start generation from. */
    public static String defaultPrompt() {
        return TEXT.substring(0, MAXLEN);
    }

    /**
     * A config for {@code backend}: {@code hidden} units, 3 epochs of batch 16, RMSprop lr 0.01, seed 7. Its
     * corpus source is a placeholder: tests hand the windows of {@link #TEXT} to the trainer directly.
     */
    public static TextgenConfig config(String backend, int hidden) {
        TextgenConfig defaults = TextgenConfig.defaults();
        CorpusConfig c = defaults.corpus();
        return defaults
                .withCorpus(new CorpusConfig("classpath:tiny.txt", null, null, c.charset(), c.malformed(), false, false,
                        false, MAXLEN, STEP, 0.2, c.maxVocabulary()))
                .withModel(new ModelConfig(backend, hidden, 1, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 0.0))
                .withTraining(training(3, 16, OptimizerConfig.RmsProp.defaults(), EarlyStoppingConfig.defaults(),
                        PlateauConfig.defaults(), TrainingConfig.OnNonFinite.STOP))
                .withGeneration(GenerationConfig.defaults());
    }

    /** Training settings over the reference notebook's defaults, with seed 7, one thread, no clipping and no previews. */
    public static TrainingConfig training(int epochs, int batchSize, OptimizerConfig optimizer,
                                          EarlyStoppingConfig earlyStopping, PlateauConfig plateau, TrainingConfig.OnNonFinite onNonFinite) {
        return new TrainingConfig(epochs, batchSize, 7L, 1, null, optimizer, new PreviewConfig(0, List.of()),
                earlyStopping, plateau, onNonFinite, 3, 0, TrainingConfig.Loss.LAST_STEP);
    }

    /** {@code config} with another dropout rate. */
    public static TextgenConfig withDropout(TextgenConfig config, double dropout) {
        ModelConfig m = config.model();
        return config.withModel(new ModelConfig(m.backend(), m.hiddenSize(), m.layers(), m.recurrentActivation(), dropout, m.recurrentDropout()));
    }
}
