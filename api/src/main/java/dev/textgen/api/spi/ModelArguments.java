package dev.textgen.api.spi;

import dev.textgen.api.ConfigException;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;

/**
 * Argument checks that every {@link dev.textgen.api.LanguageModel}, {@link dev.textgen.api.Session} and
 * {@link TrainingEngine} implementation shares, so that all backends reject bad input with the same messages.
 */
public final class ModelArguments {
    private ModelArguments() {
    }

    /**
     * Checks the arguments of {@link dev.textgen.api.LanguageModel#predict} and returns the first index
     * of the window actually read, {@code max(from, to - maxlen)}.
     *
     * @param context symbol ids
     * @param from the first index of the context to read
     * @param to one past the last index of the context to read, above {@code from}
     * @param out receives the distribution; must hold {@code vocabularySize} floats
     * @param maxlen the model's window length
     * @param vocabularySize the number of symbols
     * @return the first index read, in [from, to)
     * @throws IllegalArgumentException for a null or empty range, an id outside the vocabulary or a wrong {@code out}
     */
    public static int windowStart(int[] context, int from, int to, float[] out, int maxlen, int vocabularySize) {
        if (context == null) {
            throw new IllegalArgumentException("context is null");
        }
        if (from < 0 || to > context.length || from >= to) {
            throw new IllegalArgumentException("context range [" + from + ", " + to + ") is empty or outside the "
                    + context.length + " ids given");
        }
        checkOut(out, vocabularySize);
        int start = Math.max(from, to - maxlen);
        for (int i = start; i < to; i++) {
            checkId(context[i], i, vocabularySize);
        }
        return start;
    }

    /**
     * Checks that {@code id}, found at {@code position} of the caller's input, is a symbol of the vocabulary.
     *
     * @param id the symbol id
     * @param position where the caller found it, for the error message
     * @param vocabularySize the number of symbols; valid ids are in [0, vocabularySize)
     * @throws IllegalArgumentException naming the id, its position and the valid range
     */
    public static void checkId(int id, long position, int vocabularySize) {
        if (id < 0 || id >= vocabularySize) {
            throw new IllegalArgumentException("symbol id " + id + " at position " + position
                    + " is outside the vocabulary [0, " + vocabularySize + ")");
        }
    }

    /**
     * Checks that a session was fed a symbol, {@code fed} of them since its zero state, before its
     * probabilities are read.
     *
     * @param fed the number of symbols fed since the session's zero state
     * @throws IllegalStateException when none was
     */
    public static void checkFed(long fed) {
        if (fed == 0) {
            throw new IllegalStateException("no symbol fed yet: call feed(id) before probabilities()");
        }
    }

    /**
     * Checks that {@code out} holds exactly one float per symbol.
     *
     * @param out the caller's output array
     * @param vocabularySize the number of symbols
     * @throws IllegalArgumentException when {@code out} is null or has another length
     */
    public static void checkOut(float[] out, int vocabularySize) {
        if (out == null || out.length != vocabularySize) {
            throw new IllegalArgumentException("out must hold " + vocabularySize + " floats (the vocabulary size), got "
                    + (out == null ? "null" : out.length));
        }
    }

    /**
     * Checks a {@link Batch} given to a {@link TrainingEngine}: not empty, encoded over the
     * model's vocabulary, and every input and target id inside it.
     *
     * @param batch the batch to check
     * @param vocabularySize the model's number of symbols
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkBatch(Batch batch, int vocabularySize) {
        if (batch.vocabularySize() != vocabularySize) {
            throw new IllegalArgumentException("the batch has ids over " + batch.vocabularySize()
                    + " symbols but the model's vocabulary has " + vocabularySize);
        }
        if (batch.size() < 1) {
            throw new IllegalArgumentException("the batch is empty");
        }
        int[] inputs = batch.inputs();
        int[] targets = batch.targets();
        for (int i = 0; i < batch.size() * batch.maxlen(); i++) {
            if (inputs[i] < 0 || inputs[i] >= vocabularySize) {
                throw new IllegalArgumentException("input id " + inputs[i] + " of window " + i / batch.maxlen()
                        + " is outside the vocabulary [0, " + vocabularySize + ")");
            }
        }
        for (int b = 0; b < batch.size(); b++) {
            if (targets[b] < 0 || targets[b] >= vocabularySize) {
                throw new IllegalArgumentException("target id " + targets[b] + " of window " + b
                        + " is outside the vocabulary [0, " + vocabularySize + ")");
            }
        }
    }

    /**
     * Checks that {@code weights} are the network {@code model} describes, as every {@link Backend} does before it
     * loads or trains them: the config is what a backend builds the network from.
     *
     * @param model the model section of the config
     * @param weights the weights to run or train
     * @throws ConfigException naming {@code model.layers} or {@code model.hiddenSize} and both values
     */
    public static void checkArchitecture(ModelConfig model, ModelWeights weights) {
        if (weights.lstm().size() != model.layers()) {
            throw new ConfigException("model.layers", "model.layers is " + model.layers() + " but the weights have "
                    + weights.lstm().size() + " LSTM layers");
        }
        for (int l = 0; l < model.layers(); l++) {
            int units = weights.lstm().get(l).hiddenSize();
            if (units != model.hiddenSize()) {
                throw new ConfigException("model.hiddenSize", "model.hiddenSize is " + model.hiddenSize()
                        + " but lstm_" + l + " of the weights has " + units + " units");
            }
        }
    }

    /**
     * Checks the initial weights given to {@link Backend#newEngine}: the architecture ({@link #checkArchitecture})
     * and the vocabulary.
     *
     * @param model the model section of the config
     * @param vocabularySize the model's number of symbols
     * @param initial the initial weights, or null for fresh ones (then nothing is checked)
     * @throws ConfigException for another architecture
     * @throws IllegalArgumentException for weights over another vocabulary
     */
    public static void checkInitialWeights(ModelConfig model, int vocabularySize, ModelWeights initial) {
        if (initial.vocabularySize() != vocabularySize) {
            throw new IllegalArgumentException("the initial weights are for " + initial.vocabularySize()
                    + " symbols but the vocabulary has " + vocabularySize);
        }
        checkArchitecture(model, initial);
    }
}
