package dev.textgen.api.testing;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.RecurrentRows;
import dev.textgen.api.spi.RecurrentSession;

import java.util.Arrays;
import java.util.Optional;

/**
 * The test double's model: a "decayed bag of symbols". The state is {@code h = DECAY h + E[id]} per
 * symbol from zero, the output {@code softmax(tanh(h) D + c)}. {@code E} is the first {@code H}
 * columns of the LSTM kernel of the portable layout, {@code D} and {@code c} the Dense layer; the other
 * LSTM tensors are carried unchanged, so weights round-trip. Small enough to train by hand in tests,
 * yet its output depends on the whole context like a recurrent model's. Immutable and thread-safe.
 */
public final class TestDoubleModel implements LanguageModel {
    /** How much of the previous state each step keeps. */
    static final float DECAY = 0.5f;

    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final ModelWeights weights;
    private final String defaultPrompt;
    private final int hidden;
    private final int symbols;
    private final float[] kernel;
    private final float[] denseKernel;
    private final float[] denseBias;

    TestDoubleModel(TextgenConfig config, Vocabulary vocabulary, ModelWeights weights, String defaultPrompt) {
        if (weights.lstm().size() != 1) {
            throw new IllegalArgumentException("the test-double backend runs one layer; got " + weights.lstm().size());
        }
        if (weights.vocabularySize() != vocabulary.size()) {
            throw new IllegalArgumentException("weights for " + weights.vocabularySize() + " symbols, vocabulary of "
                    + vocabulary.size());
        }
        this.config = config;
        this.vocabulary = vocabulary;
        this.weights = weights;
        this.defaultPrompt = defaultPrompt;
        this.hidden = weights.lstm().get(0).hiddenSize();
        this.symbols = vocabulary.size();
        this.kernel = weights.lstm().get(0).kernel();
        this.denseKernel = weights.denseKernel();
        this.denseBias = weights.denseBias();
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
        float[] h = new float[hidden];
        for (int t = start; t < to; t++) {
            step(kernel, hidden, symbols, h, context[t]);
        }
        return distribution(h, out);
    }

    @Override
    public Session newSession() {
        return RecurrentSession.stateful(newRows(1), symbols);
    }

    @Override
    public RecurrentRows newRows(int rows) {
        return new RecurrentRows() {
            private final float[][] h = new float[rows][hidden];

            @Override
            public int rows() {
                return rows;
            }

            @Override
            public void reset() {
                for (float[] row : h) {
                    Arrays.fill(row, 0f);
                }
            }

            @Override
            public void reset(int row) {
                Arrays.fill(h[row], 0f);
            }

            @Override
            public void step(int id) {
                for (float[] row : h) {
                    TestDoubleModel.step(kernel, hidden, symbols, row, id);
                }
            }

            @Override
            public void step(int[] ids, int count) {
                for (int r = 0; r < count; r++) {
                    TestDoubleModel.step(kernel, hidden, symbols, h[r], ids[r]);
                }
            }

            @Override
            public void move(int from, int to, int count) {
                float[][] moved = new float[count][];
                for (int r = 0; r < count; r++) {
                    moved[r] = h[from + r].clone();
                }
                for (int r = 0; r < count; r++) {
                    h[to + r] = moved[r];
                }
            }

            @Override
            public float[] probabilities(int row, float[] out) {
                return distribution(h[row], out);
            }
        };
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
        return TestDoubleProvider.NAME;
    }

    private float[] distribution(float[] h, float[] out) {
        double[] p = new double[symbols];
        float[] a = new float[hidden];
        activate(h, null, a);
        softmax(denseKernel, denseBias, hidden, symbols, a, p);
        if (out.length != symbols) {
            throw new IllegalArgumentException("out has length " + out.length + "; expected " + symbols);
        }
        for (int k = 0; k < symbols; k++) {
            out[k] = (float) p[k];
        }
        return out;
    }

    /** One symbol into the state: {@code h = DECAY h + E[id]}. */
    static void step(float[] kernel, int hidden, int symbols, float[] h, int id) {
        if (id < 0 || id >= symbols) {
            throw new IllegalArgumentException("symbol id " + id + " is outside [0, " + symbols + ")");
        }
        int row = id * 4 * hidden;
        for (int j = 0; j < hidden; j++) {
            h[j] = DECAY * h[j] + kernel[row + j];
        }
    }

    /** {@code a = tanh(h)}, times the dropout mask when there is one. */
    static void activate(float[] h, float[] mask, float[] a) {
        for (int j = 0; j < h.length; j++) {
            a[j] = (float) Math.tanh(h[j]) * (mask == null ? 1f : mask[j]);
        }
    }

    /** {@code p = softmax(a D + c)}, in double. */
    static void softmax(float[] denseKernel, float[] denseBias, int hidden, int symbols, float[] a, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < symbols; k++) {
            double z = denseBias[k];
            for (int j = 0; j < hidden; j++) {
                z += (double) a[j] * denseKernel[j * symbols + k];
            }
            p[k] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int k = 0; k < symbols; k++) {
            p[k] = Math.exp(p[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < symbols; k++) {
            p[k] /= sum;
        }
    }
}
