package dev.textgen.cli;

import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.PretrainedModels;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The options of the commands that run a saved model: the file or pretrained model, and the backend to run it on. */
final class ModelOptions {
    /** The pretrained model that runs when no --model is given. */
    static final String DEFAULT_MODEL = "nietzsche";

    @Option(names = "--model", paramLabel = "FILE|NAME", defaultValue = DEFAULT_MODEL, description = "A model.safetensors or"
            + " checkpoint file, or the name of a pretrained model on the class path (default: ${DEFAULT-VALUE}, the"
            + " bundled model trained with examples/nietzsche-best.json).")
    String model;

    @Option(names = "--backend", paramLabel = "NAME", description = "Run on this backend instead of the one the model names.")
    String backend;

    /** The file {@code --model} names when it exists; else, for a plain name, the pretrained model of that name. */
    StoredModel read() {
        Path file = Path.of(model);
        if (!Files.exists(file) && isName(model)) {
            return PretrainedModels.read(model);
        }
        return ModelFile.read(file);
    }

    /**
     * The backend to run the model on: {@code --backend} when given, else the one {@code settings} names
     * when it is installed, else another installed one ({@link Backends#forModel(String)}).
     */
    Backend backend(TextgenConfig settings) {
        return backend != null ? Configs.backend(settings, backend) : Backends.installed().forModel(settings.model().backend());
    }

    /** The model's stored config with {@code overrides} and {@code --backend}, checked as a config named after the model. */
    TextgenConfig settings(StoredModel stored, ConfigOverrides overrides) {
        return ConfigLoader.override(stored.config(), model, Configs.with(overrides, "model.backend", backend, "--backend"));
    }

    /** A pretrained model's name has no folder and no file name extension. */
    private static boolean isName(String value) {
        return !value.isEmpty() && value.chars().noneMatch(c -> c == '/' || c == '\\' || c == '.');
    }
}
