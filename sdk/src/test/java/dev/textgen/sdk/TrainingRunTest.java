package dev.textgen.sdk;

import dev.textgen.api.EpochResult;
import dev.textgen.api.Preview;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.testing.TinyCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Training runs on the scratch backend: a 2 KB corpus, LSTM(8), batches of 16, one thread. */
class TrainingRunTest {
    @TempDir
    Path dir;

    /** The few lines of the README, exactly as a user writes them. */
    @Test
    void theReadmeFlowTrainsResumesAFinishedRunAtOnceAndGenerates() throws IOException {
        Path json = config(3, "");
        Path runDir = dir.resolve("runs").resolve("my");

        TextgenConfig config = ConfigLoader.load(json);
        TrainingHistory first;
        try (TrainingRun run = TrainingRun.start(config, runDir)) {
            first = run.fit();
        }
        byte[] model = Files.readAllBytes(runDir.resolve("model.safetensors"));
        TrainingHistory again;
        try (TrainingRun run = TrainingRun.resume(runDir)) {
            again = run.fit();
        }
        String text = TextGenerator.load(runDir.resolve("model.safetensors")).generate("The Meaning of ", 200);

        assertThat(first.outcome()).isEqualTo(TrainingHistory.Outcome.COMPLETED);
        assertThat(first.epochs()).hasSize(3);
        assertThat(again.epochs()).isEqualTo(first.epochs());
        assertThat(Files.readAllBytes(runDir.resolve("model.safetensors"))).isEqualTo(model);
        assertThat(text).hasSize(200);
        assertThat(Files.readAllLines(runDir.resolve("metrics.csv"))).hasSize(4);
        assertThat(runDir.resolve("loss.svg")).isRegularFile();
    }

