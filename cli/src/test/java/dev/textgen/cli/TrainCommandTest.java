package dev.textgen.cli;

import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.sdk.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code textgen train} end to end on the scratch backend: a tiny corpus, LSTM(8), a few epochs. */
class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainsAndWritesModelCheckpointsMetricsAndChart() throws Exception {
        Path config = Cli.tinyConfig(dir, Cli.tinyCorpus(dir), 4);
        Path out = dir.resolve("run");

        Cli.Result result = Cli.run("train", "--config", config.toString(), "--out", out.toString());

        assertThat(result.err()).isEmpty();
        assertThat(result.code()).isZero();
        String stdout = result.out();
        assertThat(stdout).contains("corpus " + dir.resolve("tiny.txt"), "LSTM(8) on scratch", "4 epochs of batch 16");
        for (int e = 1; e <= 4; e++) {
            assertThat(stdout).containsPattern("epoch " + e + "/4: train loss \\d+\\.\\d{4} nats \\(\\d+\\.\\d{4} bits/char\\),"
                    + " held-out loss \\d+\\.\\d{4} nats \\(\\d+\\.\\d{4} bits/char\\), \\d+\\.\\d s, lr 0\\.01");
        }
        // stdout is not a terminal here: no redrawn progress line (and epochs this short print no progress lines).
        assertThat(stdout).doesNotContain("\r");
        // Previews like the seed's: the seed window, then 40 generated chars per temperature.
        assertThat(stdout).containsPattern("----- generating with seed: \".{10}\"");
        Matcher preview = Pattern.compile("----- temperature 1\\.0\\n(.*)\\n").matcher(stdout);
        assertThat(preview.find()).isTrue();
        assertThat(preview.group(1)).hasSize(40);
        assertThat(stdout).contains("finished 4 epochs; best epoch", "model saved: " + out.resolve("model.safetensors"));

