package dev.textgen.api;

import java.nio.file.Path;

/** A model or checkpoint file is missing, truncated, corrupt, of a newer format or inconsistent with its config. */
public class ModelFileException extends TextgenException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that failed. */
    public Path file() {
        return file;
    }
}
