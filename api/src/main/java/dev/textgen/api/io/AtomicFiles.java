package dev.textgen.api.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a part:
 * the bytes go to a temporary file in the same folder, are forced to disk, and the temporary file is
 * moved over the target with {@link StandardCopyOption#ATOMIC_MOVE}. A failure at any point leaves the
 * target untouched and removes the temporary file.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** {@code .TARGET.RANDOM.tmp}, as {@link #createTemporary} names them. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.[0-9a-f]{1,16}\\.tmp");

    private AtomicFiles() {
    }

    /** Writes content through a channel; may write in several steps. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content to {@code channel}, which is positioned at the start of an empty file.
         *
         * @param channel the temporary file's channel; do not close it
         * @throws IOException when writing fails; the target is then unchanged
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    /**
     * Atomically replaces {@code file} with {@code text} in UTF-8.
     *
     * @param file the file to create or replace; its folder must exist
     * @param text the new content
     * @throws IOException when writing, syncing or moving fails; the target is then unchanged
     */
    public static void writeString(Path file, CharSequence text) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        write(file, channel -> writeFully(channel, ByteBuffer.wrap(bytes)));
    }

    /**
     * Atomically replaces {@code file} with what {@code content} writes. The folder must exist.
     *
     * @param file the file to create or replace
     * @param content writes the new bytes
     * @throws IOException when writing, syncing or moving fails; the target is then unchanged
     */
    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = createTemporary(dir, target.getFileName().toString());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(channel);
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            deleteAfterFailure(temp, e);
            if (e instanceof AtomicMoveNotSupportedException) {
                throw new IOException("the file system of " + dir + " cannot replace files atomically", e);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * A new empty file beside the target. Unlike {@link Files#createTempFile}, which makes it readable by
     * the owner only, the file gets the permissions of any new file (the umask's), which the target keeps.
     */
    private static Path createTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + name + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try {
                return Files.createFile(temp);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) {
                    throw e;
                }
            }
        }
    }

    /**
     * The name of the file that a temporary file named {@code fileName} was to replace, if {@code fileName}
     * is named as this class names its temporary files; lets callers delete those a killed process left.
     *
     * @param fileName a file name without folder, e.g. {@code .model.bin.3fa9c2.tmp}
     * @return the target's name, e.g. {@code model.bin}, or empty when {@code fileName} is not such a temporary file
     */
    public static Optional<String> temporaryTarget(String fileName) {
        Matcher m = TEMPORARY.matcher(fileName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Writes all of {@code buffer}, looping over short writes.
     *
     * @param channel the channel to write to at its position
     * @param buffer the bytes from its position to its limit; its position ends at the limit
     * @throws IOException when a write fails
     */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Makes the rename itself durable where the platform allows syncing a directory (Linux does, Windows does not). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UncheckedIOException e) {
            // Not supported on every platform; the data itself was already forced.
        }
    }

    private static void deleteAfterFailure(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
