package dev.textgen.spark;

import dev.textgen.api.EpochResult;
import dev.textgen.api.Evaluation;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.corpus.Corpus;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Held-out loss after the same characters seen, epoch by epoch: the single-process trainer, or
 * {@code SparkTrainer} with N workers (default 2) on {@code local[2]} at each given K, on the reference model
 * (60-symbol windows every 3, LSTM(128), RMSprop 0.01, batches of 128). The first {@code chars} characters
 * of the corpus are cut once: the last 10% is the held-out text every model is evaluated on after every
 * epoch, the rest is trained on (by Spark in N shards of equal length, in text order). One JSON line per
 * epoch. The losses do not depend on how many cores run the tasks, so N may exceed them.
 *
 * <pre>
 * (classpath as for SparkThroughputBench)
 * flock /tmp/textgen-cpu.lock java @target/spark-jvm-options.txt -cp ... dev.textgen.spark.SparkConvergenceRun \
 *     nietzsche.txt 600901 5 single
 * flock /tmp/textgen-cpu.lock java @target/spark-jvm-options.txt -cp ... dev.textgen.spark.SparkConvergenceRun \
 *     nietzsche.txt 600901 5 16 auto,3
 * </pre>
 * Arguments: the corpus file, the characters of it to use, epochs, {@code single} or the K values, and for
 * Spark runs the {@code spark.learningRateScale} values (default {@code auto}), each at every K, and the
 * number of workers (default 2).
 */
public final class SparkConvergenceRun {
    private SparkConvergenceRun() {
    }

    public static void main(String[] args) throws IOException {
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        text = text.substring(0, Math.min(Integer.parseInt(args[1]), text.length()));
        int epochs = Integer.parseInt(args[2]);
        int cut = (int) (text.length() * 0.9);
        String train = text.substring(0, cut);
        String heldOut = text.substring(cut);

        TextgenConfig single = config(2, epochs, 2, 1, "\"auto\"");
        Corpus corpus = Corpus.fromText(train, single.corpus());
        Vocabulary vocabulary = corpus.vocabulary();
        WindowSet evaluation = Corpus.fromText(heldOut, single.corpus(), vocabulary).trainWindows();
        if (args[3].equals("single")) {
            long started = System.nanoTime();
            long windowsPerEpoch = corpus.trainWindows().size();
            try (Trainer trainer = Backends.installed().get("scratch").newTrainer(single, vocabulary, null)) {
                trainer.fit(corpus.trainWindows(), WindowSet.empty(60, vocabulary.size()), new TrainingListener() {
                    @Override
                    public void onEpoch(EpochResult result, Trainer t) {
                        print("single", 1, 0, "-", result, windowsPerEpoch * result.epoch(),
                                loss(single, vocabulary, t.model().weights(), evaluation), started);
                    }
                });
            }
            return;
        }
        String scales = args.length > 4 ? args[4] : "auto";
        int workers = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        List<String> shards = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            shards.add(train.substring((int) ((long) train.length() * w / workers),
                    (int) ((long) train.length() * (w + 1) / workers)));
        }
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("SparkConvergenceRun").set("spark.ui.enabled", "false"))) {
            for (String scale : scales.split(",")) {
                for (String k : args[3].split(",")) {
                    TextgenConfig config = config(1, epochs, workers, Integer.parseInt(k),
                            scale.equals("auto") ? "\"auto\"" : scale);
                    long started = System.nanoTime();
                    SparkTrainer trainer = SparkTrainer.start(spark, config);
                    long[] windows = {0};
                    trainer.onRound(round -> windows[0] += round.windows());
                    trainer.onEpoch(result -> print("spark", workers, Integer.parseInt(k), scale, result, windows[0],
                            loss(config, vocabulary, trainer.model().weights(), evaluation), started));
                    trainer.fit(spark.parallelize(shards, workers));
                }
            }
        }
    }

    private static TextgenConfig config(int threads, int epochs, int workers, int k, String learningRateScale) {
        return ConfigLoader.parse("""
                {"corpus": {"source": "convergence", "maxlen": 60, "step": 3, "validationFraction": 0.0},
                 "training": {"epochs": %d, "batchSize": 128, "threads": %d,
                              "optimizer": {"type": "rmsprop", "learningRate": 0.01}},
                 "spark": {"workers": %d, "localSteps": %d, "learningRateScale": %s}}
                """.formatted(epochs, threads, workers, k, learningRateScale), "convergence config");
    }

    private static double loss(TextgenConfig config, Vocabulary vocabulary, ModelWeights weights, WindowSet windows) {
        try (TrainingEngine engine = Backends.installed().get("scratch").newEngine(config, vocabulary, weights)) {
            return Evaluation.of(engine, windows, 128).loss();
        }
    }

    private static void print(String run, int workers, int k, String scale, EpochResult epoch, long windows,
                              double heldOut, long started) {
        System.out.println(String.format(Locale.ROOT,
                "{\"run\":\"%s\",\"workers\":%d,\"k\":%d,\"learningRateScale\":\"%s\",\"epoch\":%d,\"windowsSeen\":%d,"
                        + "\"trainLoss\":%.4f,\"heldOutLoss\":%.4f,\"seconds\":%.1f}",
                run, workers, k, scale, epoch.epoch(), windows, epoch.trainLoss(), heldOut,
                (System.nanoTime() - started) / 1e9));
    }
}
