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

    /** The symbols this model reads and predicts. */
    Vocabulary vocabulary();

    /** The configuration it was built with (model shape, the corpus settings it was trained on, defaults for generation). */
    TextgenConfig config();

    /** The context length of a window prediction, {@code config().corpus().maxlen()}. */
    default int maxlen() {
        return config().corpus().maxlen();
    }

    /**
     * Next-symbol probabilities after {@code context[from, to)}, read from the zero state as the seed
     * does; only the last {@link #maxlen()} ids are used. Writes into {@code out} (length
     * {@code vocabulary().size()}) and returns it.
     *
     * @throws IllegalArgumentException when the range is empty or an id is outside the vocabulary
     */
    float[] predict(int[] context, int from, int to, float[] out);

    /** A new stateful session at the zero state. */
    Session newSession();

    /**
     * A session in window context: after ids {@code x[0, n)} were fed, {@link Session#probabilities} is
     * {@link #predict predict(x, max(0, n - maxlen), n)}, each distribution read from the zero state over
     * the last {@link #maxlen()} ids as the seed does. This default re-reads the window per call; backends
     * override it with a window {@link dev.textgen.api.spi.RecurrentSession}, which advances the maxlen
     * windows in flight as one batch, one batched step per fed id, instead of maxlen steps per prediction.
     * Like every session it belongs to one thread.
     */
    default Session newWindowSession() {
        return new RecomputingWindowSession(this);
    }

    /**
     * A batch of {@code rows} recurrent states at zero, for callers that run many streams of this model as one
     * batch per step (a server's scheduler). Like a session it belongs to one thread.
     *
     * @throws UnsupportedOperationException when the backend runs no batched rows
     */
    default RecurrentRows newRows(int rows) {
        throw new UnsupportedOperationException("the " + backend() + " backend runs no batched rows");
    }

    /** A copy of the weights in the portable (Keras) layout. */
    ModelWeights weights();

    /** A window of the training text to start from when the caller gives no seed text, if one was stored. */
    Optional<String> seedWindow();

    /** The name of the backend running this model. */
    String backend();

    /** Writes this model to {@code file} in the textgen model format (atomically). */
    default void save(Path file) {
        ModelFile.write(file, new StoredModel(config(), vocabulary(), weights(), seedWindow().orElse(null), null));
    }
}
