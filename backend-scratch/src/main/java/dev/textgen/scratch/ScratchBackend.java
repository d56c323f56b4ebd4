package dev.textgen.scratch;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.scratch.nn.Network;
import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.VectorizationProvider;

/** The pure-Java backend: stacked LSTM layers and a Dense softmax, trained by BPTT on float32. */
public final class ScratchBackend implements Backend {
    /** The name configs select this backend by ({@code model.backend}). */
    public static final String NAME = "scratch";

    private final Kernels kernels;

    /** With the kernels {@link VectorizationProvider} chooses for this JVM. */
    public ScratchBackend() {
        this(VectorizationProvider.kernels());
    }

    /**
     * With the given kernels (tests compare the scalar and the SIMD path this way).
     *
     * @param kernels the matrix and cell kernels every model and engine of this backend runs on
     */
    public ScratchBackend(Kernels kernels) {
        this.kernels = kernels;
    }

    /** {@return the kernels in use, e.g. for a benchmark's output} */
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String kernelName() {
        return kernels.name();
    }

    @Override
    public LanguageModel load(StoredModel model) {
        ModelArguments.checkArchitecture(model.config().model(), model.weights());
        return new ScratchModel(model.config(), model.vocabulary(), Network.of(model.weights()), model.defaultPrompt(), kernels);
    }

    @Override
    public TrainingEngine newEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial) {
        ModelConfig model = config.model();
        Network network;
        if (initial == null) {
            network = Network.of(ModelWeights.initialize(vocabulary.size(), model.hiddenSize(), model.layers(), config.training().seed()));
        } else {
            ModelArguments.checkInitialWeights(model, vocabulary.size(), initial);
            network = Network.of(initial);
        }
        return new ScratchTrainingEngine(config, vocabulary, network, kernels);
    }
}
