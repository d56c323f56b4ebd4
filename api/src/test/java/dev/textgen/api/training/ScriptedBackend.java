package dev.textgen.api.training;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.TrainingEngine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backend whose engine follows a script, for testing the loop's bookkeeping: its only "weight" is the
 * number of updates applied (in {@code dense/bias[0]}), its optimizer state the same count, and its
 * losses come from functions of the batch and that count. It records every call.
 */
final class ScriptedBackend implements Backend {

    /** A loss for a batch, given the updates applied before it and the learning rate (0 in evaluation). */
    @FunctionalInterface
    interface Script {
        double loss(Batch batch, long updates, double learningRate);
    }

    /** One {@code trainBatch} call as the engine saw it. */
    record Call(long updatesBefore, double learningRate, int[] targets, long seed) {
    }

    private final Script train;
    private final Script validation;
    /** A training call (one-based, counted over all engines) after which a weight turns infinite; 0 for never. */
    private final long corruptAtCall;
    final List<Call> calls = new ArrayList<>();

    ScriptedBackend(Script train, Script validation, long corruptAtCall) {
        this.train = train;
        this.validation = validation;
        this.corruptAtCall = corruptAtCall;
    }

    ScriptedBackend(Script train, Script validation) {
        this(train, validation, 0);
    }

    /** The updates a model's weights record. */
    static long updates(ModelWeights weights) {
        return (long) weights.denseBias()[0];
    }

    /** Window {@code i} of {@code n} is input {@code i}, target {@code i}: batches say which windows they hold. */
    static WindowSet indexWindows(int n) {
        return new WindowSet() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public int maxlen() {
                return 1;
            }

            @Override
            public int vocabularySize() {
                return n;
            }

            @Override
            public int window(int index, int[] dst, int offset) {
                dst[offset] = index;
                return index;
            }
        };
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public LanguageModel load(StoredModel model) {
        return new Model(model.config(), model.vocabulary(), model.weights());
    }

    @Override
    public TrainingEngine newEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial) {
        return new Engine(config, vocabulary, initial);
    }

    private final class Engine implements TrainingEngine {
        private final TextgenConfig config;
        private final Vocabulary vocabulary;
        private float updates;
        private float optimizerUpdates;
        private boolean corrupt;

        Engine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial) {
            this.config = config;
            this.vocabulary = vocabulary;
            this.updates = initial == null ? 0 : updates(initial);
        }

        @Override
        public double trainBatch(Batch batch, double learningRate) {
            calls.add(new Call((long) updates, learningRate, Arrays.copyOf(batch.targets(), batch.size()),
                    batch.seed()));
            double loss = train.loss(batch, (long) updates, learningRate);
            if (Double.isFinite(loss)) {
                updates++;
                optimizerUpdates++;
                corrupt |= calls.size() == corruptAtCall;
            }
            return loss;
        }

        @Override
        public double evaluateBatch(Batch batch) {
            return validation.loss(batch, (long) updates, 0);
        }

        @Override
        public ModelWeights weights() {
            int v = vocabulary.size();
            float[] denseBias = new float[v];
            denseBias[0] = updates;
            if (corrupt && v > 1) {
                denseBias[1] = Float.POSITIVE_INFINITY;
            }
            return new ModelWeights(List.of(new LstmWeights(v, 1, new float[4 * v], new float[4], new float[4])),
                    new float[v], denseBias);
        }

        @Override
        public void setWeights(ModelWeights weights) {
            updates = updates(weights);
            corrupt = !weights.allFinite();
        }

        @Override
        public Map<String, float[]> optimizerState() {
            return Map.of("updates", new float[] {optimizerUpdates});
        }

        @Override
        public void setOptimizerState(Map<String, float[]> state) {
            optimizerUpdates = state.isEmpty() ? 0 : state.get("updates")[0];
        }

        @Override
        public LanguageModel snapshot(String defaultPrompt) {
            return new Model(config, vocabulary, weights());
        }
    }

    /** Enough of a model to carry weights; it predicts nothing. */
    private record Model(TextgenConfig config, Vocabulary vocabulary, ModelWeights weights) implements LanguageModel {
        @Override
        public float[] predict(int[] context, int from, int to, float[] out) {
            throw new UnsupportedOperationException("a scripted model only carries weights");
        }

        @Override
        public Session newSession() {
            throw new UnsupportedOperationException("a scripted model only carries weights");
        }

        @Override
        public Optional<String> defaultPrompt() {
            return Optional.empty();
        }

        @Override
        public String backend() {
            return "scripted";
        }
    }
}
