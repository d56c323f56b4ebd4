package dev.textgen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.corpus.Corpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

/**
 * {@code textgen bench}: milliseconds per training batch on the reference notebook's setup (batch 128 of 60-char
 * windows, LSTM(128), 57 symbols) and generated chars per second in both context modes.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure a backend: ms per training batch and generated chars per second.",
        description = "On the reference notebook's setup: milliseconds per training batch (the median of --batches after --warmup,"
                + " through the backend's training engine) on the windows of --corpus (e.g. nietzsche.txt), else on"
                + " random text of the same shape; then generated chars per second in window and stateful context"
                + " (the median of " + BenchCommand.GENERATION_RUNS + " generations of " + BenchCommand.GENERATED_CHARS
                + " chars each, after " + BenchCommand.GENERATION_WARMUP_RUNS + " untimed ones). Ends with one JSON line"
                + " of the numbers.",
        footerHeading = "%n", footer = ExitCodes.HELP)
final class BenchCommand implements Callable<Integer> {
    private static final int SEED_SYMBOLS = 57;
    static final int GENERATED_CHARS = 400;
    static final int GENERATION_WARMUP_RUNS = 20;
    static final int GENERATION_RUNS = 9;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--backend", paramLabel = "NAME", description = "The backend to measure (default: scratch).")
    String backend;

    @Option(names = "--batches", paramLabel = "N", defaultValue = "20", description = "Timed training batches (default 20).")
    int batches;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "Untimed batches first (default 3).")
    int warmup;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (training.threads; default: all processors).")
    Integer threads;

    @Option(names = "--corpus", paramLabel = "SRC", description = "Train on this corpus' windows, e.g. nietzsche.txt or a"
            + " path to it; default: random ids.")
    String corpus;

    @Override
    public Integer call() {
        if (batches < 1 || warmup < 0) {
            throw new UsageException("--batches must be >= 1 and --warmup >= 0; got " + batches + " and " + warmup);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        LongSupplier clock = Main.environment(spec).nanoTime();
        ConfigOverrides overrides = Configs.with(ConfigOverrides.none(), "model.backend", backend, "--backend");
        overrides = Configs.with(overrides, "training.threads", threads, "--threads");
        overrides = Configs.with(overrides, "corpus.source", corpus, "--corpus");
        TextgenConfig settings = Configs.load(null, overrides);
        Backend engineFactory = Configs.backend(settings, backend);

        Corpus text = corpus != null ? Corpus.load(settings.corpus())
                : Corpus.fromText(randomText(settings), settings.corpus());
        WindowSet windows = text.trainWindows();
        Vocabulary vocabulary = text.vocabulary();
        String data = corpus != null ? text.name() : "synthetic random text";
        int batchSize = settings.training().batchSize();
        stdout.printf(Locale.ROOT, "backend %s, %d threads; data: %s (%d symbols, %,d windows); batch %d x %d chars, LSTM(%d)%n",
                engineFactory.name(), settings.training().effectiveThreads(), data, vocabulary.size(), windows.size(), batchSize,
                settings.corpus().maxlen(), settings.model().hiddenSize());

        double[] millis = new double[batches];
        LanguageModel model;
        try (TrainingEngine engine = engineFactory.newEngine(settings, vocabulary, null)) {
            Batches order = Batches.shuffled(windows, batchSize, settings.training().seed(), 0);
            Batch batch = new Batch(batchSize, windows.maxlen(), vocabulary.size(), engine.wantsOneHot());
            double learningRate = settings.training().optimizer().learningRate();
            for (int i = 0; i < warmup + batches; i++) {
                if (!order.next(batch)) {
                    order = Batches.shuffled(windows, batchSize, settings.training().seed(), i);
                    order.next(batch);
                }
                long start = clock.getAsLong();
                engine.trainBatch(batch, learningRate);
                if (i >= warmup) {
                    millis[i - warmup] = (clock.getAsLong() - start) / 1e6;
                }
            }
            model = engine.snapshot(null);
        }
        double median = median(millis);
        stdout.printf(Locale.ROOT, "training: %.2f ms per batch (median of %d after %d warm-up; min %.2f, max %.2f)%n", median,
                batches, warmup, Arrays.stream(millis).min().orElseThrow(), Arrays.stream(millis).max().orElseThrow());

        String prompt = text.randomWindow(new SplittableRandom(settings.training().seed()));
        double window = charsPerSecond(model, settings.generation(), GenerationConfig.Context.WINDOW, prompt, clock);
        double stateful = charsPerSecond(model, settings.generation(), GenerationConfig.Context.STATEFUL, prompt, clock);
        stdout.printf(Locale.ROOT, "generation: %.0f chars/s in window context, %.0f chars/s stateful (%d chars each, median of %d)%n", window,
                stateful, GENERATED_CHARS, GENERATION_RUNS);

        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("backend", engineFactory.name());
        json.put("threads", settings.training().effectiveThreads());
        json.put("data", corpus != null ? "corpus" : "synthetic");
        json.put("source", data);
        json.put("batchSize", batchSize);
        json.put("maxlen", settings.corpus().maxlen());
        json.put("hiddenSize", settings.model().hiddenSize());
        json.put("vocabulary", vocabulary.size());
        json.put("batches", batches);
        json.put("msPerBatchMedian", round(median));
        json.put("msPerBatchMin", round(Arrays.stream(millis).min().orElseThrow()));
        json.put("windowCharsPerSecond", round(window));
        json.put("statefulCharsPerSecond", round(stateful));
        try {
            stdout.println(new ObjectMapper().writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
        return ExitCodes.OK;
    }

    /**
     * The median chars per second of {@value #GENERATION_RUNS} generations of {@value #GENERATED_CHARS} chars
     * after {@value #GENERATION_WARMUP_RUNS} untimed ones, so that the JIT has compiled the generation path.
     */
    private static double charsPerSecond(LanguageModel model, GenerationConfig base, GenerationConfig.Context context,
                                         String prompt, LongSupplier clock) {
        GenerationConfig generation = base.withLength(GENERATED_CHARS).withContext(context).withSeed(1L).withStop(List.of());
        TextGenerator generator = new TextGenerator(model, generation);
        double[] rates = new double[GENERATION_RUNS];
        for (int run = -GENERATION_WARMUP_RUNS; run < GENERATION_RUNS; run++) {
            long start = clock.getAsLong();
            String text = generator.generate(prompt, GENERATED_CHARS);
            double seconds = (clock.getAsLong() - start) / 1e9;
            if (run >= 0) {
                rates[run] = text.codePointCount(0, text.length()) / seconds;
            }
        }
        return median(rates);
    }

    /**
     * Uniformly random text over {@value #SEED_SYMBOLS} symbols that lowercasing leaves alone, long
     * enough for every batch to be distinct.
     */
    private String randomText(TextgenConfig settings) {
        int[] symbols = IntStream.concat(IntStream.rangeClosed('!', '@'), IntStream.rangeClosed('a', 'z')).limit(SEED_SYMBOLS).toArray();
        int length = (warmup + batches) * settings.training().batchSize() * settings.corpus().step() + settings.corpus().maxlen();
        SplittableRandom random = new SplittableRandom(settings.training().seed());
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(symbols[random.nextInt(symbols.length)]);
        }
        return text.toString();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
