package dev.textgen.scratch.bench;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.CorpusConfig;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.api.data.IdWindows;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times the reference notebook's setup through the public API, as the CLI's {@code bench} command does: milliseconds per
 * training batch (median of N after warm-up) and generated characters per second in window and stateful
 * mode, printed as one JSON line.
 *
 * <p>Runs from the test class path (see the module README):
 * <pre>java [--add-modules jdk.incubator.vector] -cp ... dev.textgen.scratch.bench.ScratchBenchmark
 *     CORPUS [batches=40] [threads=0] [hidden=128] [layers=1] [batchSize=128]</pre>
 */
public final class ScratchBenchmark {
    private static final int GENERATED = 400;

    private ScratchBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ScratchBenchmark CORPUS [batches=40] [threads=0] [hidden=128] [layers=1] [batchSize=128]");
            return;
        }
        Path corpus = Path.of(args[0]);
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int hidden = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int layers = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        int batchSize = args.length > 5 ? Integer.parseInt(args[5]) : 128;

        String text = Files.readString(corpus, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        Vocabulary vocabulary = Vocabulary.fromText(text);
        int[] ids = text.codePoints().map(vocabulary::id).toArray();
        TextgenConfig defaults = TextgenConfig.defaults();
        TrainingConfig t = defaults.training();
        TextgenConfig config = defaults
                .withModel(new ModelConfig("scratch", hidden, layers, ModelConfig.RecurrentActivation.SIGMOID, 0.0, 0.0))
                .withTraining(t.withEpochs(1).withBatchSize(batchSize).withThreads(threads));
        CorpusConfig corpusConfig = config.corpus();
        WindowSet windows = new IdWindows(ids, corpusConfig.maxlen(), corpusConfig.step(), vocabulary.size());

        Backend backend = Backends.installed().get("scratch");
        double[] millis = new double[batches];
        double[] cpuMillis = new double[batches];
        int warmup = Math.max(5, batches / 4);
        LanguageModel model;
        try (TrainingEngine engine = backend.newEngine(config, vocabulary, null)) {
            Batches epoch = Batches.shuffled(windows, batchSize, config.training().seed(), 0);
            Batch batch = new Batch(batchSize, corpusConfig.maxlen(), vocabulary.size(), engine.wantsOneHot());
            double loss = 0;
            for (int i = 0; i < warmup + batches; i++) {
                epoch.next(batch);
                long cpu = processCpuNanos();
                long start = System.nanoTime();
                loss = engine.trainBatch(batch, t.optimizer().learningRate());
                if (i >= warmup) {
                    millis[i - warmup] = (System.nanoTime() - start) / 1e6;
                    cpuMillis[i - warmup] = (processCpuNanos() - cpu) / 1e6;
                }
            }
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("the benchmark's training diverged: loss " + loss);
            }
            model = engine.snapshot(null);
        }
        double[] window = charsPerSecond(model, ids, false);
        double[] stateful = charsPerSecond(model, ids, true);
        Arrays.sort(millis);
        Arrays.sort(cpuMillis);
        System.out.printf(Locale.ROOT, "{\"backend\":\"scratch\",\"java\":\"%s\",\"kernels\":\"%s\",\"threads\":%d,"
                        + "\"batchSize\":%d,\"maxlen\":%d,\"hidden\":%d,\"layers\":%d,\"vocabulary\":%d,\"batches\":%d,"
                        + "\"msPerBatchMedian\":%.2f,\"msPerBatchMin\":%.2f,\"msPerBatchMax\":%.2f,\"cpuMsPerBatchMedian\":%.2f,"
                        + "\"windowCharsPerSecond\":%.0f,\"statefulCharsPerSecond\":%.0f,"
                        + "\"windowCharsPerCpuSecond\":%.0f,\"statefulCharsPerCpuSecond\":%.0f}%n",
                Runtime.version(), kernelsName(backend), config.training().effectiveThreads(), batchSize,
                corpusConfig.maxlen(), hidden, layers, vocabulary.size(), batches, median(millis), millis[0],
                millis[millis.length - 1], median(cpuMillis), window[0], stateful[0], window[1], stateful[1]);
    }

    private static String kernelsName(Backend backend) {
        return backend instanceof dev.textgen.scratch.ScratchBackend scratch ? scratch.kernels().name() : "?";
    }

    /** CPU time of the whole process (all training threads). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Medians over several repetitions of generating {@link #GENERATED} characters with seeded sampling: chars per
     * wall-clock second and per CPU second of the generating thread (the latter is what a shared, loaded machine
     * does not distort).
     */
    private static double[] charsPerSecond(LanguageModel model, int[] prompt, boolean stateful) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int maxlen = model.maxlen();
        int v = model.vocabulary().size();
        double[] rates = new double[7];
        double[] cpuRates = new double[7];
        for (int rep = 0; rep < rates.length; rep++) {
            SplittableRandom random = new SplittableRandom(rep);
            int[] text = Arrays.copyOf(prompt, maxlen + GENERATED);
            float[] p = new float[v];
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            if (stateful) {
                try (Session session = model.newSession()) {
                    for (int i = 0; i < maxlen; i++) {
                        session.feed(text[i]);
                    }
                    for (int i = maxlen; i < maxlen + GENERATED; i++) {
                        text[i] = sample(session.probabilities(p), random);
                        session.feed(text[i]);
                    }
                }
            } else {
                for (int i = maxlen; i < maxlen + GENERATED; i++) {
                    text[i] = sample(model.predict(text, i - maxlen, i, p), random);
                }
            }
            rates[rep] = GENERATED / ((System.nanoTime() - start) / 1e9);
            cpuRates[rep] = GENERATED / ((threads.getCurrentThreadCpuTime() - cpu) / 1e9);
        }
        Arrays.sort(rates);
        Arrays.sort(cpuRates);
        return new double[] {median(rates), median(cpuRates)};
    }

    private static int sample(float[] p, SplittableRandom random) {
        double r = random.nextDouble();
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += p[i];
            if (r < sum) {
                return i;
            }
        }
        return p.length - 1;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
