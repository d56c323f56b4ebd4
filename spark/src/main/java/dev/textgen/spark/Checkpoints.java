package dev.textgen.spark;

import dev.textgen.api.io.StoredModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/**
 * Per-epoch checkpoints in a directory on a Hadoop file system: {@code epoch-0003.safetensors} after the
 * third epoch, the newest {@code keep} kept.
 */
final class Checkpoints {
    private static final String PREFIX = "epoch-";
    private static final String SUFFIX = ".safetensors";

    private Checkpoints() {
    }

    /** The checkpoint file written after {@code epoch} epochs. */
    static String name(int epoch) {
        return String.format(Locale.ROOT, "%s%04d%s", PREFIX, epoch, SUFFIX);
    }

    static void write(String directory, int epoch, StoredModel checkpoint, int keep, Configuration hadoop) {
        Path dir = new Path(directory);
        HadoopModelFiles.write(new Path(dir, name(epoch)).toString(), checkpoint, hadoop);
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            FileStatus[] written = fs.listStatus(dir, path -> path.getName().startsWith(PREFIX)
                    && path.getName().endsWith(SUFFIX));
            Arrays.sort(written, Comparator.comparing((FileStatus status) -> status.getPath().getName()).reversed());
            for (int i = keep; i < written.length; i++) {
                fs.delete(written[i].getPath(), false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(directory + ": cannot prune old checkpoints: " + e.getMessage(), e);
        }
    }
}
