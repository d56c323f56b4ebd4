package dev.textgen.cli;

import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of the commands that run a saved model: the file, and the backend to run it on. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model.safetensors or checkpoint file.")
    Path model;

    @Option(names = "--backend", paramLabel = "NAME", description = "Run on this backend instead of the one the model names.")
    String backend;

    StoredModel read() {
        return ModelFile.read(model);
    }

    /** The model's stored config with {@code overrides} and {@code --backend}, checked as a config named after the file. */
    TextgenConfig settings(StoredModel stored, ConfigOverrides overrides) {
        return ConfigLoader.override(stored.config(), model.toString(), Configs.with(overrides, "model.backend", backend, "--backend"));
    }
}
