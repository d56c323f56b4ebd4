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

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Training throughput, Spark against one process, on the reference model (60-symbol windows every 3,
 * LSTM(128), RMSprop, batches of 128), printed as one JSON line: windows per second of the scratch
 * engine on 2 threads, of {@code SparkTrainer} with 2 workers of 1 thread at the given K, their ratio, and
 * the mean round split into compute, broadcast, aggregation and scheduling. The first round is left out
 * (JIT warm-up), as are an epoch's shorter last round and the single process's first batches. The workers run either on {@code local[2]}, in
 * the driver's JVM, or on a {@link StandaloneCluster} of a Master and 2 Workers of one core each, separate
 * JVMs whose executors take textgen's classes from this JVM's class path and its kernel options.
 *
 * <pre>
 * mvn -B -q -o -pl spark -am process-test-classes dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * cd spark &amp;&amp; flock /tmp/textgen-cpu.lock java @target/spark-jvm-options.txt \
 *     --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages \
 *     -cp "target/test-classes:target/classes:$(cat /tmp/cp.txt)" \
 *     dev.textgen.spark.SparkThroughputBench ../../shared/corpora/nietzsche.txt 16 120000 standalone
 * </pre>
 * Arguments: the corpus file, K (default 16), the characters of it to use (default 120,000), and
 * {@code local} (default) or {@code standalone}.
 */
public final class SparkThroughputBench {
    private static final int WARMUP_BATCHES = 20;
    private static final int TIMED_BATCHES = 200;

    private SparkThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Path corpusFile = Path.of(args[0]);
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int chars = args.length > 2 ? Integer.parseInt(args[2]) : 120_000;
        String text = Files.readString(corpusFile, StandardCharsets.UTF_8);
        text = text.substring(0, Math.min(chars, text.length()));

        boolean standalone = args.length > 3 && args[3].equals("standalone");
        double single = singleProcess(config(2, k), text);

        List<SparkTrainer.RoundTimes> rounds = new ArrayList<>();
        SparkConf conf = new SparkConf().setAppName("SparkThroughputBench").set("spark.ui.enabled", "false");
        if (standalone) {
            Path dir = Files.createTempDirectory("textgen-spark-bench");
            try (StandaloneCluster cluster = StandaloneCluster.start(dir, StandaloneCluster.jarsOfThisClassPath(), 2, "1g")) {
                train(conf.setMaster(cluster.master()).set("spark.driver.host", "127.0.0.1")
                        .set("spark.executor.memory", "768m").set("spark.cores.max", "2")
                        .set("spark.executor.extraClassPath", classDirectories())
                        .set("spark.executor.extraJavaOptions", kernelOptions()), k, text, rounds);
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        } else {
            train(conf.setMaster("local[2]"), k, text, rounds);
        }
        List<SparkTrainer.RoundTimes> timed = rounds.subList(1, rounds.size()).stream()
                .filter(round -> round.localSteps() == k).toList();
        double wall = timed.stream().mapToLong(SparkTrainer.RoundTimes::wallNanos).sum() / 1e9;
        long windows = timed.stream().mapToLong(SparkTrainer.RoundTimes::windows).sum();
        double distributed = windows / wall;
        System.out.println(String.format(Locale.ROOT, "{\"bench\":\"spark-throughput\",\"cluster\":\"%s\",\"k\":%d,\"workers\":2,"
                        + "\"chars\":%d,\"rounds\":%d,\"singleWindowsPerSecond\":%.1f,\"sparkWindowsPerSecond\":%.1f,"
                        + "\"ratio\":%.3f,\"roundMs\":{\"wall\":%.2f,\"compute\":%.2f,\"broadcast\":%.2f,"
                        + "\"aggregation\":%.2f,\"scheduling\":%.2f},\"stepMs\":%.2f}",
                standalone ? "standalone" : "local", k, text.length(), timed.size(), single, distributed, distributed / single,
                meanMs(timed, SparkTrainer.RoundTimes::wallNanos), meanMs(timed, SparkTrainer.RoundTimes::computeNanos),
                meanMs(timed, SparkTrainer.RoundTimes::broadcastNanos),
                meanMs(timed, SparkTrainer.RoundTimes::aggregateNanos),
                meanMs(timed, SparkTrainer.RoundTimes::schedulingNanos),
                meanMs(timed, SparkTrainer.RoundTimes::computeNanos) / k));
    }

    private static void train(SparkConf conf, int k, String text, List<SparkTrainer.RoundTimes> rounds) {
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            SparkTrainer.start(spark, config(1, k)).onRound(rounds::add).fit(spark.parallelize(List.of(
                    text.substring(0, text.length() / 2), text.substring(text.length() / 2)), 2));
        }
    }

    /**
     * The folders of this JVM's class path, absolute (an executor runs in its Worker's work folder):
     * textgen's classes, which the executors load from there.
     */
    private static String classDirectories() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith(".jar")).map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * The options the scratch kernels' speed depends on (the Vector API module, transparent huge pages) as
     * this JVM, the single process's, has them, so that the executors run the same kernels.
     */
    private static String kernelOptions() {
        List<String> options = new ArrayList<>();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            options.add("--add-modules jdk.incubator.vector");
        }
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+UseTransparentHugePages")) {
            options.add("-XX:+UseTransparentHugePages");
        }
        return String.join(" ", options);
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
