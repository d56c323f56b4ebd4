package dev.textgen.dl4j;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.RecurrentRows;
import dev.textgen.api.spi.RecurrentSession;
import dev.textgen.api.io.ModelWeights;

import java.util.Optional;

/**
 * An immutable model on ND4J. It runs through {@link LstmLayerInference}, whose weight arrays are only
 * read, so one instance serves any number of threads; each {@link Session} keeps its own recurrent
 * state. (A {@code MultiLayerNetwork} would not do: it keeps its input, recurrent state and workspaces in
 * fields, and is up to two orders of magnitude slower per generated character, see README.md.)
 */
final class Dl4jLanguageModel implements LanguageModel {
    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final ModelWeights weights;
    private final String defaultPrompt;
    private final LstmLayerInference inference;

    Dl4jLanguageModel(TextgenConfig config, Vocabulary vocabulary, ModelWeights weights, String defaultPrompt) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.weights = weights;
        this.defaultPrompt = defaultPrompt;
        this.inference = new LstmLayerInference(weights, config.model().hardSigmoid());
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public TextgenConfig config() {
        return config;
    }

    @Override
    public float[] predict(int[] context, int from, int to, float[] out) {
        int start = ModelArguments.windowStart(context, from, to, out, maxlen(), vocabulary.size());
        return inference.window(context, start, to, out);
    }

    @Override
    public Session newSession() {
        return RecurrentSession.stateful(inference.newState(1), vocabulary.size());
    }

    @Override
    public RecurrentRows newRows(int rows) {
        return inference.newState(rows);
    }

    @Override
    public Session newWindowSession() {
        return RecurrentSession.window(inference.newState(maxlen()), vocabulary.size());
    }

    @Override
    public ModelWeights weights() {
        return weights.copy();
    }

    @Override
    public Optional<String> defaultPrompt() {
        return Optional.ofNullable(defaultPrompt);
    }

    @Override
    public String backend() {
        return Dl4jBackendProvider.NAME;
    }

}
