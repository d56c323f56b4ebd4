package dev.textgen.scratch.bench;

import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.api.data.IdWindows;
import dev.textgen.scratch.Configs;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Compares the training speed of two builds of textgen in one JVM, alternating their batches, so that the swings
 * of a shared machine (the medians of separate runs differ by 10-40% here within minutes) hit both alike. Its
 * own resolution is about +-5%: two copies of the same build, compiled separately by the JIT, gave median
 * ratios of 0.95-1.05 in 300 pairs; so compare several runs, and trust differences beyond that.
 *
 * <p>Each build is a checkout whose {@code api} and {@code backend-scratch} modules are compiled with their
 * tests ({@code mvn -pl api,backend-scratch -am test-compile}); each gets its own class loader over its own
 * classes, and this class's {@link BatchTimer} from that build trains the seed's setup (batch 128, maxlen 60,
 * LSTM 128, 57 symbols, random ids) through the public engine API. Runs from the test class path:
 * <pre>java --add-modules jdk.incubator.vector -cp ... dev.textgen.scratch.bench.AlternatingBenchmark
 *     CHECKOUT_A CHECKOUT_B [pairs=300] [threads=0]</pre>
 * and prints the medians (p10, p90) of A, B and B/A.
 */
public final class AlternatingBenchmark {
    /** Long enough for the idle workers of the build not running to park (they stay runnable 2 ms). */
    private static final long PAUSE_MILLIS = 4;

    private AlternatingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AlternatingBenchmark CHECKOUT_A CHECKOUT_B [pairs=300] [threads=0]");
            return;
        }
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        String threads = args.length > 3 ? args[3] : "0";
        DoubleSupplier a = timer(Path.of(args[0]), threads);
        DoubleSupplier b = timer(Path.of(args[1]), threads);
        for (int i = 0; i < 30; i++) {
            a.getAsDouble();
            b.getAsDouble();
        }
        double[] ta = new double[pairs];
        double[] tb = new double[pairs];
        double[] ratio = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            // each build goes first in half of the pairs
            boolean aFirst = i % 2 == 0;
            Thread.sleep(PAUSE_MILLIS);
            double first = (aFirst ? a : b).getAsDouble();
            Thread.sleep(PAUSE_MILLIS);
            double second = (aFirst ? b : a).getAsDouble();
            ta[i] = aFirst ? first : second;
            tb[i] = aFirst ? second : first;
            ratio[i] = tb[i] / ta[i];
        }
        System.out.printf(Locale.ROOT, "A %s ms, B %s ms, B/A %s (%d pairs)%n", quantiles(ta), quantiles(tb),
                quantiles(ratio), pairs);
    }

    private static String quantiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return String.format(Locale.ROOT, "%.3f (p10 %.3f, p90 %.3f)", sorted[n / 2], sorted[n / 10], sorted[n * 9 / 10]);
    }

    /** A {@link BatchTimer} of the build in {@code checkout}, loaded apart from every other build. */
    private static DoubleSupplier timer(Path checkout, String threads) throws ReflectiveOperationException,
            MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String dir : new String[] {"backend-scratch/target/test-classes", "backend-scratch/target/classes",
                "api/target/test-classes", "api/target/classes"}) {
            File classes = checkout.resolve(dir).toFile();
            if (!classes.isDirectory()) {
                throw new IllegalArgumentException(classes + " is missing: compile that checkout first"
                        + " (mvn -pl api,backend-scratch -am test-compile)");
            }
            urls.add(classes.toURI().toURL());
        }
        // The third-party jars (Jackson) of this class path; textgen's own classes come from the checkout only.
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && !entry.contains("textgen-")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        return (DoubleSupplier) loader.loadClass(BatchTimer.class.getName()).getConstructor(String.class)
                .newInstance(threads);
    }

    /** Trains the seed's setup on random ids; each call times one batch, in milliseconds. */
    public static final class BatchTimer implements DoubleSupplier {
        private static final int VOCABULARY = 57;
        private final TrainingEngine engine;
        private final IdWindows windows;
        private final long seed;
        private Batches epoch;
        private int epochs;
        private final Batch batch;
        private final double learningRate;

        public BatchTimer(String threads) {
            StringBuilder symbols = new StringBuilder();
            for (int i = 0; i < VOCABULARY; i++) {
                symbols.append((char) ('!' + i));
            }
            Vocabulary vocabulary = Vocabulary.fromText(symbols.toString());
            TextgenConfig config = Configs.of(TextgenConfig.defaults().corpus().maxlen(), 128, 1, ModelConfig.SIGMOID,
                    0.0, Integer.parseInt(threads), null, OptimizerConfig.RmsProp.defaults(), 42L);
            TrainingConfig t = config.training();
            int[] ids = new SplittableRandom(1).ints(200_000, 0, VOCABULARY).toArray();
            int maxlen = config.corpus().maxlen();
            windows = new IdWindows(ids, maxlen, config.corpus().step(), VOCABULARY);
            seed = t.seed();
            engine = Backends.of(BatchTimer.class.getClassLoader()).get("scratch").newEngine(config, vocabulary, null);
            epoch = Batches.shuffled(windows, 128, t.seed(), 0);
            batch = new Batch(128, maxlen, VOCABULARY, engine.wantsOneHot());
            learningRate = t.optimizer().learningRate();
        }

        @Override
        public double getAsDouble() {
            if (!epoch.next(batch)) {
                epoch = Batches.shuffled(windows, 128, seed, ++epochs);
                epoch.next(batch);
            }
            long start = System.nanoTime();
            engine.trainBatch(batch, learningRate);
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
