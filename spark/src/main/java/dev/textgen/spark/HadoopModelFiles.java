package dev.textgen.spark;

import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Model files on any Hadoop file system ({@code file://}, {@code hdfs://}, {@code s3a://}, ...) in the
 * format every backend reads: written with {@link ModelFile} to a local temporary file, copied next to
 * the target under a hidden name, then renamed onto it, so a reader never sees a partial file; read by
 * copying to a local temporary file, which {@link ModelFile#read} validates.
 */
final class HadoopModelFiles {
    private HadoopModelFiles() {
    }

    static void write(String target, StoredModel model, Configuration hadoop) {
        java.nio.file.Path local = null;
        try {
            local = Files.createTempFile("textgen-model", ".safetensors");
            ModelFile.write(local, model);
            Path path = new Path(target);
            FileSystem fs = path.getFileSystem(hadoop);
            Path hidden = new Path(path.getParent(), "." + path.getName() + ".tmp");
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), hidden);
            if (fs.exists(path) && !fs.delete(path, false)) {
                throw new IOException("cannot replace " + path);
            }
            if (!fs.rename(hidden, path)) {
                throw new IOException("cannot rename " + hidden + " to " + path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write the model file: " + e.getMessage(), e);
        } finally {
            deleteQuietly(local);
        }
    }

    static StoredModel read(String source, Configuration hadoop) {
        Path path = new Path(source);
        java.nio.file.Path directory = null;
        try {
            // Named like the source, so that a ModelFileException names the file the user gave.
            directory = Files.createTempDirectory("textgen-model");
            java.nio.file.Path local = directory.resolve(path.getName());
            path.getFileSystem(hadoop).copyToLocalFile(false, path, new Path(local.toUri()), true);
            return ModelFile.read(local);
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read the model file: " + e.getMessage(), e);
        } finally {
            if (directory != null) {
                deleteQuietly(directory.resolve(path.getName()));
                deleteQuietly(directory);
            }
        }
    }

    /** The whole text of a small file, such as a config, on a Hadoop file system. */
    static String readText(String source, Configuration hadoop) {
        Path path = new Path(source);
        try (var in = path.getFileSystem(hadoop).open(path)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(java.nio.file.Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file the OS cleans up
            }
        }
    }
}
