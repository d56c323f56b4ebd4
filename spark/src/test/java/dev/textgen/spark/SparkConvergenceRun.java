package dev.textgen.spark;

import dev.textgen.api.Evaluation;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.corpus.Corpus;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Held-out loss after the same characters seen: the single-process trainer against {@code SparkTrainer}
 * with 2 workers at each given K, on the reference model (60-symbol windows every 3, LSTM(128), RMSprop
 * 0.01, batches of 128). The first {@code chars} characters of the corpus are cut once: the last 10% is
 * the held-out text every model is evaluated on, the rest is trained on (by Spark in two shards). One JSON
 * line per run.
 *
 * <pre>
 * (classpath as for SparkThroughputBench)
 * java @target/spark-jvm-options.txt -cp ... dev.textgen.spark.SparkConvergenceRun nietzsche.txt 200000 1 4,16,64 0.01,0.02
 * </pre>
 * Arguments: the corpus file, the characters of it to use, epochs, the K values, and optionally the learning
 * rates of the Spark runs (default: the single process's 0.01), each run at every K.
 */
public final class SparkConvergenceRun {
    /** The reference notebook's RMSprop learning rate, the single process's. */
    private static final double SINGLE_LEARNING_RATE = 0.01;
    private SparkConvergenceRun() {
    }

    public static void main(String[] args) throws IOException {
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        text = text.substring(0, Math.min(Integer.parseInt(args[1]), text.length()));
        int epochs = Integer.parseInt(args[2]);
        int cut = (int) (text.length() * 0.9);
        String train = text.substring(0, cut);
        String heldOut = text.substring(cut);

        TextgenConfig single = config(2, epochs, 1, SINGLE_LEARNING_RATE);
        Corpus corpus = Corpus.fromText(train, single.corpus());
        Vocabulary vocabulary = corpus.vocabulary();
        WindowSet evaluation = Corpus.fromText(heldOut, single.corpus(), vocabulary).trainWindows();
        Backend backend = Backends.installed().get("scratch");
        long started = System.nanoTime();
        try (Trainer trainer = backend.newTrainer(single, vocabulary, null)) {
            trainer.fit(corpus.trainWindows(), WindowSet.empty(60, vocabulary.size()), TrainingListener.NONE);
            print("single", 1, SINGLE_LEARNING_RATE, corpus.trainWindows().size() * (long) epochs,
                    loss(single, vocabulary, trainer.model().weights(), evaluation), started);
        }
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("SparkConvergenceRun").set("spark.ui.enabled", "false"))) {
            String rates = args.length > 4 ? args[4] : Double.toString(SINGLE_LEARNING_RATE);
            for (String rate : rates.split(",")) {
                for (String k : args[3].split(",")) {
                    TextgenConfig config = config(1, epochs, Integer.parseInt(k), Double.parseDouble(rate));
                    started = System.nanoTime();
                    SparkTrainer trainer = SparkTrainer.start(spark, config);
                    long[] windows = {0};
                    trainer.onRound(round -> windows[0] += round.windows());
                    trainer.fit(spark.parallelize(List.of(train.substring(0, train.length() / 2),
                            train.substring(train.length() / 2)), 2));
                    print("spark", Integer.parseInt(k), config.training().optimizer().learningRate(), windows[0],
                            loss(config, vocabulary, trainer.model().weights(), evaluation), started);
                }
            }
        }
    }

    private static TextgenConfig config(int threads, int epochs, int k, double learningRate) {
        return ConfigLoader.parse("""
                {"corpus": {"source": "convergence", "maxlen": 60, "step": 3, "validationFraction": 0.0},
                 "training": {"epochs": %d, "batchSize": 128, "threads": %d,
                              "optimizer": {"type": "rmsprop", "learningRate": %s}},
                 "spark": {"workers": 2, "localSteps": %d}}
                """.formatted(epochs, threads, Double.toString(learningRate), k), "convergence config");
    }

    private static double loss(TextgenConfig config, Vocabulary vocabulary, ModelWeights weights, WindowSet windows) {
        try (TrainingEngine engine = Backends.installed().get("scratch").newEngine(config, vocabulary, weights)) {
            return Evaluation.of(engine, windows, 128).loss();
        }
    }

    private static void print(String run, int k, double learningRate, long windows, double loss, long started) {
        System.out.println(String.format(Locale.ROOT,
                "{\"run\":\"%s\",\"workers\":%d,\"k\":%d,\"learningRate\":%s,\"windowsSeen\":%d,\"heldOutLoss\":%.4f,"
                        + "\"seconds\":%.1f}",
                run, run.equals("single") ? 1 : 2, k, Double.toString(learningRate), windows, loss,
                (System.nanoTime() - started) / 1e9));
    }
}