        StoredModel model = ModelFile.read(out.resolve("model.safetensors"));
        assertThat(model.trainingState()).isEmpty();
        assertThat(model.config().model().hiddenSize()).isEqualTo(8);
        assertThat(model.seedWindow()).hasSize(10);
        // keepCheckpoints 2: the last two epochs, plus the best one when it is older.
        List<Path> checkpoints = RunDirectory.checkpoints(out);
        assertThat(checkpoints.size()).isBetween(2, 3);
        assertThat(checkpoints.get(checkpoints.size() - 1).getFileName()).hasToString("checkpoint-e0004-b0000000.safetensors");
        assertThat(ModelFile.read(checkpoints.get(checkpoints.size() - 1)).training().history()).hasSize(4);
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(csv).hasSize(5);
        assertThat(csv.get(0)).isEqualTo("epoch,train_loss,train_bits_per_char,validation_loss,validation_bits_per_char,seconds,learning_rate");
        assertThat(csv.get(4)).startsWith("4,");
        assertThat(Files.readString(out.resolve("loss.svg"))).contains("<polyline").endsWith("</svg>\n");
    }

    @Test
    void flagsOverrideTheConfigAndResumeContinuesTheRun() throws Exception {
        Path config = Cli.tinyConfig(dir, Cli.tinyCorpus(dir), 9);
        Path out = dir.resolve("run");

        Cli.Result first = Cli.run("train", "--config", config.toString(), "--epochs", "2", "--out", out.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("2 epochs of batch 16").doesNotContain("epoch 3/");

        Cli.Result resumed = Cli.run("train", "--resume", out.toString(), "--epochs", "3");

        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming from " + out.resolve("checkpoints").resolve("checkpoint-e0002-b0000000.safetensors")
                + " (epoch 3, batch 0)");
        assertThat(resumed.out()).contains("epoch 3/3: train loss").doesNotContain("epoch 1/3");
        assertThat(Files.readAllLines(out.resolve("metrics.csv"))).hasSize(4);
        assertThat(ModelFile.read(RunDirectory.latestCheckpoint(out).orElseThrow()).training().epoch()).isEqualTo(3);
    }

    @Test
    void divergenceFailsNamingTheBatchAndSavesNoNonFiniteModel() throws Exception {
        Path config = Cli.tinyConfig(dir, Cli.tinyCorpus(dir), 3);
        Files.writeString(config, Files.readString(config).replace("\"batchSize\": 16,",
                "\"batchSize\": 16, \"optimizer\": {\"type\": \"rmsprop\", \"learningRate\": 1e30},"));
        Path out = dir.resolve("run");

        Cli.Result result = Cli.run("train", "--config", config.toString(), "--out", out.toString());

        assertThat(result.code()).isEqualTo(ExitCodes.RUNTIME);
        assertThat(result.err()).containsPattern("textgen train: error: training diverged at epoch 1, batch \\d+: ");
        assertThat(out.resolve("model.safetensors")).doesNotExist();
        for (Path checkpoint : RunDirectory.checkpoints(out)) {
            assertThat(ModelFile.read(checkpoint).weights().allFinite()).isTrue();
        }
    }

    /**
     * Ctrl-C: the interrupt action stops training after the batch in progress and returns once the
     * checkpoint is saved; resuming from it ends with exactly the weights of an uninterrupted run.
     */
    @Test
    void anInterruptStopsAfterSavingACheckpointThatResumes() throws Exception {
        Path config = Cli.tinyConfig(dir, Cli.tinyCorpus(dir), 400);
        Path out = dir.resolve("run");
        Cli.ManualInterrupts interrupts = new Cli.ManualInterrupts();
        Cli.Result[] result = new Cli.Result[1];
        Thread training = new Thread(() -> result[0] = Cli.run(interrupts, "train", "--config", config.toString(),
                "--out", out.toString()));
        training.start();
        while (RunDirectory.checkpoints(out).isEmpty()) {
            assertThat(training.isAlive()).as("training ended before its first checkpoint").isTrue();
            Thread.sleep(10);
        }

        Thread signal = new Thread(interrupts.action.get());
        signal.start();
        signal.join(60_000);
        training.join(60_000);

        assertThat(signal.isAlive()).isFalse();
        assertThat(result[0].code()).as(result[0].err()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(result[0].out()).containsPattern("stopped (after epoch \\d+|at batch \\d+ of epoch \\d+); checkpoint saved: ")
                .contains("continue with: textgen train --resume " + out);
        assertThat(out.resolve("model.safetensors")).doesNotExist();
        Path latest = RunDirectory.latestCheckpoint(out).orElseThrow();
        int epoch = ModelFile.read(latest).training().epoch();
        assertThat(epoch).isLessThan(400);

        Cli.Result resumed = Cli.run("train", "--resume", out.toString(), "--epochs", String.valueOf(epoch + 1));
        Cli.Result uninterrupted = Cli.run("train", "--config", config.toString(), "--epochs", String.valueOf(epoch + 1),
                "--out", dir.resolve("uninterrupted").toString());

        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(uninterrupted.code()).as(uninterrupted.err()).isZero();
        ModelWeights continued = ModelFile.read(out.resolve("model.safetensors")).weights();
        ModelWeights straight = ModelFile.read(dir.resolve("uninterrupted").resolve("model.safetensors")).weights();
        assertThat(continued.denseKernel()).isEqualTo(straight.denseKernel());
        assertThat(continued.lstm().get(0).recurrentKernel()).isEqualTo(straight.lstm().get(0).recurrentKernel());
        assertThat(Files.readAllLines(out.resolve("metrics.csv"))).hasSameSizeAs(
                Files.readAllLines(dir.resolve("uninterrupted").resolve("metrics.csv")));
    }

    /**
     * A kill in the middle of an epoch: the files on disk at the moment a mid-epoch checkpoint was written
     * are copied aside, as a SIGKILL would leave them (with a temporary file of a write in progress), and
     * {@code --resume} of that copy continues from the mid-epoch checkpoint to exactly the weights of an
     * uninterrupted run.
     */
    @Test
    void aMidEpochCheckpointResumesExactlyAndStaleTemporariesAreDeleted() throws Exception {
        Path config = Cli.tinyConfig(dir, Cli.tinyCorpus(dir), 400);
        Files.writeString(config, Files.readString(config).replace("\"keepCheckpoints\": 2,",
                "\"keepCheckpoints\": 2, \"checkpointEveryBatches\": 5,"));
        Path out = dir.resolve("run");
        Path killed = dir.resolve("killed");
        Cli.ManualInterrupts interrupts = new Cli.ManualInterrupts();
        Cli.Result[] result = new Cli.Result[1];
        Thread training = new Thread(() -> result[0] = Cli.run(interrupts, "train", "--config", config.toString(),
                "--out", out.toString()));
        training.start();
        Path midEpoch = null;
        while (midEpoch == null) {
            assertThat(training.isAlive()).as("training ended before a mid-epoch checkpoint").isTrue();
            for (Path checkpoint : RunDirectory.checkpoints(out)) {
                // Past epoch 1, so that an end-of-epoch checkpoint and a mid-epoch one coexist.
                if (!checkpoint.getFileName().toString().endsWith("-b0000000.safetensors")
                        && !checkpoint.getFileName().toString().startsWith("checkpoint-e0000-")) {
                    midEpoch = copyIfStillThere(checkpoint, killed.resolve("checkpoints"));
                }
            }
            Thread.sleep(5);
        }
        Thread signal = new Thread(interrupts.action.get());
        signal.start();
        signal.join(60_000);
        training.join(60_000);
        assertThat(result[0].code()).as(result[0].err()).isEqualTo(ExitCodes.INTERRUPTED);
        Path stale = Files.writeString(killed.resolve("checkpoints").resolve(
                ".checkpoint-e0099-b0000005.safetensors.5eed.tmp"), "half-written");
        Path foreign = Files.writeString(killed.resolve("checkpoints").resolve("notes.tmp"), "not ours");

        StoredModel atKill = ModelFile.read(midEpoch);
        int epoch = atKill.training().epoch();
        assertThat(atKill.training().batch()).isPositive().satisfies(b -> assertThat(b % 5).isZero());
        Cli.Result resumed = Cli.run("train", "--resume", killed.toString(), "--epochs", String.valueOf(epoch + 1));
        Cli.Result uninterrupted = Cli.run("train", "--config", config.toString(), "--epochs", String.valueOf(epoch + 1),
                "--out", dir.resolve("uninterrupted").toString());

        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(uninterrupted.code()).as(uninterrupted.err()).isZero();
        assertThat(resumed.out()).contains("deleted 1 temporary file(s) left by a run that was killed while writing",
                "resuming from " + midEpoch + " (epoch " + (epoch + 1) + ", batch " + atKill.training().batch() + ")");
        assertThat(stale).doesNotExist();
        assertThat(foreign).exists();
        ModelWeights continued = ModelFile.read(killed.resolve("model.safetensors")).weights();
        ModelWeights straight = ModelFile.read(dir.resolve("uninterrupted").resolve("model.safetensors")).weights();
        assertThat(continued.denseKernel()).isEqualTo(straight.denseKernel());
        assertThat(continued.lstm().get(0).kernel()).isEqualTo(straight.lstm().get(0).kernel());
        assertThat(continued.lstm().get(0).recurrentKernel()).isEqualTo(straight.lstm().get(0).recurrentKernel());
        // The mid-epoch checkpoint went once its epoch ended; the uninterrupted run kept only epoch ends too.
        assertThat(RunDirectory.checkpoints(killed)).extracting(p -> p.getFileName().toString())
                .last().isEqualTo("checkpoint-e%04d-b0000000.safetensors".formatted(epoch + 1));
        assertThat(RunDirectory.checkpoints(dir.resolve("uninterrupted")))
                .allSatisfy(p -> assertThat(p.getFileName().toString()).endsWith("-b0000000.safetensors"));
    }

    /** Copies {@code checkpoint} into {@code folder}, or returns null when a newer save deleted it first. */
    private static Path copyIfStillThere(Path checkpoint, Path folder) throws IOException {
        Files.createDirectories(folder);
        try {
            return Files.copy(checkpoint, folder.resolve(checkpoint.getFileName()));
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
