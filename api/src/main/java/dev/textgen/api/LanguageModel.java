package dev.textgen.api;

import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.RecurrentRows;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A trained character-level model: next-symbol probabilities for a context.
 *
 * <p><b>Thread safety.</b> A model is immutable once trained or loaded, and every method may be called
 * from any number of threads at once. Per-caller state lives in {@link Session}s, which belong to one
 * thread each.
 */
public interface LanguageModel {

    /**
     * The symbols this model reads and predicts.
     *
     * @return the vocabulary
     */
    Vocabulary vocabulary();

    /**
     * The configuration it was built with (model shape, the corpus settings it was trained on, defaults for
     * generation).
     *
     * @return the config
     */
    TextgenConfig config();

    /**
     * The context length of a window prediction, {@code config().corpus().maxlen()}.
     *
     * @return the window length in symbols, at least 1
     */
    default int maxlen() {
        return config().corpus().maxlen();
    }

    /**
     * Next-symbol probabilities after {@code context[from, to)}, read from the zero state as the reference notebook
     * does; only the last {@link #maxlen()} ids are used. Writes into {@code out} (length
     * {@code vocabulary().size()}) and returns it.
     *
     * @param context symbol ids
     * @param from the first index of the context, at least 0
     * @param to one past the last index, above {@code from} and at most {@code context.length}
     * @param out receives one probability per symbol
     * @return {@code out}
     * @throws IllegalArgumentException when the range is empty or an id is outside the vocabulary
     */
    float[] predict(int[] context, int from, int to, float[] out);

    /**
     * A new stateful session at the zero state.
     *
     * @return a session the caller closes; not thread-safe
     */
    Session newSession();

    /**
     * A session in window context: after ids {@code x[0, n)} were fed, {@link Session#probabilities} is
     * {@link #predict predict(x, max(0, n - maxlen), n)}, each distribution read from the zero state over
     * the last {@link #maxlen()} ids as the reference notebook does. This default re-reads the window per call; backends
     * override it with a window {@link dev.textgen.api.spi.RecurrentSession}, which advances the maxlen
     * windows in flight as one batch, one batched step per fed id, instead of maxlen steps per prediction.
     * Like every session it belongs to one thread.
     *
     * @return a session the caller closes; not thread-safe
     */
    default Session newWindowSession() {
        return new RecomputingWindowSession(this);
    }

    /**
     * A batch of {@code rows} recurrent states at zero, for callers that run many streams of this model as one
     * batch per step (a server's scheduler). Like a session it belongs to one thread.
     *
     * @param rows the number of rows, at least 1
     * @return the rows, all at the zero state
     * @throws UnsupportedOperationException when the backend runs no batched rows
     */
    default RecurrentRows newRows(int rows) {
        throw new UnsupportedOperationException("the " + backend() + " backend runs no batched rows");
    }

    /**
     * A copy of the weights in the portable (Keras) layout.
     *
     * @return the weights, independent of this model
     */
    ModelWeights weights();

    /**
     * A window of the training text to start from when the caller gives no prompt, if one was stored.
     *
     * @return the default prompt, or empty
     */
    Optional<String> defaultPrompt();

    /**
     * The name of the backend running this model.
     *
     * @return the backend's name, e.g. {@code scratch}
     */
    String backend();

    /**
     * Writes this model to {@code file} in the textgen model format (atomically).
     *
     * @param file the model file to create or replace
     */
    default void save(Path file) {
        ModelFile.write(file, new StoredModel(config(), vocabulary(), weights(), defaultPrompt().orElse(null), null));
    }
}
