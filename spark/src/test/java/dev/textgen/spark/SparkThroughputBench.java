package dev.textgen.spark;

import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
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
 * Training throughput, Spark against one process, on the reference model (60-symbol windows every 3,
 * LSTM(128), RMSprop, batches of 128), printed as one JSON line: windows per second of the scratch
 * engine on 2 threads, of {@code SparkTrainer} with 2 workers of 1 thread on {@code local[2]} at the
 * given K, their ratio, and the mean round split into compute, broadcast, aggregation and scheduling.
 * The first round is left out (JIT warm-up), as are the single process's first batches.
 *
 * <pre>
 * mvn -B -q -pl spark -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * cd spark &amp;&amp; java @target/spark-jvm-options.txt -cp "target/test-classes:target/classes:$(cat /tmp/cp.txt)" \
 *     dev.textgen.spark.SparkThroughputBench ../../shared/corpora/nietzsche.txt 16 120000
 * </pre>
 * Arguments: the corpus file, K (default 16), the characters of it to use (default 120,000).
 */
public final class SparkThroughputBench {
    private static final int WARMUP_BATCHES = 5;
    private static final int TIMED_BATCHES = 30;

    private SparkThroughputBench() {
    }

    public static void main(String[] args) throws IOException {
        Path corpusFile = Path.of(args[0]);
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int chars = args.length > 2 ? Integer.parseInt(args[2]) : 120_000;
        String text = Files.readString(corpusFile, StandardCharsets.UTF_8);
        text = text.substring(0, Math.min(chars, text.length()));

        double single = singleProcess(config(2, k), text);

        List<SparkTrainer.RoundTimes> rounds = new ArrayList<>();
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("SparkThroughputBench").set("spark.ui.enabled", "false"))) {
            SparkTrainer.start(spark, config(1, k)).onRound(rounds::add).fit(spark.parallelize(List.of(
                    text.substring(0, text.length() / 2), text.substring(text.length() / 2)), 2));
        }
        List<SparkTrainer.RoundTimes> timed = rounds.subList(1, rounds.size());
        double wall = timed.stream().mapToLong(SparkTrainer.RoundTimes::wallNanos).sum() / 1e9;
        long windows = timed.stream().mapToLong(SparkTrainer.RoundTimes::windows).sum();
        double distributed = windows / wall;
        System.out.println(String.format(Locale.ROOT, "{\"bench\":\"spark-throughput\",\"k\":%d,\"workers\":2,"
                        + "\"chars\":%d,\"rounds\":%d,\"singleWindowsPerSecond\":%.1f,\"sparkWindowsPerSecond\":%.1f,"
                        + "\"ratio\":%.3f,\"roundMs\":{\"wall\":%.2f,\"compute\":%.2f,\"broadcast\":%.2f,"
                        + "\"aggregation\":%.2f,\"scheduling\":%.2f},\"stepMs\":%.2f}",
                k, text.length(), timed.size(), single, distributed, distributed / single,
                meanMs(timed, SparkTrainer.RoundTimes::wallNanos), meanMs(timed, SparkTrainer.RoundTimes::computeNanos),
                meanMs(timed, SparkTrainer.RoundTimes::broadcastNanos),
                meanMs(timed, SparkTrainer.RoundTimes::aggregateNanos),
                meanMs(timed, SparkTrainer.RoundTimes::schedulingNanos),
                meanMs(timed, SparkTrainer.RoundTimes::computeNanos) / k));
    }

    private static TextgenConfig config(int threads, int k) {
        return ConfigLoader.parse("""
                {"corpus": {"source": "bench", "maxlen": 60, "step": 3, "validationFraction": 0.0},
                 "training": {"epochs": 1, "batchSize": 128, "threads": %d},
                 "spark": {"workers": 2, "localSteps": %d}}
                """.formatted(threads, k), "bench config");
    }

    /** Windows per second of the scratch engine on the whole text, {@value #TIMED_BATCHES} batches. */
    private static double singleProcess(TextgenConfig config, String text) {
        Corpus corpus = Corpus.fromText(text, config.corpus());
        try (TrainingEngine engine = Backends.installed().get("scratch").newEngine(config, corpus.vocabulary(), null)) {
            Batches batches = Batches.shuffled(corpus.trainWindows(), 128, 42, 0);
            Batch batch = new Batch(128, 60, corpus.vocabulary().size(), engine.wantsOneHot());
            for (int i = 0; i < WARMUP_BATCHES && batches.next(batch); i++) {
                engine.trainBatch(batch, 0.01);
            }
            long windows = 0;
            long started = System.nanoTime();
            for (int i = 0; i < TIMED_BATCHES && batches.next(batch); i++) {
                engine.trainBatch(batch, 0.01);
                windows += batch.size();
            }
            return windows / ((System.nanoTime() - started) / 1e9);
        }
    }

    private static double meanMs(List<SparkTrainer.RoundTimes> rounds,
                                 java.util.function.ToLongFunction<SparkTrainer.RoundTimes> part) {
        return rounds.stream().mapToLong(part).average().orElse(Double.NaN) / 1e6;
    }
}
