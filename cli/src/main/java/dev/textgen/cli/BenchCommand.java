package dev.textgen.cli;

import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.sdk.Benchmark;
import dev.textgen.sdk.BenchmarkResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code textgen bench}: a shell over {@link Benchmark} that prints its result as three lines of text and one
 * JSON line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure a config on a backend: ms per training batch and generated chars per second.",
        description = "Milliseconds per training batch of --config (default: the reference notebook's setup), the median of"
                + " --batches after --warmup through the backend's training engine, on the windows of the config's corpus"
                + " (or --corpus); without --config and --corpus on random text of the same shape. Also windows/s and"
                + " GFLOP/s (the config's arithmetic per batch, docs/performance.md has the formula). Then generated chars"
                + " per second from the trained weights: one stream in window and stateful context (the median of "
                + BenchCommand.GENERATION_RUNS + " generations of " + BenchCommand.GENERATED_CHARS + " chars each, after "
                + BenchCommand.GENERATION_WARMUP_RUNS + " untimed ones), and --streams streams stepped together when the"
                + " backend runs batched rows. Ends with one JSON line of the numbers.",
        footerHeading = "%n", footer = ExitCodes.HELP)
final class BenchCommand implements Callable<Integer> {
    static final int GENERATED_CHARS = 400;
    static final int GENERATION_WARMUP_RUNS = 20;
    static final int GENERATION_RUNS = 9;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--config", paramLabel = "FILE", description = "The config to measure (JSON); default: the reference"
            + " notebook's setup.")
    Path config;

    @Option(names = "--backend", paramLabel = "NAME", description = "The backend to measure (overrides model.backend).")
    String backend;

    @Option(names = "--batches", paramLabel = "N", defaultValue = "20", description = "Timed training batches (default 20).")
    int batches;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20", description = "Untimed batches first, while the"
            + " JIT compiles the kernels (default 20).")
    int warmup;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (overrides training.threads; default: all"
            + " processors).")
    Integer threads;

    @Option(names = "--corpus", paramLabel = "SRC", description = "Train on this corpus' windows, e.g. nietzsche.txt or a"
            + " path to it (overrides corpus.source).")
    String corpus;

    @Option(names = "--streams", paramLabel = "N", defaultValue = "32", description = "Streams generated together as"
            + " batched rows (default 32; 0: none).")
    int streams;

    @Override
    public Integer call() {
        if (batches < 1 || warmup < 0 || streams < 0) {
            throw new UsageException("--batches must be >= 1, --warmup >= 0 and --streams >= 0; got " + batches + ", " + warmup
                    + " and " + streams);
        }
        ConfigOverrides overrides = Configs.with(ConfigOverrides.none(), "model.backend", backend, "--backend");
        overrides = Configs.with(overrides, "training.threads", threads, "--threads");
        overrides = Configs.with(overrides, "corpus.source", corpus, "--corpus");
        TextgenConfig settings = Configs.load(config, overrides);
        Benchmark.Options options = Benchmark.Options.defaults().withWarmupBatches(warmup).withBatches(batches)
                .withGeneration(GENERATION_WARMUP_RUNS, GENERATION_RUNS, GENERATED_CHARS).withStreams(streams)
                .withSynthetic(config == null && corpus == null);
        BenchmarkResult result = Configs.choosingBackend(backend, () -> Benchmark.run(settings, options));
        print(result, spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    private static void print(BenchmarkResult r, PrintWriter stdout) {
        stdout.printf(Locale.ROOT, "backend %s, %d threads, kernels %s, Java %s; data: %s (%d symbols); batch %d x %d chars,"
                        + " %d x LSTM(%d), dropout %s, %s loss%n", r.backend(), r.threads(), r.kernels(), r.java(), r.source(),
                r.vocabulary(), r.batchSize(), r.maxlen(), r.layers(), r.hiddenSize(), r.dropout(), r.loss());
        stdout.printf(Locale.ROOT, "training: %.2f ms per batch (median of %d after %d warm-up; min %.2f, max %.2f),"
                        + " %.0f windows/s, %.3f GFLOP per batch, %.1f GFLOP/s%n", r.msPerBatchMedian(), r.batches(),
                r.warmupBatches(), r.msPerBatchMin(), r.msPerBatchMax(), r.windowsPerSecond(), r.flopsPerBatch() / 1e9,
                r.gflopsPerSecond());
        stdout.printf(Locale.ROOT, "generation: %.0f chars/s in window context, %.0f chars/s stateful (%d chars each, median of %d)%s%n",
                r.windowCharsPerSecond(), r.statefulCharsPerSecond(), r.generatedChars(), GENERATION_RUNS,
                r.batchedCharsPerSecond() == null ? "" : String.format(Locale.ROOT, "; %.0f chars/s over %d batched streams",
                        r.batchedCharsPerSecond(), r.batchedStreams()));
        stdout.println(r.toJson());
    }
}
