package dev.textgen.cli;

import dev.textgen.api.EpochResult;
import dev.textgen.api.io.AtomicFiles;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder a training run writes: {@code model.safetensors} (the final model), {@code checkpoints/}
 * (named by training position, so the latest is the largest), {@code metrics.csv} and {@code loss.svg}.
 * Every file is written atomically, so a crash at any moment leaves the previous complete version.
 */
final class RunDirectory {
    static final String MODEL = "model.safetensors";
    static final String METRICS = "metrics.csv";
    static final String CHART = "loss.svg";
    static final String CHECKPOINTS = "checkpoints";
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-e(\\d{4,})-b(\\d{7,})\\.safetensors");

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** The run folder {@code dir}, created with its checkpoints folder when missing. */
    static RunDirectory create(Path dir) {
        try {
            Files.createDirectories(dir.resolve(CHECKPOINTS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the output folder " + dir + ": " + ErrorReporter.describe(e), e);
        }
        return new RunDirectory(dir);
    }

    Path dir() {
        return dir;
    }

    Path model() {
        return dir.resolve(MODEL);
    }

    Path checkpointFor(TrainingState state) {
        return checkpoint(state.epoch(), state.batch());
    }

    /** The checkpoint at batch {@code batch} of zero-based epoch {@code epoch}; (e, 0) is the end of epoch e. */
    private Path checkpoint(int epoch, int batch) {
        return dir.resolve(CHECKPOINTS).resolve(String.format(Locale.ROOT, "checkpoint-e%04d-b%07d.safetensors", epoch, batch));
    }

    /**
     * Saves {@code checkpoint}, then deletes older checkpoints beyond the newest {@code keep}, except
     * the one at the end of {@code bestEpoch} (one-based; 0 for none).
     */
    Path saveCheckpoint(StoredModel checkpoint, int keep, int bestEpoch) {
        Path file = checkpointFor(checkpoint.training());
        ModelFile.write(file, checkpoint);
        List<Path> all = checkpoints(dir);
        Path best = checkpoint(bestEpoch, 0);
        for (int i = 0; i < all.size() - keep; i++) {
            Path old = all.get(i);
            if (!old.equals(best)) {
                try {
                    Files.deleteIfExists(old);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete the old checkpoint " + old + ": " + ErrorReporter.describe(e), e);
                }
            }
        }
        return file;
    }

    /** Rewrites {@code metrics.csv} and {@code loss.svg} for {@code history}. */
    void writeMetrics(String title, List<EpochResult> history) {
        write(dir.resolve(METRICS), MetricsCsv.render(history));
        write(dir.resolve(CHART), LossChart.render(title, history));
    }

    private static void write(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + ErrorReporter.describe(e), e);
        }
    }

    /** The checkpoint with the furthest training position in run folder {@code dir}, if any. */
    static Optional<Path> latestCheckpoint(Path dir) {
        List<Path> all = checkpoints(dir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The checkpoints of run folder {@code dir}, oldest position first. */
    static List<Path> checkpoints(Path dir) {
        Path folder = dir.resolve(CHECKPOINTS);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(f -> CHECKPOINT.matcher(f.getFileName().toString()).matches()).forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + ErrorReporter.describe(e), e);
        }
        found.sort(Comparator.comparingLong((Path p) -> position(p, 1)).thenComparingLong(p -> position(p, 2)));
        return found;
    }

    private static long position(Path checkpoint, int group) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("not a checkpoint name: " + checkpoint);
        }
        return Long.parseLong(m.group(group));
    }
}
