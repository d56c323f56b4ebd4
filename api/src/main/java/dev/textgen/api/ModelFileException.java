package dev.textgen.api;

import java.nio.file.Path;

/** A model or checkpoint file is missing, truncated, corrupt, of a newer format or inconsistent with its config. */
public class ModelFileException extends TextgenException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * An exception about {@code file}; the message is the file followed by {@code problem}.
     *
     * @param file the model or checkpoint file
     * @param problem what is wrong with it and, where it helps, what would be valid
     */
    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * An exception about {@code file}, caused by {@code cause}; the message is the file followed by {@code problem}.
     *
     * @param file the model or checkpoint file
     * @param problem what is wrong with it and, where it helps, what would be valid
     * @param cause the underlying failure, e.g. an I/O or JSON error
     */
    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /**
     * The file that failed.
     *
     * @return the file's path as the caller gave it; null after deserialisation (it is not serialised)
     */
    public Path file() {
        return file;
    }
}
