package dev.textgen.sdk;

import dev.textgen.api.EpochResult;
import dev.textgen.api.io.AtomicFiles;
import dev.textgen.api.io.IoErrors;
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
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder a {@link TrainingRun} writes: {@value #MODEL} (the final model), {@value #CHECKPOINTS}/
 * (named by training position, so the latest is the largest), {@value #METRICS} and {@value #CHART}.
 * Every file is written atomically, so a crash at any moment leaves the previous complete version.
 * The static methods read any run folder; writing is the run's.
 */
public final class RunDirectory {
    /** The final model's file name. */
    public static final String MODEL = "model.safetensors";
    /** One row per finished epoch: losses, seconds, learning rate. */
    public static final String METRICS = "metrics.csv";
    /** The loss curves as an SVG image. */
    public static final String CHART = "loss.svg";
    /** The folder of the checkpoints, {@code checkpoint-eEEEE-bBBBBBBB.safetensors}. */
    public static final String CHECKPOINTS = "checkpoints";
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-e(\\d{4,})-b(\\d{7,})\\.safetensors");

    private static final Comparator<Path> BY_POSITION =
            Comparator.comparingLong((Path p) -> position(p, 1)).thenComparingLong(p -> position(p, 2));

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** The run folder {@code dir}, created with its checkpoints folder when missing. */
    static RunDirectory create(Path dir) {
        try {
            Files.createDirectories(dir.resolve(CHECKPOINTS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder " + dir + ": " + IoErrors.describe(e), e);
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
     * Saves {@code checkpoint}, then prunes: of the end-of-epoch checkpoints it keeps the newest
     * {@code keep} and the one at the end of the best epoch of the checkpoint's history; a mid-epoch
     * checkpoint (of a cancelled run, or every {@code training.checkpointEveryBatches} batches) replaces
     * the other mid-epoch ones, and an end-of-epoch checkpoint deletes those before it. So mid-epoch
     * checkpoints never push out an epoch's, and at most one is kept.
     */
    Path saveCheckpoint(StoredModel checkpoint, int keep) {
        Path file = checkpointFor(checkpoint.training());
        ModelFile.write(file, checkpoint);
        List<Path> all = checkpoints(dir);
        List<Path> epochEnds = all.stream().filter(p -> position(p, 2) == 0).toList();
        Path best = checkpoint(EpochResult.best(checkpoint.training().history()), 0);
        for (int i = 0; i < epochEnds.size() - keep; i++) {
            if (!epochEnds.get(i).equals(best)) {
                delete(epochEnds.get(i));
            }
        }
        boolean midEpoch = checkpoint.training().batch() != 0;
        int saved = all.indexOf(file);
        for (int i = 0; i < all.size(); i++) {
            if (i != saved && position(all.get(i), 2) != 0 && (midEpoch || i < saved)) {
                delete(all.get(i));
            }
        }
        return file;
    }

    private static void delete(Path old) {
        try {
            Files.deleteIfExists(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the old checkpoint " + old + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * Deletes the temporary files that a killed run left while writing one of this folder's files
     * (model, metrics, chart, checkpoints); any other file is left alone.
     *
     * @return the files deleted
     */
    List<Path> deleteStaleTemporaries() {
        List<Path> deleted = new ArrayList<>();
        deleteTemporaries(dir, name -> name.equals(MODEL) || name.equals(METRICS) || name.equals(CHART), deleted);
        deleteTemporaries(dir.resolve(CHECKPOINTS), name -> CHECKPOINT.matcher(name).matches(), deleted);
        return deleted;
    }

    private static void deleteTemporaries(Path folder, Predicate<String> ours, List<Path> deleted) {
        List<Path> stale;
        try (Stream<Path> files = Files.list(folder)) {
            stale = files.filter(f -> AtomicFiles.temporaryTarget(f.getFileName().toString()).filter(ours).isPresent())
                    .filter(Files::isRegularFile)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + IoErrors.describe(e), e);
        }
        for (Path file : stale) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the stale temporary file " + file + ": "
                        + IoErrors.describe(e), e);
            }
            deleted.add(file);
        }
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
            throw new UncheckedIOException("cannot write " + file + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * The checkpoint with the furthest training position in run folder {@code dir}, if any.
     *
     * @param dir a run folder
     * @return the checkpoint's path, or empty when the folder has none
     */
    public static Optional<Path> latestCheckpoint(Path dir) {
        List<Path> all = checkpoints(dir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * The checkpoints of run folder {@code dir}, oldest position first; none when it has no checkpoints folder.
     *
     * @param dir a run folder
     * @return the checkpoint paths, ordered by epoch and batch
     */
    public static List<Path> checkpoints(Path dir) {
        Path folder = dir.resolve(CHECKPOINTS);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(f -> CHECKPOINT.matcher(f.getFileName().toString()).matches()).forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + IoErrors.describe(e), e);
        }
        found.sort(BY_POSITION);
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
