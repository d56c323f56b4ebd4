package dev.textgen.cli;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.StoredModel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code textgen generate}: streams text from a model to stdout as it is drawn. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Generate text with a model and stream it to stdout.",
        description = "The seed text itself is not printed. Without a seed text, generation starts from the window"
                + " of training text stored in the model. Flags override the model's generation config. A checkpoint"
                + " is a model too.",
        footerHeading = "%n", footer = ExitCodes.HELP)
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = true)
    SeedSource seed;

    static final class SeedSource {
        @Option(names = "--seed-text", paramLabel = "TEXT", description = "Text to continue (lowercased when the model's"
                + " corpus was).")
        String text;

        @Option(names = "--seed-file", paramLabel = "F", description = "A UTF-8 file whose text to continue.")
        Path file;
    }

    @Option(names = "--length", paramLabel = "N", description = "Symbols to generate (generation.length; default 400).")
    Integer length;

    @Option(names = "--sampler", paramLabel = "TYPE", description = "temperature, greedy, top-k, top-p or another installed"
            + " sampler (generation.sampler.type).")
    String sampler;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature; 0 is greedy.")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Draw from the K most likely symbols (implies --sampler top-k).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Draw from the most likely symbols holding mass P (implies"
            + " --sampler top-p).")
    Double topP;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed: the same seed gives the same text.")
    Long randomSeed;

    @Option(names = "--context", paramLabel = "window|stateful", description = "window: re-read the last maxlen symbols per"
            + " step, like the seed; stateful: carry the LSTM state (fast).")
    String context;

    @Option(names = "--stop", paramLabel = "SEQ", description = "Stop after this sequence is generated (repeatable).")
    List<String> stop;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        StoredModel stored = modelOptions.read();
        TextgenConfig settings = modelOptions.settings(stored, overrides());
        LanguageModel loaded = Configs.backend(settings, modelOptions.backend).load(stored);
        TextGenerator generator = new TextGenerator(loaded, settings.generation());
        generator.generate(generator.prompt(seedText()), settings.generation().length(), chunk -> {
            stdout.print(chunk);
            stdout.flush();
        });
        stdout.println();
        return ExitCodes.OK;
    }

    private ConfigOverrides overrides() {
        String type = sampler;
        if (type == null && topK != null && topP != null) {
            throw new UsageException("--top-k and --top-p choose different samplers; give one, or --sampler with its parameters");
        }
        if (type == null) {
            type = topK != null ? "top-k" : topP != null ? "top-p" : null;
        }
        ConfigOverrides overrides = Configs.with(ConfigOverrides.none(), "generation.sampler.type", type,
                sampler != null ? "--sampler" : topK != null ? "--top-k" : "--top-p");
        overrides = Configs.with(overrides, "generation.sampler.temperature", temperature, "--temperature");
        overrides = Configs.with(overrides, "generation.sampler.k", topK, "--top-k");
        overrides = Configs.with(overrides, "generation.sampler.p", topP, "--top-p");
        overrides = Configs.with(overrides, "generation.length", length, "--length");
        overrides = Configs.with(overrides, "generation.seed", randomSeed, "--seed");
        overrides = Configs.with(overrides, "generation.context", context, "--context");
        return Configs.with(overrides, "generation.stop", stop, "--stop");
    }

    private String seedText() {
        if (seed == null) {
            return "";
        }
        if (seed.text != null) {
            return seed.text;
        }
        try {
            return Files.readString(seed.file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("--seed-file: the seed file " + seed.file + " does not exist", e);
        } catch (IOException e) {
            String problem = Files.isDirectory(seed.file) ? "it is a folder, not a file" : ErrorReporter.describe(e);
            throw new UncheckedIOException("--seed-file: cannot read the seed file " + seed.file + ": " + problem, e);
        }
    }
}
