package dev.textgen.cli;

import dev.textgen.api.Evaluation;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.corpus.Corpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code textgen evaluate}: a model's cross-entropy on a text. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Score a model on a text: loss, bits per char, perplexity.",
        description = "The mean cross-entropy of predicting each window's next symbol (windows cut with the model's"
                + " maxlen and step, or --step), in nats and bits per char, and the perplexity.",
        footerHeading = "%n", footer = ExitCodes.HELP)
final class EvaluateCommand implements Callable<Integer> {
    /** The part of the text to score. */
    enum Part { all, validation }

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--corpus", paramLabel = "SRC", required = true, description = "The text to score: a file, URL,"
            + " classpath:NAME or nietzsche.txt; normalised as the model's corpus was.")
    String corpus;

    @Option(names = "--part", paramLabel = "all|validation", defaultValue = "all", description = "all: every window of the"
            + " text (default); validation: only the held-out part the model's corpus.validationFraction sets aside.")
    Part part;

    @Option(names = "--step", paramLabel = "N", description = "Distance between window starts (default: the model's"
            + " corpus.step), e.g. 3 to score a model trained on sparser windows on the seed's held-out windows.")
    Integer step;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        StoredModel stored = modelOptions.read();
        ConfigOverrides overrides = ConfigOverrides.none().with("corpus.source", corpus, "--corpus");
        if (step != null) {
            overrides = overrides.with("corpus.step", step, "--step");
        }
        if (part == Part.all) {
            overrides = overrides.with("corpus.validationFraction", 0.0, "--part all");
        }
        TextgenConfig settings = modelOptions.settings(stored, overrides);
        if (part == Part.validation && settings.corpus().validationFraction() == 0) {
            throw new UsageException("--part validation: the model's corpus.validationFraction is 0, so no part was held out;"
                    + " use --part all");
        }
        Corpus text = Corpus.load(settings.corpus(), stored.vocabulary());
        WindowSet windows = part == Part.all ? text.trainWindows() : text.validationWindows();
        if (windows.size() == 0) {
            throw new UsageException("the text " + text.name() + " has " + text.length() + " chars, too short for one window of "
                    + settings.corpus().maxlen() + " + 1");
        }
        Evaluation score;
        try (TrainingEngine engine = Configs.backend(settings, modelOptions.backend).newEngine(settings, stored.vocabulary(),
                stored.weights())) {
            score = Evaluation.of(engine, windows, settings.training().batchSize());
        }
        stdout.printf(Locale.ROOT, "model %s on %s (%s part): %,d windows of %d chars%n", modelOptions.model, text.name(), part,
                windows.size(), settings.corpus().maxlen());
        stdout.printf(Locale.ROOT, "loss: %.4f nats/char%n", score.loss());
        stdout.printf(Locale.ROOT, "bits per char: %.4f%n", score.bitsPerChar());
        stdout.printf(Locale.ROOT, "perplexity: %.4f%n", score.perplexity());
        return ExitCodes.OK;
    }
}
