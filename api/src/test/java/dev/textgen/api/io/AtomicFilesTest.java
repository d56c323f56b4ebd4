package dev.textgen.api.io;

import dev.textgen.api.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFailureHalfwayLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("metrics.csv");
        AtomicFiles.writeString(file, "old\n");

        assertThatThrownBy(() -> AtomicFiles.write(file, channel -> {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap("new, but only half".getBytes(StandardCharsets.UTF_8)));
            throw new IOException("disk full (simulated)");
        })).isInstanceOf(IOException.class).hasMessage("disk full (simulated)");

        assertThat(Files.readString(file)).isEqualTo("old\n");
        assertThat(dir.toFile().list()).containsExactly("metrics.csv");
    }

    @Test
    void aFailureBeforeTheFirstWriteLeavesNoFileAtAll() {
        Path file = dir.resolve("model.safetensors");

        assertThatThrownBy(() -> AtomicFiles.write(file, channel -> {
            throw new IllegalStateException("crashed (simulated)");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aSuccessfulWriteReplacesTheFileWhole() throws IOException {
        Path file = dir.resolve("loss.svg");
        AtomicFiles.writeString(file, "a much longer old content that must not survive in part\n");

        AtomicFiles.writeString(file, "new");

        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(dir.toFile().list()).containsExactly("loss.svg");
    }

    @Test
    void theFileGetsTheUsualPermissionsOfANewFileNotOwnerOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "SKIPPED: not a POSIX file system");
        Path plain = Files.createFile(dir.resolve("plain.txt"));
        Path written = dir.resolve("written.txt");

        AtomicFiles.writeString(written, "text");

        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void aModelWriteThatFailsAtTheMoveLeavesNoTemporaryFile() throws IOException {
        // The target is a non-empty folder, so the final move fails after all bytes were written.
        Path file = dir.resolve("model.safetensors");
        Files.createDirectories(file.resolve("occupied"));

        assertThatThrownBy(() -> ModelFile.write(file, TestModels.model(1, 2)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": cannot be written");

        assertThat(dir.toFile().list()).containsExactly("model.safetensors");
        assertThat(file.resolve("occupied")).isDirectory();
    }
}
