package dev.textgen.api.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** I/O failures in the words an error message shows a user. */
public final class IoErrors {
    private IoErrors() {
    }

    /**
     * {@code e} in words, e.g. "no such file", instead of the exception's class name.
     *
     * @param e the failure, e.g. a {@link java.nio.file.NoSuchFileException}
     * @return a phrase such as "no such file" or "permission denied" for the common causes, else the exception's
     *         message
     */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof CharacterCodingException) {
            return "the bytes are not valid UTF-8";
        }
        // A FileSystemException's message is "FILE: REASON" in words; a bare class name would mean nothing to a user.
        return e.getMessage() != null ? e.getMessage() : "an I/O error without details (run with --verbose for them)";
    }
}
