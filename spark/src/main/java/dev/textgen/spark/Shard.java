package dev.textgen.spark;

import dev.textgen.api.TextgenException;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.corpus.Corpus;

import java.io.Serializable;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * One partition's part of the corpus on the executor that holds it: its text cut into training and
 * held-out windows with the shared vocabulary, and its {@link ShardStream}. Built once per partition and
 * kept in Spark's memory store across rounds (when Spark loses it, it rebuilds it from the text, to the
 * same windows). A round's task trains a fresh engine from the broadcast weights for its local steps.
 */
final class Shard {
    private final int partition;
    private final TextgenConfig config;
    private final Vocabulary vocabulary;
    private final Corpus corpus;
    private final ShardStream stream;
    /** Why the text cannot be cut into windows, or null; reported through {@link #info()}. */
    private final TextgenException failure;

    private Shard(int partition, TextgenConfig config, Vocabulary vocabulary, Corpus corpus, TextgenException failure) {
        this.partition = partition;
        this.config = config;
        this.vocabulary = vocabulary;
        this.corpus = corpus;
        this.failure = failure;
        this.stream = corpus == null ? null : new ShardStream(corpus.trainWindows(), config.training().batchSize(),
                config.training().seed(), partition);
    }

    /**
     * The shard of the text pieces of partition {@code partition}, joined by line breaks. A text that cannot
     * be cut into windows gives a shard that only reports why, so that the driver can throw that error
     * itself instead of a job failure that merely quotes it.
     */
    static Shard of(int partition, Iterator<String> pieces, String configJson, String symbols) {
        TextgenConfig config = ConfigLoader.parseStored(configJson, "the Spark trainer's config");
        Vocabulary vocabulary = Vocabulary.fromSymbols(symbols);
        try {
            return new Shard(partition, config, vocabulary, Corpus.fromText(text(pieces), config.corpus(), vocabulary), null);
        } catch (TextgenException e) {
            return new Shard(partition, config, vocabulary, null, e);
        }
    }

    /** The symbols of one partition's text after normalisation, or why it has none. */
    static Symbols symbols(Iterator<String> pieces, String configJson) {
        TextgenConfig config = ConfigLoader.parseStored(configJson, "the Spark trainer's config");
        try {
            return new Symbols(Corpus.vocabularyOf(text(pieces), config.corpus()).symbols(), null);
        } catch (TextgenException e) {
            return new Symbols(null, e);
        }
    }

    /** The pieces of one partition as one text: the line breaks {@code textFile} removed put back between them. */
    static String text(Iterator<String> pieces) {
        StringBuilder text = new StringBuilder();
        while (pieces.hasNext()) {
            text.append(pieces.next());
            if (pieces.hasNext()) {
                text.append('\n');
            }
        }
        return text.toString();
    }

    /** Window counts, and for partition 0 the default prompt a single-process run would store; or the failure. */
    Info info() {
        if (failure != null) {
            return new Info(partition, 0, 0, null, failure);
        }
        String defaultPrompt = partition == 0
                ? corpus.randomWindow(new SplittableRandom(config.training().seed())) : null;
        return new Info(partition, corpus.trainWindows().size(), corpus.validationWindows().size(), defaultPrompt, null);
    }

    /** Runs the round's local steps from its weights and optimizer state. */
    synchronized Result train(Round round) {
        long started = System.nanoTime();
        try (TrainingEngine engine = Backends.installed().get(config.model().backend())
                .newEngine(config, vocabulary, round.start().weights())) {
            engine.setOptimizerState(round.start().optimizerState());
            Batch batch = new Batch(config.training().batchSize(), config.corpus().maxlen(), vocabulary.size(),
                    engine.wantsOneHot());
            double[] losses = new double[round.steps()];
            long windows = 0;
            for (int i = 0; i < round.steps(); i++) {
                stream.fill(round.firstStep() + i, batch);
                double loss = engine.trainBatch(batch, config.training().optimizer()
                        .decayedLearningRate(round.learningRate(), round.firstStep() + i));
                if (!Double.isFinite(loss)) {
                    return new Result(partition, null, new double[]{loss}, windows, i + 1, System.nanoTime() - started);
                }
                losses[i] = loss * batch.size();
                windows += batch.size();
            }
            Tensors trained = Tensors.of(engine.weights(), engine.optimizerState());
            return new Result(partition, trained, losses, windows, 0, System.nanoTime() - started);
        }
    }

    /**
     * The summed loss over this shard's held-out windows with {@code weights}, and their count. The sum, not
     * {@code Evaluation}'s mean, because the driver adds the shards' sums before it divides once: with one shard
     * that is the single-process trainer's held-out loss bit for bit.
     */
    Result evaluate(Tensors weights) {
        try (TrainingEngine engine = Backends.installed().get(config.model().backend())
                .newEngine(config, vocabulary, weights.weights())) {
            Batch batch = new Batch(config.training().batchSize(), config.corpus().maxlen(), vocabulary.size(),
                    engine.wantsOneHot());
            Batches batches = Batches.sequential(corpus.validationWindows(), config.training().batchSize());
            double sum = 0;
            long windows = 0;
            while (batches.next(batch)) {
                sum += engine.evaluateBatch(batch) * batch.size();
                windows += batch.size();
            }
            return new Result(partition, null, new double[]{sum}, windows, 0, 0);
        }
    }

    /** A partition's symbols, or why it has none. */
    record Symbols(String symbols, TextgenException failure) implements Serializable {
    }

    /** What the driver learns about a shard before training: its windows, or why it has none. */
    record Info(int partition, int trainWindows, int validationWindows, String defaultPrompt, TextgenException failure)
            implements Serializable {
    }

    /**
     * What a task returns: the weights and optimizer state after its steps (null after a non-finite loss,
     * which stopped it at one-based local step {@code failedStep} and is then the only loss), each step's
     * loss times its windows (for an evaluation, one sum), the windows, and the nanoseconds the task spent
     * building the engine and training.
     */
    record Result(int partition, Tensors tensors, double[] weightedLosses, long windows, long failedStep,
                  long computeNanos) implements Serializable {
    }

    /**
     * What the driver broadcasts for a round: the start, the workers' base learning rate, which the optimizer's
     * decay divides at each local step by its number over the run ({@code firstStep + i}), and the step count.
     */
    record Round(Tensors start, double learningRate, long firstStep, int steps) implements Serializable {
    }
}
