package dev.textgen.scratch;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.RecurrentRows;
import dev.textgen.api.spi.RecurrentSession;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.scratch.nn.Network;
import dev.textgen.scratch.nn.PackedNetwork;
import dev.textgen.scratch.nn.Stepper;
import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.PackedMatrix;

import java.util.Optional;

/** An immutable trained model: its own copy of the weights, read by any number of threads at once. */
final class ScratchModel implements LanguageModel {
    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final Network network;
    /** The network's weights packed for the products once: the model never changes. */
    private final PackedNetwork packed;
    private final PackedMatrix dense;
    private final String defaultPrompt;
    private final Kernels kernels;

    ScratchModel(TextgenConfig config, Vocabulary vocabulary, Network network, String defaultPrompt, Kernels kernels) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.network = network;
        this.packed = new PackedNetwork(network, kernels);
        this.dense = Stepper.packDense(network, kernels);
        this.defaultPrompt = defaultPrompt;
        this.kernels = kernels;
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
        Stepper stepper = newStepper(1);
        for (int i = start; i < to; i++) {
            stepper.step(context[i]);
        }
        return stepper.probabilities(0, out);
    }

    @Override
    public Session newSession() {
        return RecurrentSession.stateful(newStepper(1), vocabulary.size());
    }

    @Override
    public Session newWindowSession() {
        return RecurrentSession.window(newStepper(maxlen()), vocabulary.size());
    }

    @Override
    public RecurrentRows newRows(int rows) {
        return newStepper(rows);
    }

    @Override
    public ModelWeights weights() {
        return network.toWeights();
    }

    @Override
    public Optional<String> defaultPrompt() {
        return Optional.ofNullable(defaultPrompt);
    }

    @Override
    public String backend() {
        return ScratchBackend.NAME;
    }

    private Stepper newStepper(int rows) {
        return new Stepper(packed, dense, kernels, config.model().hardSigmoid(), rows);
    }
}
