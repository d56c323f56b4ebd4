package dev.textgen.api.testing;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.TrainingEngine;

/**
 * A tiny deterministic pure-Java backend for tests of the shared machinery (training loop, facade,
 * registries): see {@link TestDoubleModel} for its model. It can inject numerical faults on chosen
 * training calls. Registered for tests only, as {@value TestDoubleProvider#NAME}.
 */
public final class TestDoubleBackend implements Backend {

    /** What a training call does wrong. */
    public enum Fault {
        /** Nothing. */
        NONE,
        /** Returns a NaN loss and applies nothing, as an engine does when the loss or a gradient overflows. */
        NAN_LOSS,
        /** Applies the update, then makes a weight infinite while returning a finite loss. */
        INFINITE_WEIGHT
    }

    /** Chooses the fault of each engine's {@code call}-th (one-based) {@code trainBatch}. */
    @FunctionalInterface
    public interface FaultPlan {
        Fault at(long call, double learningRate);
    }

    private final FaultPlan faults;

    /** A backend without faults. */
    public TestDoubleBackend() {
        this((call, learningRate) -> Fault.NONE);
    }

    public TestDoubleBackend(FaultPlan faults) {
        this.faults = faults;
    }

    /**
     * The test double after 60 training steps on {@link TinyCorpus}, with {@code generation} as its generation
     * config: a model whose text follows the corpus's words a little, the same in every call.
     */
    public static LanguageModel trained(GenerationConfig generation) {
        TextgenConfig config = TinyCorpus.config(TestDoubleProvider.NAME, 16).withGeneration(generation);
        try (TrainingEngine engine = new TestDoubleBackend().newEngine(config, TinyCorpus.vocabulary(), null)) {
            Batch batch = new Batch(16, TinyCorpus.MAXLEN, TinyCorpus.vocabulary().size(), false);
            Batches batches = Batches.shuffled(TinyCorpus.train(), 16, 1, 0);
            for (int step = 0; step < 60 && batches.next(batch); step++) {
                engine.trainBatch(batch, 0.02);
            }
            return engine.snapshot(TinyCorpus.defaultPrompt());
        }
    }

    @Override
    public String name() {
        return TestDoubleProvider.NAME;
    }

    @Override
    public LanguageModel load(StoredModel model) {
        ModelArguments.checkArchitecture(model.config().model(), model.weights());
        return new TestDoubleModel(model.config(), model.vocabulary(), model.weights(), model.defaultPrompt());
    }

    @Override
    public TrainingEngine newEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial) {
        if (initial != null) {
            ModelArguments.checkInitialWeights(config.model(), vocabulary.size(), initial);
        }
        return new TestDoubleEngine(config, vocabulary, initial, faults);
    }
}