    /**
     * {@code cancel()} from another thread while batch 4 of epoch 2 runs: the run stops after that batch
     * with a checkpoint there, and resuming it ends on exactly the weights and losses of a run never stopped.
     */
    @Test
    void cancelFromAnotherThreadLeavesACheckpointThereAndResumeReproducesTheUninterruptedRun() throws Exception {
        Path json = config(3, "");
        Path stopped = dir.resolve("stopped");
        TrainingHistory history;
        try (TrainingRun run = TrainingRun.start(ConfigLoader.load(json), stopped)) {
            history = run.fit(new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                    if (epoch == 2 && batch == 4) {
                        Thread canceller = new Thread(run::cancel);
                        canceller.start();
                        join(canceller);
                    }
                }
            });
            assertThat(run.lastCheckpoint()).contains(stopped.resolve("checkpoints").resolve("checkpoint-e0001-b0000004.safetensors"));
            assertThat(run.state().epoch()).isEqualTo(1);
            assertThat(run.state().batch()).isEqualTo(4);
        }
        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.CANCELLED);
        assertThat(history.epochs()).hasSize(1);
        assertThat(stopped.resolve("model.safetensors")).doesNotExist();
        assertThat(ModelFile.read(RunDirectory.latestCheckpoint(stopped).orElseThrow()).training().batch()).isEqualTo(4);

        TrainingHistory resumed;
        try (TrainingRun run = TrainingRun.resume(stopped)) {
            assertThat(run.resumedFrom()).contains(stopped.resolve("checkpoints").resolve("checkpoint-e0001-b0000004.safetensors"));
            resumed = run.fit();
        }
        Path straight = dir.resolve("straight");
        TrainingHistory uninterrupted = trainAnew(json, straight);

        assertThat(losses(resumed)).isEqualTo(losses(uninterrupted));
        assertSameWeights(ModelFile.read(stopped.resolve("model.safetensors")).weights(),
                ModelFile.read(straight.resolve("model.safetensors")).weights());
    }

    @Test
    void cancelBeforeFitStopsAtTheStartWithACheckpointThatResumes() throws IOException {
        Path json = config(2, "");
        Path runDir = dir.resolve("run");
        try (TrainingRun run = TrainingRun.start(ConfigLoader.load(json), runDir)) {
            run.cancel();
            assertThat(run.fit().outcome()).isEqualTo(TrainingHistory.Outcome.CANCELLED);
        }
        assertThat(RunDirectory.checkpoints(runDir)).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-e0000-b0000000.safetensors");

        try (TrainingRun run = TrainingRun.resume(runDir)) {
            assertThat(run.fit().epochs()).hasSize(2);
        }
        assertThat(ModelFile.read(runDir.resolve("model.safetensors")).trainingState()).isEmpty();
    }

    /** keepCheckpoints 2: the last two epochs' checkpoints and the best epoch's; mid-epoch ones go when their epoch ends. */
    @Test
    void retentionKeepsTheNewestEpochsAndTheBestAndMidEpochCheckpointsComeAndGo() throws IOException {
        Path json = config(5, "\"checkpointEveryBatches\": 3,");
        Path runDir = dir.resolve("run");
        List<List<String>> seenAtBatch5 = new ArrayList<>();
        TrainingHistory history;
        try (TrainingRun run = TrainingRun.start(ConfigLoader.load(json), runDir)) {
            history = run.fit(new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                    if (batch == 5) {
                        seenAtBatch5.add(names(runDir));
                    }
                }
            });
        }

        // At batch 5 of epoch 3 the checkpoint of batch 3 exists beside the epoch ends, and no other mid-epoch one.
        assertThat(seenAtBatch5.get(2)).contains("checkpoint-e0002-b0000000.safetensors", "checkpoint-e0002-b0000003.safetensors")
                .filteredOn(name -> !name.endsWith("-b0000000.safetensors")).hasSize(1);
        List<String> expected = new ArrayList<>(List.of("checkpoint-e0004-b0000000.safetensors", "checkpoint-e0005-b0000000.safetensors"));
        int best = EpochResult.best(history.epochs());
        if (best < 4) {
            expected.add(0, "checkpoint-e%04d-b0000000.safetensors".formatted(best));
        }
        assertThat(names(runDir)).containsExactlyElementsOf(expected);
    }

    @Test
    void previewsReachTheListenerAfterEachEpochOnePerTemperature() throws IOException {
        Path json = config(2, "");
        List<String> events = new ArrayList<>();
        List<Preview> previews = new ArrayList<>();
        try (TrainingRun run = TrainingRun.start(ConfigLoader.load(json), dir.resolve("run"))) {
            run.fit(new TrainingListener() {
                @Override
                public void onEpoch(EpochResult result, Trainer trainer) {
                    events.add("epoch " + result.epoch());
                }

                @Override
                public void onPreview(Preview preview) {
                    events.add("preview " + preview.epoch() + " at " + preview.temperature());
                    previews.add(preview);
                }
            });
        }

        assertThat(events).containsExactly("epoch 1", "preview 1 at 0.2", "preview 1 at 1.0", "epoch 2", "preview 2 at 0.2",
                "preview 2 at 1.0");
        assertThat(previews).allSatisfy(p -> {
            assertThat(p.prompt()).hasSize(10);
            assertThat(corpusText()).contains(p.prompt());
            assertThat(p.text()).hasSize(30);
        });
        assertThat(previews.get(0).prompt()).isEqualTo(previews.get(1).prompt());
    }

    @Test
    void resumeWithChangesTrainsFurtherAndStaleTemporariesAreDeleted() throws IOException {
        Path json = config(1, "");
        Path runDir = dir.resolve("run");
        trainAnew(json, runDir);
        Path stale = Files.writeString(runDir.resolve(".metrics.csv.5eed.tmp"), "half-written");

        try (TrainingRun run = TrainingRun.resume(runDir, ConfigOverrides.none().with("training.epochs", 2, "test"), runDir)) {
            assertThat(run.deletedTemporaries()).containsExactly(stale);
            assertThat(run.config().training().epochs()).isEqualTo(2);
            assertThat(run.fit().epochs()).extracting(EpochResult::epoch).containsExactly(1, 2);
        }
        assertThat(stale).doesNotExist();
        StoredModel latest = ModelFile.read(RunDirectory.latestCheckpoint(runDir).orElseThrow());
        assertThat(latest.training().epoch()).isEqualTo(2);
    }

    @Test
    void aFolderWithoutACheckpointOrWithAnotherRunIsASpecificError() throws IOException {
        Path json = config(1, "");
        Path runDir = dir.resolve("run");
        trainAnew(json, runDir);
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThatThrownBy(() -> TrainingRun.start(ConfigLoader.load(json), runDir))
                .isInstanceOfSatisfying(RunFolderException.class, e -> {
                    assertThat(e.problem()).isEqualTo(RunFolderException.Problem.HOLDS_ANOTHER_RUN);
                    assertThat(e.folder()).isEqualTo(runDir);
                })
                .hasMessage(runDir + " already holds the checkpoints of a run; resume that run, or start the new one in another folder");
        assertThatThrownBy(() -> TrainingRun.resume(empty))
                .isInstanceOfSatisfying(RunFolderException.class,
                        e -> assertThat(e.problem()).isEqualTo(RunFolderException.Problem.NO_CHECKPOINT))
                .hasMessage("no checkpoint to resume in " + empty.resolve("checkpoints")
                        + "; resume the folder of an earlier training run, or start a new run there");
        assertThatThrownBy(() -> TrainingRun.resume(empty, ConfigOverrides.none(), runDir))
                .isInstanceOf(RunFolderException.class);
        Path other = dir.resolve("other");
        try (TrainingRun run = TrainingRun.resume(runDir, ConfigOverrides.none(), other)) {
            assertThat(run.runDir()).isEqualTo(other);
            run.fit();
        }
        assertThat(other.resolve("model.safetensors")).isRegularFile();
    }

    private static TrainingHistory trainAnew(Path json, Path runDir) {
        try (TrainingRun run = TrainingRun.start(ConfigLoader.load(json), runDir)) {
            return run.fit();
        }
    }

    /** A config over {@link #corpusText()}: LSTM(8) on scratch, 30-char previews at 0.2 and 1.0. */
    private Path config(int epochs, String extraTraining) throws IOException {
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, corpusText());
        String json = """
                {
                  "corpus": {"source": "%s", "lowercase": false, "maxlen": 10, "step": 3, "validationFraction": 0.2},
                  "model": {"backend": "scratch", "hiddenSize": 8},
                  "training": {"epochs": %d, "batchSize": 16, "seed": 7, "threads": 1, "keepCheckpoints": 2, %s
                               "preview": {"length": 30, "temperatures": [0.2, 1.0]}}
                }
                """.formatted(corpus.toString().replace("\\", "\\\\"), epochs, extraTraining);
        return Files.writeString(dir.resolve("config-" + epochs + ".json"), json);
    }

    /** About 2 KB, with the capitals of the README's prompt. */
    private static String corpusText() {
        return ("The Meaning of it all. " + TinyCorpus.TEXT).repeat(2);
    }

    private static List<String> names(Path runDir) {
        return RunDirectory.checkpoints(runDir).stream().map(p -> p.getFileName().toString()).toList();
    }

    private static List<Double> losses(TrainingHistory history) {
        List<Double> losses = new ArrayList<>(history.trainLosses());
        losses.addAll(history.validationLosses());
        return losses;
    }

    private static void assertSameWeights(ModelWeights actual, ModelWeights expected) {
        assertThat(actual.denseKernel()).isEqualTo(expected.denseKernel());
        assertThat(actual.denseBias()).isEqualTo(expected.denseBias());
        assertThat(actual.lstm().get(0).kernel()).isEqualTo(expected.lstm().get(0).kernel());
        assertThat(actual.lstm().get(0).recurrentKernel()).isEqualTo(expected.lstm().get(0).recurrentKernel());
        assertThat(actual.lstm().get(0).bias()).isEqualTo(expected.lstm().get(0).bias());
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
