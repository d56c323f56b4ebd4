package dev.textgen.sdk;

import dev.textgen.api.CorpusException;
import dev.textgen.api.GenerationBatch;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.config.TrainingConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.corpus.Corpus;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Times a config on its backend, as {@code ./textgen bench} does: milliseconds per training batch through the
 * backend's training engine (fresh weights, the config's optimizer and loss, full batches of real windows), then
 * generated characters per second from the trained weights, one stream in window and in stateful context, and
 * many streams stepped together when the backend runs batched rows.
 *
 * <pre>{@code
 * BenchmarkResult result = Benchmark.run(ConfigLoader.load(Path.of("examples/nietzsche-best.json")),
 *         Benchmark.Options.defaults().withBatches(40));
 * System.out.println(result.toJson());
 * }</pre>
 *
 * <p>Nothing is written to disk. Timings follow the machine's load; compare runs taken side by side.
 */
public final class Benchmark {
    /** The symbols of the synthetic text: 57, as many as the lowercased reference corpus, none changed by lowercasing. */
    private static final int[] SYNTHETIC_SYMBOLS =
            IntStream.concat(IntStream.rangeClosed('!', '@'), IntStream.rangeClosed('a', 'z')).limit(57).toArray();
    /** Untimed batched generations before the timed ones; the single-stream runs have already compiled most of the path. */
    private static final int BATCHED_WARMUP_RUNS = 2;

    private Benchmark() {
    }

