package dev.textgen.cli;

import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.CorpusConfig;
import dev.textgen.corpus.Corpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code textgen corpus}: what a text becomes for training. */
@Command(name = "corpus", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Read a corpus as training would; print its size, symbols, windows and split.",
        footerHeading = "%n", footer = ExitCodes.HELP)
final class CorpusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SRC", description = "A file, an http(s) URL, classpath:NAME or nietzsche.txt.")
    String source;

    @Option(names = "--config", paramLabel = "FILE", description = "Take the other corpus settings from this config file.")
    Path config;

    @Option(names = "--maxlen", paramLabel = "N", description = "Window length in symbols (corpus.maxlen; default 60).")
    Integer maxlen;

    @Option(names = "--step", paramLabel = "N", description = "Distance between window starts (corpus.step; default 3).")
    Integer step;

    @Option(names = "--lowercase", negatable = true, description = "Lowercase the text (corpus.lowercase; default: on).")
    Boolean lowercase;

    @Option(names = "--validation-fraction", paramLabel = "F", description = "The last fraction held out"
            + " (corpus.validationFraction; default 0).")
    Double validationFraction;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        ConfigOverrides overrides = ConfigOverrides.none().with("corpus.source", source, "SRC");
        overrides = Configs.with(overrides, "corpus.maxlen", maxlen, "--maxlen");
        overrides = Configs.with(overrides, "corpus.step", step, "--step");
        overrides = Configs.with(overrides, "corpus.lowercase", lowercase, lowercase == null || lowercase ? "--lowercase" : "--no-lowercase");
        overrides = Configs.with(overrides, "corpus.validationFraction", validationFraction, "--validation-fraction");
        CorpusConfig settings = Configs.load(config, overrides).corpus();
        Corpus text = Corpus.load(settings);
        long validationChars = text.length() - text.trainLength();
        stdout.printf(Locale.ROOT, "source: %s%n", text.name());
        stdout.printf(Locale.ROOT, "chars: %,d (after %s)%n", text.length(), normalisation(settings));
        stdout.printf(Locale.ROOT, "symbols: %d%n", text.vocabulary().size());
        stdout.printf(Locale.ROOT, "windows: %,d training, %,d held-out (maxlen %d, step %d)%n", text.trainWindows().size(),
                text.validationWindows().size(), settings.maxlen(), settings.step());
        stdout.printf(Locale.ROOT, "split: %,d training chars, %,d held-out chars (validationFraction %s)%n", text.trainLength(),
                validationChars, settings.validationFraction());
        stdout.printf(Locale.ROOT, "vocabulary: \"%s\"%n", EpochLine.printable(text.vocabulary().symbols()));
        return ExitCodes.OK;
    }

    private static String normalisation(CorpusConfig settings) {
        StringBuilder steps = new StringBuilder("decoding " + settings.charset());
        if (settings.normalizeNewlines()) {
            steps.append(", newline normalisation");
        }
        if (settings.nfc()) {
            steps.append(", NFC");
        }
        if (settings.lowercase()) {
            steps.append(", lowercasing");
        }
        return steps.toString();
    }
}
