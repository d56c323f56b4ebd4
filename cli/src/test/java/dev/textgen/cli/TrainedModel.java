package dev.textgen.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** One tiny model trained once per test JVM, for the commands that read a model. */
final class TrainedModel {
    private static Path folder;

    private TrainedModel() {
    }

    /** The run folder: {@code model.safetensors}, {@code checkpoints/}, {@code tiny.txt} and its config. */
    static synchronized Path folder() {
        if (folder == null) {
            try {
                Path dir = Files.createTempDirectory("textgen-cli-model");
                dir.toFile().deleteOnExit();
                Path config = Cli.tinyConfig(dir, Cli.tinyCorpus(dir), 3);
                Cli.Result result = Cli.run("train", "--config", config.toString(), "--out", dir.resolve("run").toString());
                assertThat(result.code()).as(result.err()).isZero();
                folder = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder;
    }

    static String model() {
        return folder().resolve("run").resolve("model.safetensors").toString();
    }

    static String corpus() {
        return folder().resolve("tiny.txt").toString();
    }
}
