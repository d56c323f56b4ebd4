package dev.textgen.cli;

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
        TextgenConfig config = TextgenConfig.defaults().withModel(new ModelConfig("scratch", 1, 1, ModelConfig.SIGMOID, 0));
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
            run.saveCheckpoint(checkpoint(e, 0, history), 2, EpochLine.bestEpoch(history));
        }

        assertThat(RunDirectory.checkpoints(run.dir())).extracting(p -> p.getFileName().toString()).containsExactly(
                "checkpoint-e0003-b0000000.safetensors",
                "checkpoint-e0005-b0000000.safetensors",
                "checkpoint-e0006-b0000000.safetensors");
    }

    @Test
    void theLatestCheckpointIsTheFurthestPositionNotTheNewestFile() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));
        run.saveCheckpoint(checkpoint(10, 0, List.of()), 5, 0);
        run.saveCheckpoint(checkpoint(10, 3, List.of()), 5, 0);
        run.saveCheckpoint(checkpoint(9, 0, List.of()), 5, 0);
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
