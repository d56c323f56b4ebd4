package dev.textgen.api;

import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.IdWindows;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;

import java.util.Locale;
import java.util.Objects;

/**
 * How well a model predicts a text: the mean cross-entropy of predicting each window's next symbol
 * from its {@code maxlen} inputs, read from the zero state, over every window in sequence. It is the
 * held-out loss the training loop reports and what {@code textgen evaluate} prints.
 *
 * @param loss    mean loss in nats per char
 * @param windows how many windows were scored
 */
public record Evaluation(double loss, long windows) {
    private static final double LN2 = Math.log(2);

    /**
     * The mean loss in bits per char.
     *
     * @return {@link #loss()} over ln 2
     */
    public double bitsPerChar() {
        return loss / LN2;
    }

    /**
     * {@code e^loss}: the number of equally likely symbols that would be as uncertain.
     *
     * @return the perplexity, at least 1
     */
    public double perplexity() {
        return Math.exp(loss);
    }

    /**
     * {@code model} on {@code text}, cut into windows of the model's {@code corpus.maxlen} every
     * {@code corpus.step} chars. The text is read as it is, so give it as the model's corpus was normalised
     * (e.g. lowercased).
     *
     * @param model the model to score
     * @param text the text to score, at least {@code maxlen + 1} symbols
     * @return the model's loss on the text
     * @throws UnknownCharacterException   when the text holds characters outside the model's vocabulary
     * @throws CorpusException             when the text is too short for one window
     * @throws BackendUnavailableException when the model's backend is not installed
     */
    public static Evaluation of(LanguageModel model, String text) {
        Objects.requireNonNull(text, "text");
        WindowSet windows = IdWindows.of(text, model.vocabulary(), model.maxlen(), model.config().corpus().step());
        if (windows.size() == 0) {
            throw new CorpusException(String.format(Locale.ROOT, "the text to score has %,d chars, fewer than"
                    + " corpus.maxlen + 1 = %,d needed for one window", text.codePointCount(0, text.length()),
                    model.maxlen() + 1));
        }
        return of(model, windows);
    }

    /**
     * {@code model} on {@code windows}, in batches of the model's {@code training.batchSize} through an
     * engine of the installed backend the model runs on.
     *
     * @param model the model to score
     * @param windows windows of the model's maxlen over its vocabulary
     * @return the model's loss on the windows
     * @throws IllegalArgumentException    when the windows are empty or cut for another maxlen or vocabulary
     * @throws BackendUnavailableException when the model's backend is not installed
     */
    public static Evaluation of(LanguageModel model, WindowSet windows) {
        checkShape(windows, model.maxlen(), model.vocabulary().size());
        try (TrainingEngine engine = Backends.installed().get(model.backend())
                .newEngine(model.config(), model.vocabulary(), model.weights())) {
            return of(engine, windows, model.config().training().batchSize());
        }
    }

    /**
     * The weights {@code engine} holds on {@code windows}, {@code batchSize} windows at a time; the sum of
     * the batches' mean losses weighted by their sizes, over the number of windows.
     *
     * @param engine holds the weights to score
     * @param windows the windows to score, at least one
     * @param batchSize windows per batch, at least 1; the result does not depend on it beyond rounding
     * @return the loss of the engine's weights on the windows
     * @throws IllegalArgumentException when there are no windows or {@code batchSize} is below 1
     */
    public static Evaluation of(TrainingEngine engine, WindowSet windows, int batchSize) {
        if (windows.size() == 0) {
            throw new IllegalArgumentException("there are no windows to score: a text needs at least maxlen + 1 = "
                    + (windows.maxlen() + 1) + " symbols");
        }
        Batches batches = Batches.sequential(windows, batchSize);
        Batch batch = new Batch(batchSize, windows.maxlen(), windows.vocabularySize(), engine.wantsOneHot());
        double sum = 0;
        while (batches.next(batch)) {
            sum += engine.evaluateBatch(batch) * batch.size();
        }
        return new Evaluation(sum / windows.size(), windows.size());
    }

    private static void checkShape(WindowSet windows, int maxlen, int vocabularySize) {
        Objects.requireNonNull(windows, "windows");
        if (windows.maxlen() != maxlen || windows.vocabularySize() != vocabularySize) {
            throw new IllegalArgumentException("the windows have maxlen " + windows.maxlen() + " over "
                    + windows.vocabularySize() + " symbols, but the model has corpus.maxlen " + maxlen + " and a "
                    + vocabularySize + "-symbol vocabulary");
        }
    }
}
