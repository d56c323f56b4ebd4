package dev.textgen.cli;

import dev.textgen.api.EpochResult;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;
import dev.textgen.api.spi.Backend;
import dev.textgen.corpus.Corpus;
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
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code textgen train}: the seed's job in one command, with checkpoints, metrics and a loss chart. */
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
        ConfigOverrides overrides = Configs.with(ConfigOverrides.none(), "training.epochs", epochs, "--epochs");
        overrides = Configs.with(overrides, "model.backend", backend, "--backend");

        StoredModel checkpoint = null;
        TextgenConfig settings;
        Path checkpointFile = null;
        if (resume != null) {
            checkpointFile = RunDirectory.latestCheckpoint(resume).orElseThrow(() -> new UsageException(
                    "no checkpoint to resume in " + resume.resolve(RunDirectory.CHECKPOINTS)
                            + "; give the --out folder of an earlier textgen train run"));
            StoredModel stored = ModelFile.read(checkpointFile);
            settings = Configs.override(stored.config(), checkpointFile.toString(), overrides);
            checkpoint = new StoredModel(settings, stored.vocabulary(), stored.weights(), stored.seedWindow(), stored.training());
        } else {
            settings = Configs.load(config, Configs.with(overrides, "corpus.source", corpus, "--corpus"));
        }
        Path outDir = out != null ? out : resume != null ? resume : defaultOut();
        if (!outDir.equals(resume) && !RunDirectory.checkpoints(outDir).isEmpty()) {
            throw new UsageException(outDir + " already holds the checkpoints of a run; continue it with --resume " + outDir
                    + " or choose another --out");
        }
        Backend engine = Configs.backend(settings, backend);
        Corpus text = checkpoint != null ? Corpus.load(settings.corpus(), checkpoint.vocabulary()) : Corpus.load(settings.corpus());
        RunDirectory run = RunDirectory.create(outDir);
        List<Path> stale = run.deleteStaleTemporaries();
        if (!stale.isEmpty()) {
            stdout.printf(Locale.ROOT, "deleted %d temporary file(s) left by a run that was killed while writing: %s%n",
                    stale.size(), stale);
        }

        stdout.printf(Locale.ROOT, "corpus %s: %,d chars, %d symbols, %,d training windows, %,d held-out windows%n",
                text.name(), text.length(), text.vocabulary().size(), text.trainWindows().size(), text.validationWindows().size());
        stdout.printf(Locale.ROOT, "model: %d x LSTM(%d) on %s; %d epochs of batch %d; writing to %s%n", settings.model().layers(),
                settings.model().hiddenSize(), engine.name(), settings.training().epochs(), settings.training().batchSize(), run.dir());
        Trainer trainer;
        if (checkpoint != null) {
            stdout.printf(Locale.ROOT, "resuming from %s (epoch %d, batch %d)%n", checkpointFile,
                    checkpoint.training().epoch() + 1, checkpoint.training().batch());
            trainer = engine.resumeTrainer(checkpoint);
        } else {
            String seedWindow = text.randomWindow(new SplittableRandom(settings.training().seed()));
            trainer = engine.newTrainer(settings, text.vocabulary(), seedWindow);
        }
        stdout.flush();
        try (trainer) {
            return train(trainer, settings, text, run, environment, stdout);
        }
    }

    private int train(Trainer trainer, TextgenConfig settings, Corpus text, RunDirectory run, Environment environment,
                      PrintWriter stdout) {
        ProgressBar bar = new ProgressBar(stdout, environment.interactive(), environment.nanoTime(), settings.training().epochs());
        EpochReporter reporter = new EpochReporter(trainer, settings, text, run, bar, stdout);
        CountDownLatch finished = new CountDownLatch(1);
        Environment.Registration interrupt = environment.interrupts().onInterrupt(() -> {
            trainer.requestStop();
            try {
                finished.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            TrainingHistory history = trainer.fit(text.trainWindows(), text.validationWindows(), reporter);
            bar.clear();
            if (history.outcome() == TrainingHistory.Outcome.CANCELLED) {
                TrainingState state = trainer.state();
                Path saved = reporter.saveCheckpoint(state, trainer.model());
                String where = state.batch() == 0 ? "after epoch " + state.epoch()
                        : "at batch " + state.batch() + " of epoch " + (state.epoch() + 1);
                stdout.printf("stopped %s; checkpoint saved: %s%n", where, saved);
                stdout.printf("continue with: textgen train --resume %s%n", run.dir());
                return ExitCodes.INTERRUPTED;
            }
            trainer.model().save(run.model());
            run.writeMetrics(reporter.title(), history.epochs());
            String why = history.outcome() == TrainingHistory.Outcome.STOPPED_EARLY ? "stopped early (no held-out improvement)"
                    : "finished " + history.epochs().size() + " epochs";
            stdout.printf(Locale.ROOT, "%s; best epoch %d; model saved: %s%n", why, history.bestEpoch(), run.model());
            stdout.printf("metrics: %s, loss curve: %s%n", run.dir().resolve(RunDirectory.METRICS), run.dir().resolve(RunDirectory.CHART));
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

    /**
     * Prints each epoch's results and previews, and writes its checkpoint, metrics and chart; within an
     * epoch it shows progress and writes a checkpoint every {@code training.checkpointEveryBatches} batches.
     */
    private static final class EpochReporter implements TrainingListener {
        private final Trainer trainer;
        private final TextgenConfig settings;
        private final Corpus text;
        private final RunDirectory run;
        private final ProgressBar bar;
        private final PrintWriter stdout;

        EpochReporter(Trainer trainer, TextgenConfig settings, Corpus text, RunDirectory run, ProgressBar bar, PrintWriter stdout) {
            this.trainer = trainer;
            this.settings = settings;
            this.text = text;
            this.run = run;
            this.bar = bar;
            this.stdout = stdout;
        }

        String title() {
            return "textgen: " + settings.model().layers() + " x LSTM(" + settings.model().hiddenSize() + ") on " + text.name();
        }

        @Override
        public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
            bar.update(epoch, batch, batchesPerEpoch, loss);
            int every = settings.training().checkpointEveryBatches();
            // The last batch is left to the end-of-epoch checkpoint that follows it.
            if (every > 0 && batch % every == 0 && batch < batchesPerEpoch) {
                LanguageModel model = trainer.model();
                // An update can overflow before the loss shows it; the loop catches that at the next batch.
                if (model.weights().allFinite()) {
                    saveCheckpoint(trainer.state(), model);
                }
            }
        }

        @Override
        public void onEpoch(EpochResult result, Trainer trainer) {
            bar.clear();
            stdout.println(EpochLine.format(result, settings.training().epochs()));
            preview(trainer, result.epoch());
            TrainingState state = trainer.state();
            saveCheckpoint(state, trainer.model());
            run.writeMetrics(title(), state.history());
            stdout.flush();
        }

        Path saveCheckpoint(TrainingState state, LanguageModel model) {
            StoredModel checkpoint = new StoredModel(settings, model.vocabulary(), model.weights(),
                    model.seedWindow().orElse(null), state);
            return run.saveCheckpoint(checkpoint, settings.training().keepCheckpoints(), EpochResult.best(state.history()));
        }

        /** Like the seed: {@code preview.length} chars at each temperature, from a random window of the training text. */
        private void preview(Trainer trainer, int epoch) {
            var preview = settings.training().preview();
            if (preview.length() == 0 || preview.temperatures().isEmpty()) {
                return;
            }
            long seed = settings.training().seed() * 31 + epoch;
            String window = text.randomWindow(new SplittableRandom(seed));
            stdout.println("----- generating with seed: \"" + EpochLine.printable(window) + "\"");
            GenerationConfig base = settings.generation();
            for (double temperature : preview.temperatures()) {
                stdout.printf(Locale.ROOT, "----- temperature %s%n", temperature);
                GenerationConfig generation = new GenerationConfig(SamplerConfig.of("temperature", "temperature", temperature),
                        preview.length(), base.context(), base.unknownChars(), base.replacement(), seed, List.of());
                new TextGenerator(trainer.model(), generation).generate(window, preview.length(), chunk -> {
                    stdout.print(chunk);
                    stdout.flush();
                });
                stdout.println();
            }
        }
    }
}
