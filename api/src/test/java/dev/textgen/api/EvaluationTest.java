package dev.textgen.api;

import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.IdWindows;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.testing.TestDoubleBackend;
import dev.textgen.api.testing.TestDoubleProvider;
import dev.textgen.api.testing.TinyCorpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Scoring a model, on the test-double backend (installed through the test service file). */
class EvaluationTest {
    private static TextgenConfig config;
    private static LanguageModel model;
    private static TrainingHistory history;

    @BeforeAll
    static void train() {
        config = TinyCorpus.config(TestDoubleProvider.NAME, 4);
        try (Trainer trainer = new TestDoubleBackend().newTrainer(config, TinyCorpus.vocabulary(), TinyCorpus.seedWindow())) {
            history = trainer.fit(TinyCorpus.train(), TinyCorpus.validation(), TrainingListener.NONE);
            model = trainer.model();
        }
    }

    @Test
    void theScoreIsTheMeanNegativeLogProbabilityOfEachWindowsTarget() {
        WindowSet windows = TinyCorpus.validation();

        Evaluation score = Evaluation.of(model, windows);

        double sum = 0;
        int[] context = new int[windows.maxlen()];
        float[] probabilities = new float[model.vocabulary().size()];
        for (int i = 0; i < windows.size(); i++) {
            int target = windows.window(i, context, 0);
            sum -= Math.log(model.predict(context, 0, context.length, probabilities)[target]);
        }
        assertThat(score.windows()).isEqualTo(windows.size());
        assertThat(score.loss()).isCloseTo(sum / windows.size(), within(1e-5));
        assertThat(score.bitsPerChar()).isCloseTo(score.loss() / Math.log(2), within(1e-12));
        assertThat(score.perplexity()).isCloseTo(Math.exp(score.loss()), within(1e-12));
    }

    @Test
    void theTrainingLoopsHeldOutLossIsTheSameScore() {
        EpochResult last = history.epochs().get(history.epochs().size() - 1);

        assertThat(Evaluation.of(model, TinyCorpus.validation()).loss()).isEqualTo(last.validationLoss());
    }

    @Test
    void aTextIsCutWithTheModelsMaxlenAndStep() {
        String text = TinyCorpus.TEXT.substring(100, 180);

        Evaluation score = Evaluation.of(model, text);

        WindowSet windows = IdWindows.of(text, model.vocabulary(), TinyCorpus.MAXLEN, TinyCorpus.STEP);
        assertThat(score.windows()).isEqualTo(windows.size()).isEqualTo((80 - TinyCorpus.MAXLEN - 1) / TinyCorpus.STEP + 1);
        assertThat(score).isEqualTo(Evaluation.of(model, windows));
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> Evaluation.of(model, "the cat"))
                .isInstanceOf(CorpusException.class)
                .hasMessage("the text to score has 7 chars, fewer than corpus.maxlen + 1 = 11 needed for one window");
        assertThatThrownBy(() -> Evaluation.of(model, "the cat sat on the Mat"))
                .isInstanceOf(UnknownCharacterException.class)
                .hasMessageContaining("'M' (U+004D) at 19");
        assertThatThrownBy(() -> Evaluation.of(model, IdWindows.of(TinyCorpus.TEXT, model.vocabulary(), 5, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the windows have maxlen 5 over " + model.vocabulary().size() + " symbols, but the model"
                        + " has corpus.maxlen 10");
        assertThatThrownBy(() -> Evaluation.of(model, WindowSet.empty(TinyCorpus.MAXLEN, model.vocabulary().size())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("there are no windows to score: a text needs at least maxlen + 1 = 11 symbols");
    }
}
