package dev.textgen.dl4j;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelWeights;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An immutable model on DL4J. A {@link MultiLayerNetwork} is not thread-safe (it keeps its input, its
 * recurrent state and its workspaces in fields), so every concurrent caller borrows a network of its
 * own: window predictions from a pool of clones, each {@link Session} its own clone for its lifetime.
 */
final class Dl4jLanguageModel implements LanguageModel {
    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final ModelWeights weights;
    private final String seedWindow;
    private final MultiLayerNetwork template;
    private final ConcurrentLinkedQueue<MultiLayerNetwork> idle = new ConcurrentLinkedQueue<>();

    Dl4jLanguageModel(TextgenConfig config, Vocabulary vocabulary, ModelWeights weights, String seedWindow) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.weights = weights;
        this.seedWindow = seedWindow;
        this.template = Networks.build(config.model(), weights);
        idle.add(template.clone());
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
        int size = vocabulary.size();
        if (from < 0 || to > context.length || from >= to) {
            throw new IllegalArgumentException("context range [" + from + ", " + to + ") must be non-empty and within [0, "
                    + context.length + "]");
        }
        checkOut(out);
        int start = Math.max(from, to - maxlen());
        int steps = to - start;
        float[] oneHot = new float[steps * size];
        for (int t = 0; t < steps; t++) {
            oneHot[t * size + checkId(context[start + t])] = 1f;
        }
        MultiLayerNetwork network = borrow();
        try {
            INDArray probabilities = network.output(Nd4j.create(oneHot, new long[]{1, steps, size}, 'c'), false);
            copyStep(probabilities, steps - 1, out);
        } finally {
            idle.add(network);
        }
        return out;
    }

    @Override
    public Session newSession() {
        return new Dl4jSession(this, borrow());
    }

    @Override
    public ModelWeights weights() {
        return weights; // ModelWeights copies its arrays in, and callers treat them as read-only
    }

    @Override
    public Optional<String> seedWindow() {
        return Optional.ofNullable(seedWindow);
    }

    @Override
    public String backend() {
        return Dl4jBackendProvider.NAME;
    }

    MultiLayerNetwork borrow() {
        MultiLayerNetwork network = idle.poll();
        if (network != null) {
            return network;
        }
        synchronized (template) {
            return template.clone();
        }
    }

    void release(MultiLayerNetwork network) {
        network.rnnClearPreviousState();
        idle.add(network);
    }

    int checkId(int id) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new IllegalArgumentException("symbol id " + id + " is outside the vocabulary [0, " + vocabulary.size() + ")");
        }
        return id;
    }

    void checkOut(float[] out) {
        if (out == null || out.length != vocabulary.size()) {
            throw new IllegalArgumentException("out must have length " + vocabulary.size() + " (the vocabulary size), got "
                    + (out == null ? "null" : out.length));
        }
    }

    /** Copies time step {@code step} of an NWC output {@code [1, time, vocabulary]} into {@code out}. */
    static void copyStep(INDArray output, int step, float[] out) {
        INDArray row = output.tensorAlongDimension(step, 2).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        for (int v = 0; v < out.length; v++) {
            out[v] = row.getFloat(v);
        }
    }
}
