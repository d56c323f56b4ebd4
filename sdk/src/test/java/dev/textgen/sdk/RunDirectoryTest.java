package dev.textgen.sdk;

import dev.textgen.api.EpochResult;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ModelConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunDirectoryTest {
    @TempDir
    Path dir;

    static StoredModel checkpoint(int epoch, int batch, List<EpochResult> history) {
        Vocabulary vocabulary = Vocabulary.fromText("ab");
        ModelWeights weights = new ModelWeights(List.of(new LstmWeights(2, 1, new float[8], new float[4], new float[4])),
                new float[2], new float[2]);
        TextgenConfig config = TextgenConfig.defaults().withModel(new ModelConfig("scratch", 1, 1, ModelConfig.RecurrentActivation.SIGMOID, 0, 0.0));
        return new StoredModel(config, vocabulary, weights, "ab",
                new TrainingState(Map.of(), epoch, batch, 42, 0.01, 0, 0, history, null));
    }

    @Test
    void keepsTheNewestCheckpointsAndTheBestEpochs() {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));
        List<EpochResult> history = new ArrayList<>();
        double[] heldOut = {3.0, 2.0, 1.0, 1.5, 1.6, 1.7};
        for (int e = 1; e <= heldOut.length; e++) {
            history.add(new EpochResult(e, 2.0, heldOut[e - 1], 1, 0.01));
            run.saveCheckpoint(checkpoint(e, 0, history), 2);
        }

        assertThat(RunDirectory.checkpoints(run.dir())).extracting(p -> p.getFileName().toString()).containsExactly(
                "checkpoint-e0003-b0000000.safetensors",
                "checkpoint-e0005-b0000000.safetensors",
                "checkpoint-e0006-b0000000.safetensors");
    }

    @Test
    void midEpochCheckpointsKeepOnlyTheNewestAndNeverPushOutAnEpochs() {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));
        List<EpochResult> history = new ArrayList<>();
        double[] heldOut = {1.0, 2.0, 3.0};
        for (int e = 0; e < heldOut.length; e++) {
            for (int b = 4; b <= 12; b += 4) {
                run.saveCheckpoint(checkpoint(e, b, history), 2);
                assertThat(RunDirectory.latestCheckpoint(run.dir()).orElseThrow().getFileName())
                        .hasToString("checkpoint-e%04d-b%07d.safetensors".formatted(e, b));
            }
            history.add(new EpochResult(e + 1, 2.0, heldOut[e], 1, 0.01));
            run.saveCheckpoint(checkpoint(e + 1, 0, history), 2);
        }
        run.saveCheckpoint(checkpoint(3, 4, history), 2);

        // Epochs 2 and 3 (the newest two) and 1 (the best); of the mid-epoch ones only the newest, in epoch 4.
        assertThat(RunDirectory.checkpoints(run.dir())).extracting(p -> p.getFileName().toString()).containsExactly(
                "checkpoint-e0001-b0000000.safetensors",
                "checkpoint-e0002-b0000000.safetensors",
                "checkpoint-e0003-b0000000.safetensors",
                "checkpoint-e0003-b0000004.safetensors");

        // After a rollback to the start of the epoch, the checkpoint just written replaces the further one.
        Path rolledBack = run.saveCheckpoint(checkpoint(3, 2, history), 2);

        assertThat(RunDirectory.checkpoints(run.dir())).hasSize(4).last().isEqualTo(rolledBack);
        assertThat(RunDirectory.latestCheckpoint(run.dir())).contains(rolledBack);
    }

    @Test
    void staleTemporariesOfItsOwnFilesAreDeletedAndNothingElse() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));
        Path checkpoints = run.dir().resolve("checkpoints");
        List<Path> ours = List.of(
                Files.writeString(run.dir().resolve(".model.safetensors.9a3f0c1d2e4b5a67.tmp"), "half"),
                Files.writeString(run.dir().resolve(".metrics.csv.1f.tmp"), "half"),
                Files.writeString(run.dir().resolve(".loss.svg.0.tmp"), "half"),
                Files.writeString(checkpoints.resolve(".checkpoint-e0002-b0000040.safetensors.abc123.tmp"), "half"));
        List<Path> others = List.of(
                Files.writeString(run.dir().resolve("model.safetensors"), "a model"),
                Files.writeString(run.dir().resolve(".notes.txt.1f.tmp"), "someone else's"),
                Files.writeString(run.dir().resolve(".metrics.csv.tmp"), "not our pattern"),
                Files.writeString(run.dir().resolve(".checkpoint-e0002-b0000040.safetensors.1f.tmp"), "wrong folder"),
                Files.writeString(checkpoints.resolve(".model.safetensors.1f.tmp"), "wrong folder"),
                Files.writeString(checkpoints.resolve(".checkpoint-e2-b4.safetensors.1f.tmp"), "not a checkpoint name"),
                Files.createDirectory(run.dir().resolve(".loss.svg.2b.tmp")));
        run.saveCheckpoint(checkpoint(1, 0, List.of()), 2);

        List<Path> deleted = run.deleteStaleTemporaries();

        assertThat(deleted).containsExactlyInAnyOrderElementsOf(ours);
        assertThat(ours).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(others).allSatisfy(p -> assertThat(p).exists());
        assertThat(RunDirectory.checkpoints(run.dir())).hasSize(1);
        assertThat(run.deleteStaleTemporaries()).isEmpty();
    }

    @Test
    void theLatestCheckpointIsTheFurthestPositionNotTheNewestFile() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));
        run.saveCheckpoint(checkpoint(10, 0, List.of()), 5);
        run.saveCheckpoint(checkpoint(10, 3, List.of()), 5);
        run.saveCheckpoint(checkpoint(9, 0, List.of()), 5);
        Files.writeString(run.dir().resolve("checkpoints").resolve("notes.txt"), "not a checkpoint");

        Path latest = RunDirectory.latestCheckpoint(run.dir()).orElseThrow();

        assertThat(latest.getFileName()).hasToString("checkpoint-e0010-b0000003.safetensors");
        assertThat(ModelFile.read(latest).training().batch()).isEqualTo(3);
        assertThat(RunDirectory.latestCheckpoint(dir.resolve("empty"))).isEmpty();
    }

    @Test
    void metricsAndChartAreWrittenTogether() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));

        run.writeMetrics("title", List.of(new EpochResult(1, 2.0, 2.1, 3, 0.01)));

        assertThat(Files.readString(run.dir().resolve("metrics.csv"))).startsWith(MetricsCsv.HEADER).contains("\n1,2.000000,");
        assertThat(Files.readString(run.dir().resolve("loss.svg"))).startsWith("<svg").endsWith("</svg>\n");
    }
}
