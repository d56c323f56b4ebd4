package dev.textgen.cli;

import dev.textgen.api.testing.TinyCorpus;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/** Runs the CLI in-process with captured output, and writes the tiny corpus and config the tests train on. */
final class Cli {
    /** What a run printed and returned. */
    record Result(int code, String out, String err) {
    }

    /** The interrupt action a command registered, for tests to fire as Ctrl-C would. */
    static final class ManualInterrupts implements Environment.Interrupts {
        final AtomicReference<Runnable> action = new AtomicReference<>();

        @Override
        public Environment.Registration onInterrupt(Runnable onInterrupt) {
            action.set(onInterrupt);
            return () -> action.set(null);
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run(new ManualInterrupts(), args);
    }

    static Result run(ManualInterrupts interrupts, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), new Environment(false, interrupts, System::nanoTime));
        return new Result(code, out.toString(), err.toString());
    }

    /** About 2 KB of the test corpus in {@code dir}. */
    static Path tinyCorpus(Path dir) throws IOException {
        return Files.writeString(dir.resolve("tiny.txt"), TinyCorpus.TEXT.repeat(3));
    }

    /** A config for the tiny corpus: LSTM(8) on scratch, {@code epochs} epochs of batch 16, 40-char previews. */
    static Path tinyConfig(Path dir, Path corpus, int epochs) throws IOException {
        String json = """
                {
                  "corpus": {"source": "%s", "maxlen": 10, "step": 3, "validationFraction": 0.2},
                  "model": {"backend": "scratch", "hiddenSize": 8},
                  "training": {"epochs": %d, "batchSize": 16, "seed": 7, "threads": 1, "keepCheckpoints": 2,
                               "preview": {"length": 40, "temperatures": [0.2, 1.0]}},
                  "generation": {"length": 50}
                }
                """.formatted(corpus.toString().replace("\\", "\\\\"), epochs);
        return Files.writeString(dir.resolve("tiny-" + epochs + ".json"), json);
    }
}
