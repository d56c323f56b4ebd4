package dev.textgen.cli;

import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.TrainingState;
import dev.textgen.sdk.RunDirectory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real process, stopped with a real signal: the shutdown hook saves a checkpoint before the JVM ends. */
class SignalTest {
    @TempDir
    Path dir;

    @Test
    void sigtermStopsTrainingAfterSavingACheckpoint() throws Exception {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"), "SKIPPED: no SIGTERM on Windows");
        Path config = Cli.tinyConfig(dir, Cli.tinyCorpus(dir), 100_000);
        Path out = dir.resolve("run");
        Path log = dir.resolve("stdout.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
                "--config", config.toString(), "--out", out.toString())
                .redirectOutput(log.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (RunDirectory.checkpoints(out).size() < 2 && System.nanoTime() < deadline) {
                assertThat(process.isAlive()).as("training ended early: %s", Files.readString(dir.resolve("stderr.txt"))).isTrue();
                Thread.sleep(20);
            }
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }

        String stdout = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(128 + 15);
        assertThat(stdout).containsPattern("stopped (after epoch \\d+|at batch \\d+ of epoch \\d+); checkpoint saved: ");
        List<Path> checkpoints = RunDirectory.checkpoints(out);
        TrainingState last = ModelFile.read(checkpoints.get(checkpoints.size() - 1)).training();
        assertThat(last.epoch()).isGreaterThanOrEqualTo(2);
        assertThat(out.resolve("checkpoints").toFile().list()).allMatch(name -> name.endsWith(".safetensors"));
    }
}
