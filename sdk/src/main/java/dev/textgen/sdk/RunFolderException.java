package dev.textgen.sdk;

import dev.textgen.api.TextgenException;

import java.nio.file.Path;

/** A run folder that cannot hold what was asked of it: nothing to resume, or another run in the way. */
public final class RunFolderException extends TextgenException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the folder. */
    public enum Problem {
        /** {@link TrainingRun#resume} found no checkpoint in the folder. */
        NO_CHECKPOINT,
        /** A new run was to write into a folder that holds another run's checkpoints. */
        HOLDS_ANOTHER_RUN
    }

    /** The run folder, as {@link #folder()} gives it. */
    private final Path folder;
    /** What is wrong with the folder, as {@link #problem()} gives it. */
    private final Problem problem;

    private RunFolderException(Path folder, Problem problem, String message) {
        super(message);
        this.folder = folder;
        this.problem = problem;
    }

    static RunFolderException noCheckpoint(Path folder) {
        return new RunFolderException(folder, Problem.NO_CHECKPOINT, "no checkpoint to resume in "
                + folder.resolve(RunDirectory.CHECKPOINTS) + "; resume the folder of an earlier training run, or start"
                + " a new run there");
    }

    static RunFolderException holdsAnotherRun(Path folder) {
        return new RunFolderException(folder, Problem.HOLDS_ANOTHER_RUN, folder + " already holds the checkpoints of a"
                + " run; resume that run, or start the new one in another folder");
    }

    /**
     * The run folder.
     *
     * @return the folder as the caller named it
     */
    public Path folder() {
        return folder;
    }

    /**
     * What is wrong with the folder, for callers that act on it (e.g. start a new run when there is nothing to resume).
     *
     * @return the problem
     */
    public Problem problem() {
        return problem;
    }
}
