package dev.textgen.cli.reliability;

import dev.textgen.api.EpochResult;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.cli.Main;
import dev.textgen.corpus.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 8 point 2: {@code textgen train} killed with SIGKILL at seeded random moments always leaves a
 * loadable, finite latest checkpoint that {@code train --resume} continues, to the same weights as an
 * uninterrupted run; and a run stopped between batches and resumed from its checkpoint file reproduces
 * the uninterrupted run.
 */
class CrashSafetyTest {
    /** The checkpoint names the CLI documents; anything else in checkpoints/ must be ignored. */
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-e(\\d{4,})-b(\\d{7,})\\.safetensors");
    /** Temporary files of atomic writes: a dot, the target's name, a random part and .tmp. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.checkpoint-.*\\.tmp");
    private static final int KILLS = 10;
    /** Far more epochs than the kill delays allow: every trial is killed while training. */
    private static final int EPOCHS = 1000;
    private static final int HIDDEN = 12;
    /** Identical code and kernels on both sides: the resumed weights are expected bit for bit; this allows for FMA. */
    private static final double WEIGHT_TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void sigkillAtRandomMomentsLeavesALoadableLatestCheckpointThatResumes() throws Exception {
        Path corpus = Fixtures.corpus(dir, 6);
        Path config = Files.writeString(dir.resolve("config.json"), Fixtures.config(corpus, EPOCHS, HIDDEN));
        SplittableRandom random = new SplittableRandom(20261127);
        List<Resumed> resumedModels = new ArrayList<>();
        for (int trial = 0; trial < KILLS; trial++) {
            Path out = dir.resolve("run-" + trial);
            long delayMillis = random.nextLong(0, 1500);
            Process train = startTrain(config, out);
            try {
                awaitFirstCheckpoint(train, out);
                Thread.sleep(delayMillis);
                assertThat(train.isAlive()).as("trial %d: train must still run when killed", trial).isTrue();
                kill(train);
            } finally {
                train.destroyForcibly();
            }

            Path latest = checkCheckpointsFolder(out, trial);
            StoredModel checkpoint = ModelFile.read(latest);
            assertFinite(checkpoint.weights());
            int finishedEpochs = checkpoint.training().history().size();
            plantDecoys(out.resolve("checkpoints"));

            int total = finishedEpochs + 1;
            Fixtures.CliResult resumed = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Fixtures.cli("train",
                    "--resume", out.toString(), "--epochs", Integer.toString(total)));
            assertThat(resumed.code()).as("trial %d resume: %s", trial, resumed.err()).isZero();
            assertThat(resumed.out()).contains("resuming from " + latest);
            StoredModel finished = ModelFile.read(out.resolve("model.safetensors"));
            assertFinite(finished.weights());
            assertThat(finished.training()).isNull();
            resumedModels.add(new Resumed(out.resolve("model.safetensors"), total));
        }
        compareWithUninterruptedRuns(config, resumedModels);
    }

    @Test
    void sigkillBeforeTheFirstCheckpointLeavesNothingToResumeAndSaysSo() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), Fixtures.config(Fixtures.corpus(dir, 6), EPOCHS, HIDDEN));
        Path out = dir.resolve("run");
        Process train = startTrain(config, out);
        try {
            kill(train);
        } finally {
            train.destroyForcibly();
        }
        assertThat(checkpoints(out)).isEmpty();
        Fixtures.CliResult resumed = Fixtures.cli("train", "--resume", out.toString());
        assertThat(resumed.code()).isEqualTo(2);
        assertThat(resumed.err()).contains("no checkpoint to resume in " + out.resolve("checkpoints")).doesNotContain("\tat ");
    }

    /** A resumed run's final model and the epochs it was trained for in all. */
    private record Resumed(Path model, int epochs) {
    }

    /** Each resumed model equals the uninterrupted run's weights after as many epochs. */
    private static void compareWithUninterruptedRuns(Path config, List<Resumed> resumedModels) {
        int maxEpochs = resumedModels.stream().mapToInt(Resumed::epochs).max().orElseThrow();
        List<ModelWeights> byEpoch = uninterrupted(ConfigLoader.load(config), maxEpochs);
        for (Resumed resumed : resumedModels) {
            assertSameWeights(ModelFile.read(resumed.model()).weights(), byEpoch.get(resumed.epochs() - 1),
                    "after " + resumed.epochs() + " epochs");
        }
    }

    /** SIGKILL on Linux: no shutdown hook runs, the process ends at once with status 137. */
    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the killed process ended").isTrue();
        assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }

    /** The weights at the end of each of the first {@code epochs} epochs of an uninterrupted in-process run. */
    private static List<ModelWeights> uninterrupted(TextgenConfig config, int epochs) {
        Corpus text = Corpus.load(config.corpus());
        Backend backend = Backends.installed().get(config.model().backend());
        List<ModelWeights> weights = new ArrayList<>();
        try (Trainer trainer = backend.newTrainer(config, text.vocabulary(), "")) {
            trainer.fit(text.trainWindows(), text.validationWindows(), new TrainingListener() {
                @Override
                public void onEpoch(EpochResult result, Trainer t) {
                    weights.add(t.model().weights());
                    if (weights.size() == epochs) {
                        t.requestStop();
                    }
                }
            });
        }
        assertThat(weights).hasSize(epochs);
        return weights;
    }

    @Test
    void stopBetweenBatchesAndResumeFromTheFileReproducesTheUninterruptedRun() throws IOException {
        TextgenConfig config = ConfigLoader.load(Files.writeString(dir.resolve("config.json"),
                Fixtures.config(Fixtures.corpus(dir, 3), 3, HIDDEN)));
        Corpus text = Corpus.load(config.corpus());
        Backend backend = Backends.installed().get("scratch");

        TrainingHistory straight;
        ModelWeights straightWeights;
        try (Trainer trainer = backend.newTrainer(config, text.vocabulary(), "")) {
            straight = trainer.fit(text.trainWindows(), text.validationWindows(), TrainingListener.NONE);
            straightWeights = trainer.model().weights();
        }

        Path checkpointFile = dir.resolve("stopped.safetensors");
        try (Trainer trainer = backend.newTrainer(config, text.vocabulary(), "")) {
            TrainingHistory stopped = trainer.fit(text.trainWindows(), text.validationWindows(), new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                    if (epoch == 1 && batch == batchesPerEpoch / 2) {
                        trainer.requestStop();
                    }
                }
            });
            assertThat(stopped.outcome()).isEqualTo(TrainingHistory.Outcome.CANCELLED);
            assertThat(trainer.state().batch()).as("stopped inside an epoch").isPositive();
            ModelFile.write(checkpointFile, new StoredModel(config, text.vocabulary(), trainer.model().weights(), null,
                    trainer.state()));
        }
        TrainingHistory resumed;
        ModelWeights resumedWeights;
        try (Trainer trainer = backend.resumeTrainer(ModelFile.read(checkpointFile))) {
            resumed = trainer.fit(text.trainWindows(), text.validationWindows(), TrainingListener.NONE);
            resumedWeights = trainer.model().weights();
        }

        assertThat(resumed.outcome()).isEqualTo(TrainingHistory.Outcome.COMPLETED);
        assertThat(resumed.epochs()).hasSameSizeAs(straight.epochs());
        for (int e = 0; e < straight.epochs().size(); e++) {
            assertThat(resumed.epochs().get(e).trainLoss()).as("train loss of epoch %d", e + 1)
                    .isCloseTo(straight.epochs().get(e).trainLoss(), within(1e-9));
            assertThat(resumed.epochs().get(e).validationLoss()).as("held-out loss of epoch %d", e + 1)
                    .isCloseTo(straight.epochs().get(e).validationLoss(), within(1e-9));
        }
        assertSameWeights(resumedWeights, straightWeights, "resumed vs uninterrupted");
    }

    private Process startTrain(Path config, Path out) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add("--add-modules=jdk.incubator.vector"); // the same kernels as this JVM's resume
        }
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--config", config.toString(), "--out", out.toString()));
        Files.createDirectories(out);
        return new ProcessBuilder(command)
                .redirectOutput(out.resolveSibling(out.getFileName() + ".out").toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile())
                .start();
    }

    private static void awaitFirstCheckpoint(Process train, Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (checkpoints(out).isEmpty()) {
            assertThat(train.isAlive()).as("train ended before its first checkpoint; see " + out + ".err").isTrue();
            assertThat(System.nanoTime()).as("no checkpoint within 60 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /**
     * Every file in checkpoints/ is a complete checkpoint or a leftover temporary file; returns the
     * latest checkpoint by training position.
     */
    private static Path checkCheckpointsFolder(Path out, int trial) throws IOException {
        List<Path> complete = checkpoints(out);
        assertThat(complete).as("trial %d: a checkpoint survives", trial).isNotEmpty();
        for (Path file : complete) {
            StoredModel stored = ModelFile.read(file);
            assertThat(stored.training()).as(file.toString()).isNotNull();
            assertFinite(stored.weights());
        }
        try (Stream<Path> files = Files.list(out.resolve("checkpoints"))) {
            files.map(f -> f.getFileName().toString())
                    .forEach(name -> assertThat(CHECKPOINT.matcher(name).matches() || TEMPORARY.matcher(name).matches())
                            .as("trial %d: unexpected file %s", trial, name).isTrue());
        }
        Path latest = complete.get(complete.size() - 1);
        StoredModel stored = ModelFile.read(latest);
        Matcher name = CHECKPOINT.matcher(latest.getFileName().toString());
        assertThat(name.matches()).isTrue();
        assertThat(Integer.parseInt(name.group(1))).isEqualTo(stored.training().epoch());
        return latest;
    }

    /** A half-written temporary file and a stray file at a later position must not be taken for checkpoints. */
    private static void plantDecoys(Path checkpoints) throws IOException {
        Optional<Path> any = checkpoints(checkpoints.getParent()).stream().findFirst();
        byte[] half = Files.readAllBytes(any.orElseThrow());
        Files.write(checkpoints.resolve(".checkpoint-e9999-b0000000.safetensors.12345.tmp"),
                Arrays.copyOf(half, half.length / 2));
        Files.write(checkpoints.resolve("checkpoint-e9999-b0000000.safetensors.partial"), new byte[] {1, 2, 3});
    }

    /** The complete-looking checkpoints of run folder {@code out}, oldest position first. */
    private static List<Path> checkpoints(Path out) throws IOException {
        Path folder = out.resolve("checkpoints");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> CHECKPOINT.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong((Path p) -> position(p, 1)).thenComparingLong(p -> position(p, 2)))
                    .toList();
        }
    }

    /** The epoch (group 1) or batch (group 2) of a checkpoint's name. */
    private static long position(Path checkpoint, int group) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint.toString());
        }
        return Long.parseLong(m.group(group));
    }

    private static void assertFinite(ModelWeights weights) {
        assertThat(weights.allFinite()).as("all weights finite").isTrue();
    }

    private static void assertSameWeights(ModelWeights actual, ModelWeights expected, String what) {
        List<float[]> a = Fixtures.arrays(actual).toList();
        List<float[]> e = Fixtures.arrays(expected).toList();
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).as("%s, array %d", what, i).hasSameSizeAs(e.get(i));
            for (int j = 0; j < a.get(i).length; j++) {
                assertThat((double) a.get(i)[j]).as("%s, array %d, index %d", what, i, j)
                        .isCloseTo(e.get(i)[j], within(WEIGHT_TOLERANCE));
            }
        }
    }
}