    /**
     * What to time and how often.
     *
     * @param warmupBatches        untimed training batches first, at least 0
     * @param batches              timed training batches, at least 1
     * @param generationWarmupRuns untimed generations per context first, so that the JIT has compiled the path, at least 0
     * @param generationRuns       timed generations per context (and of the batched streams), whose median is
     *                             reported, at least 1
     * @param generatedChars       characters per generation (per stream when batched), at least 1
     * @param streams              stateful streams generated together as batched rows, after 2 untimed runs, at
     *                             least 0 (0: none)
     * @param synthetic            train on uniformly random text over 57 symbols (as many as the lowercased reference
     *                             corpus has), none held out, instead of the config's corpus
     */
    public record Options(int warmupBatches, int batches, int generationWarmupRuns, int generationRuns,
                          int generatedChars, int streams, boolean synthetic) {

        /**
         * Checks every field, naming the first invalid one in an {@link IllegalArgumentException}.
         *
         * @param warmupBatches        at least 0
         * @param batches              at least 1
         * @param generationWarmupRuns at least 0
         * @param generationRuns       at least 1
         * @param generatedChars       at least 1
         * @param streams              at least 0
         * @param synthetic            whether to train on synthetic text
         */
        public Options {
            atLeast("warmupBatches", warmupBatches, 0);
            atLeast("batches", batches, 1);
            atLeast("generationWarmupRuns", generationWarmupRuns, 0);
            atLeast("generationRuns", generationRuns, 1);
            atLeast("generatedChars", generatedChars, 1);
            atLeast("streams", streams, 0);
        }

        /**
         * 20 untimed and 20 timed batches on the config's corpus; 20 untimed and 9 timed generations of 400 chars;
         * 32 batched streams.
         *
         * @return the defaults {@code ./textgen bench} uses
         */
        public static Options defaults() {
            return new Options(20, 20, 20, 9, 400, 32, false);
        }

        /**
         * These options with another {@link #warmupBatches()}.
         *
         * @param value untimed training batches, at least 0
         * @return a copy with {@code warmupBatches} replaced
         */
        public Options withWarmupBatches(int value) {
            return new Options(value, batches, generationWarmupRuns, generationRuns, generatedChars, streams, synthetic);
        }

        /**
         * These options with another {@link #batches()}.
         *
         * @param value timed training batches, at least 1
         * @return a copy with {@code batches} replaced
         */
        public Options withBatches(int value) {
            return new Options(warmupBatches, value, generationWarmupRuns, generationRuns, generatedChars, streams, synthetic);
        }

        /**
         * These options with other generation counts.
         *
         * @param warmupRuns untimed generations per context, at least 0
         * @param runs       timed generations per context, at least 1
         * @param chars      characters per generation, at least 1
         * @return a copy with the generation counts replaced
         */
        public Options withGeneration(int warmupRuns, int runs, int chars) {
            return new Options(warmupBatches, batches, warmupRuns, runs, chars, streams, synthetic);
        }

        /**
         * These options with another {@link #streams()}.
         *
         * @param value batched streams, at least 0 (0: no batched measurement)
         * @return a copy with {@code streams} replaced
         */
        public Options withStreams(int value) {
            return new Options(warmupBatches, batches, generationWarmupRuns, generationRuns, generatedChars, value, synthetic);
        }

        /**
         * These options with another {@link #synthetic()}.
         *
         * @param value true to train on synthetic random text instead of the config's corpus
         * @return a copy with {@code synthetic} replaced
         */
        public Options withSynthetic(boolean value) {
            return new Options(warmupBatches, batches, generationWarmupRuns, generationRuns, generatedChars, streams, value);
        }

        private static void atLeast(String field, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException("Benchmark.Options." + field + " must be >= " + min + "; got " + value);
            }
        }
    }

    /**
     * Times {@code config} on the backend it names among the installed ones.
     *
     * @param config  the corpus, model, training and generation settings
     * @param options what to time and how often
     * @return the measurements and the setup they were taken on
     * @throws dev.textgen.api.BackendUnavailableException when {@code model.backend} is not installed or cannot start
     * @throws CorpusException when the corpus cannot be read, or holds fewer training windows than one batch
     * @throws dev.textgen.api.ConfigException when the generation sampler's parameters are invalid
     */
    public static BenchmarkResult run(TextgenConfig config, Options options) {
        return run(config, options, Backends.installed());
    }

    /**
     * Times {@code config} on the backend it names in {@code backends}.
     *
     * @param config   the corpus, model, training and generation settings
     * @param options  what to time and how often
     * @param backends where the backend is looked up
     * @return the measurements and the setup they were taken on
     * @throws dev.textgen.api.BackendUnavailableException when {@code model.backend} is not in {@code backends} or cannot start
     * @throws CorpusException when the corpus cannot be read, or holds fewer training windows than one batch
     * @throws dev.textgen.api.ConfigException when the generation sampler's parameters are invalid
     */
    public static BenchmarkResult run(TextgenConfig config, Options options, Backends backends) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        Backend backend = backends.get(config.model().backend());
        Corpus corpus = options.synthetic()
                ? Corpus.fromText(syntheticText(config, options), config.corpus().withValidationFraction(0),
                        Vocabulary.of(SYNTHETIC_SYMBOLS))
                : Corpus.load(config.corpus());
        TrainingConfig training = config.training();
        WindowSet windows = corpus.trainWindows();
        if (windows.size() < training.batchSize()) {
            throw new CorpusException("the corpus " + corpus.name() + " has " + windows.size() + " training windows,"
                    + " fewer than one batch (training.batchSize = " + training.batchSize() + "); a benchmark times"
                    + " full batches: give a longer corpus or a smaller batch");
        }
        Vocabulary vocabulary = corpus.vocabulary();

        double[] millis = new double[options.batches()];
        LanguageModel model;
        try (var engine = backend.newEngine(config, vocabulary, null)) {
            Batch batch = new Batch(training.batchSize(), windows.maxlen(), vocabulary.size(), engine.wantsOneHot());
            Batches order = Batches.shuffled(windows, training.batchSize(), training.seed(), 0);
            double learningRate = training.optimizer().learningRate();
            int pass = 0;
            for (int i = 0; i < options.warmupBatches() + options.batches(); i++) {
                // Only full batches: a pass's short last batch would time less work.
                while (!order.next(batch) || batch.size() < training.batchSize()) {
                    order = Batches.shuffled(windows, training.batchSize(), training.seed(), ++pass);
                }
                long start = System.nanoTime();
                engine.trainBatch(batch, learningRate);
                if (i >= options.warmupBatches()) {
                    millis[i - options.warmupBatches()] = (System.nanoTime() - start) / 1e6;
                }
            }
            model = engine.snapshot(null);
        }

        String prompt = corpus.randomWindow(new SplittableRandom(training.seed()));
        double window = charsPerSecond(model, config.generation(), GenerationConfig.Context.WINDOW, prompt, options);
        double stateful = charsPerSecond(model, config.generation(), GenerationConfig.Context.STATEFUL, prompt, options);
        Double batched = options.streams() > 0 ? batchedCharsPerSecond(model, config.generation(), prompt, options) : null;

        double median = median(millis);
        double flops = flopsPerBatch(config, vocabulary.size());
        return new BenchmarkResult(backend.name(), backend.kernelName(), training.effectiveThreads(),
                System.getProperty("java.version"), options.synthetic() ? "synthetic" : "corpus",
                options.synthetic() ? "synthetic random text" : corpus.name(), vocabulary.size(),
                config.model().layers(), config.model().hiddenSize(), config.model().dropout(),
                config.model().recurrentDropout(), training.batchSize(),
                windows.maxlen(), training.loss().jsonName(), options.warmupBatches(), options.batches(), median,
                Arrays.stream(millis).min().orElseThrow(), Arrays.stream(millis).max().orElseThrow(),
                training.batchSize() * 1000.0 / median, flops, flops / (median * 1e6), options.generatedChars(),
                window, stateful, batched == null ? 0 : options.streams(), batched);
    }

    /**
     * The arithmetic of one training batch in floating-point operations (a multiply-add counts 2): the matrix
     * products of the forward pass, times 3 for forward and backward, since backpropagation computes two products
     * of the forward one's size per product (the gradient of its input and of its weights). With batch B, window
     * T, H units per layer, L layers, V symbols, and S = T predicting steps under {@code all-steps} (1 under
     * {@code last-step}):
     *
     * <pre>  flops = 3 * 2 * B * (T * (2L - 1) * 4H * H + S * H * V)</pre>
     *
     * Per step, every layer has its recurrent product (H to 4H) and every layer but the first its input product
     * (H to 4H); the first layer reads one-hot symbols, which select a row of its input kernel rather than
     * multiply by it. The dense head maps H to V at each predicting step. Element-wise gate math and the
     * optimizer are linear in the sizes and left out.
     *
     * @param config     the model and training settings
     * @param vocabulary the number of symbols V
     * @return the estimate, in FLOPs per batch
     */
    public static double flopsPerBatch(TextgenConfig config, int vocabulary) {
        double b = config.training().batchSize();
        double t = config.corpus().maxlen();
        double h = config.model().hiddenSize();
        int layers = config.model().layers();
        double predicting = config.training().loss() == TrainingConfig.Loss.ALL_STEPS ? t : 1;
        return 3 * 2 * b * (t * (2 * layers - 1) * 4 * h * h + predicting * h * vocabulary);
    }

    /**
     * The median chars per second of {@code generationRuns} generations of one stream in {@code context}, after
     * {@code generationWarmupRuns} untimed ones.
     */
    private static double charsPerSecond(LanguageModel model, GenerationConfig base, GenerationConfig.Context context,
                                         String prompt, Options options) {
        int chars = options.generatedChars();
        GenerationConfig generation = base.withLength(chars).withContext(context).withSeed(1L).withStop(List.of());
        TextGenerator generator = new TextGenerator(model, generation);
        double[] rates = new double[options.generationRuns()];
        for (int run = -options.generationWarmupRuns(); run < rates.length; run++) {
            long start = System.nanoTime();
            String text = generator.generate(prompt, chars);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run >= 0) {
                rates[run] = text.codePointCount(0, text.length()) / seconds;
            }
        }
        return median(rates);
    }

    /**
     * The median chars per second, over all streams, of {@code generationRuns} runs in which {@code streams}
     * stateful streams read the prompt and then draw {@code generatedChars} each, stream {@code s} with its own
     * sampler and a random generator seeded {@code s}, all run as one {@link GenerationBatch} as a server's scheduler
     * runs them; null when the backend runs no batched rows.
     */
    private static Double batchedCharsPerSecond(LanguageModel model, GenerationConfig generation, String prompt,
                                                Options options) {
        int streams = options.streams();
        int chars = options.generatedChars();
        GenerationConfig stateful = generation.withLength(chars).withContext(GenerationConfig.Context.STATEFUL)
                .withStop(List.of());
        TextGenerator generator = new TextGenerator(model, stateful);
        GenerationBatch batch;
        try {
            batch = new GenerationBatch(model, streams);
        } catch (UnsupportedOperationException e) {
            return null;
        }
        long[] drawn = new long[1];
        GenerationBatch.Listener counter = (member, chunk) -> drawn[0]++;
        try (batch) {
            double[] rates = new double[options.generationRuns()];
            for (int run = -BATCHED_WARMUP_RUNS; run < rates.length; run++) {
                for (int s = 0; s < streams; s++) {
                    batch.join(new GenerationBatch.Member(generator.withConfig(stateful.withSeed((long) s)), prompt,
                            chars));
                }
                drawn[0] = 0;
                long start = System.nanoTime();
                while (!batch.isEmpty()) {
                    batch.step(counter);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (run >= 0) {
                    rates[run] = drawn[0] / seconds;
                }
            }
            return median(rates);
        }
    }

    /** Uniformly random text over 57 symbols, long enough for every timed and untimed batch to be distinct. */
    private static String syntheticText(TextgenConfig config, Options options) {
        long length = (long) (options.warmupBatches() + options.batches()) * config.training().batchSize()
                * config.corpus().step() + config.corpus().maxlen();
        SplittableRandom random = new SplittableRandom(config.training().seed());
        StringBuilder text = new StringBuilder(Math.toIntExact(length));
        for (long i = 0; i < length; i++) {
            text.appendCodePoint(SYNTHETIC_SYMBOLS[random.nextInt(SYNTHETIC_SYMBOLS.length)]);
        }
        return text.toString();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
