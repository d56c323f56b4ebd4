package dev.textgen.cli;

import dev.textgen.api.EpochResult;
import dev.textgen.api.Preview;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.TrainingState;
import dev.textgen.corpus.Corpus;
import dev.textgen.sdk.RunDirectory;
import dev.textgen.sdk.RunFolderException;
import dev.textgen.sdk.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code textgen train}: the seed's job in one command, with checkpoints, metrics and a loss chart, all done by a
 * {@link TrainingRun}; the command prints its progress and turns Ctrl-C into {@link TrainingRun#cancel()}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Train a model on a corpus.",
        description = "Per epoch it prints the training and held-out loss and, like the seed, generated text at each"
                + " preview temperature. It writes to the output folder a checkpoint per epoch (the last"
                + " training.keepCheckpoints and the best are kept) and, with training.checkpointEveryBatches N,"
                + " every N batches (the newest only), metrics.csv, loss.svg and, at the end,"
                + " model.safetensors. Ctrl-C stops after saving a checkpoint; --resume continues from the latest one.",
        footerHeading = "%n", footer = ExitCodes.HELP)
final class TrainCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the batch in progress and the checkpoint before the process ends anyway. */
    private static final long STOP_TIMEOUT_SECONDS = 300;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--config", paramLabel = "FILE", description = "The config file (JSON); default: the seed's setup.")
    Path config;

    @Option(names = "--corpus", paramLabel = "SRC", description = "The corpus: a file, an http(s) URL, classpath:NAME or"
            + " nietzsche.txt (overrides corpus.source).")
    String corpus;

    @Option(names = "--backend", paramLabel = "NAME", description = "The backend, e.g. scratch or dl4j (overrides model.backend).")
    String backend;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train (overrides training.epochs; with --resume,"
            + " the new total).")
    Integer epochs;

    @Option(names = "--out", paramLabel = "DIR", description = "The output folder; default: runs/train-<date>-<time>, or the"
            + " --resume folder.")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its latest checkpoint, with the"
            + " config stored there.")
    Path resume;

    @Override
    public Integer call() {
        Environment environment = Main.environment(spec);
        PrintWriter stdout = spec.commandLine().getOut();
        if (resume != null && (config != null || corpus != null)) {
            throw new UsageException("--resume continues with the config stored in the checkpoint; leave out --config and --corpus");
        }
        ConfigOverrides flags = Configs.with(Configs.with(ConfigOverrides.none(), "training.epochs", epochs, "--epochs"),
                "model.backend", backend, "--backend");
        Path outDir = out != null ? out : resume != null ? resume : defaultOut();
        TextgenConfig settings = resume != null ? null : Configs.load(config, Configs.with(flags, "corpus.source", corpus, "--corpus"));
        TrainingRun run;
        try {
            run = Configs.choosingBackend(backend, () -> resume != null ? TrainingRun.resume(resume, flags, outDir)
                    : TrainingRun.start(settings, outDir));
        } catch (RunFolderException e) {
            throw new UsageException(switch (e.problem()) {
                case NO_CHECKPOINT -> "no checkpoint to resume in " + e.folder().resolve(RunDirectory.CHECKPOINTS)
                        + "; give the --out folder of an earlier textgen train run";
                case HOLDS_ANOTHER_RUN -> e.folder() + " already holds the checkpoints of a run; continue it with --resume "
                        + e.folder() + " or choose another --out";
            }, e);
        }
        try (run) {
            printStart(run, stdout);
            return train(run, environment, stdout);
        }
    }

    private static void printStart(TrainingRun run, PrintWriter stdout) {
        List<Path> stale = run.deletedTemporaries();
        if (!stale.isEmpty()) {
            stdout.printf(Locale.ROOT, "deleted %d temporary file(s) left by a run that was killed while writing: %s%n",
                    stale.size(), stale);
        }
        Corpus text = run.corpus();
        TextgenConfig settings = run.config();
        stdout.printf(Locale.ROOT, "corpus %s: %,d chars, %d symbols, %,d training windows, %,d held-out windows%n",
                text.name(), text.length(), text.vocabulary().size(), text.trainWindows().size(), text.validationWindows().size());
        stdout.printf(Locale.ROOT, "model: %d x LSTM(%d) on %s; %d epochs of batch %d; writing to %s%n", settings.model().layers(),
                settings.model().hiddenSize(), settings.model().backend(), settings.training().epochs(),
                settings.training().batchSize(), run.runDir());
        run.resumedFrom().ifPresent(checkpoint -> {
            TrainingState state = run.state();
            stdout.printf(Locale.ROOT, "resuming from %s (epoch %d, batch %d)%n", checkpoint, state.epoch() + 1, state.batch());
        });
        stdout.flush();
    }

    private static int train(TrainingRun run, Environment environment, PrintWriter stdout) {
        int epochs = run.config().training().epochs();
        ProgressBar bar = new ProgressBar(stdout, environment.interactive(), environment.nanoTime(), epochs);
        CountDownLatch finished = new CountDownLatch(1);
        Environment.Registration interrupt = environment.interrupts().onInterrupt(() -> {
            run.cancel();
            try {
                finished.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            TrainingHistory history = run.fit(new Printer(bar, stdout, epochs));
            bar.clear();
            if (history.outcome() == TrainingHistory.Outcome.CANCELLED) {
                TrainingState state = run.state();
                String where = state.batch() == 0 ? "after epoch " + state.epoch()
                        : "at batch " + state.batch() + " of epoch " + (state.epoch() + 1);
                stdout.printf("stopped %s; checkpoint saved: %s%n", where, run.lastCheckpoint().orElseThrow());
                stdout.printf("continue with: textgen train --resume %s%n", run.runDir());
                return ExitCodes.INTERRUPTED;
            }
            String why = history.outcome() == TrainingHistory.Outcome.STOPPED_EARLY ? "stopped early (no held-out improvement)"
                    : "finished " + history.epochs().size() + " epochs";
            stdout.printf(Locale.ROOT, "%s; best epoch %d; model saved: %s%n", why, history.bestEpoch(), run.modelFile());
            stdout.printf("metrics: %s, loss curve: %s%n", run.runDir().resolve(RunDirectory.METRICS),
                    run.runDir().resolve(RunDirectory.CHART));
            return ExitCodes.OK;
        } finally {
            stdout.flush();
            finished.countDown();
            interrupt.close();
        }
    }

    private static Path defaultOut() {
        return Path.of("runs", "train-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    }

    /** Shows progress within an epoch, and prints each epoch's results and, like the seed, its previews. */
    private static final class Printer implements TrainingListener {
        private final ProgressBar bar;
        private final PrintWriter stdout;
        private final int epochs;
        private int previewedEpoch;

        Printer(ProgressBar bar, PrintWriter stdout, int epochs) {
            this.bar = bar;
            this.stdout = stdout;
            this.epochs = epochs;
        }

        @Override
        public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
            bar.update(epoch, batch, batchesPerEpoch, loss);
        }

        @Override
        public void onEpoch(EpochResult result, Trainer trainer) {
            bar.clear();
            stdout.println(EpochLine.format(result, epochs));
            stdout.flush();
        }

        @Override
        public void onPreview(Preview preview) {
            if (preview.epoch() != previewedEpoch) {
                previewedEpoch = preview.epoch();
                stdout.println("----- generating with seed: \"" + EpochLine.printable(preview.prompt()) + "\"");
            }
            stdout.printf(Locale.ROOT, "----- temperature %s%n", preview.temperature());
            stdout.println(preview.text());
            stdout.flush();
        }
    }
}
