package dev.textgen.api.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference notebook's corpus for tests, read from {@code ../shared/corpora} beside the checkout (the
 * {@code textgen.shared.dir} system property, which the build sets). Where it is absent, as in a
 * user's own checkout, a test that needs it is skipped with a message saying so, never passed silently.
 */
public final class SharedCorpus {
    /** Byte length of the reference notebook's nietzsche.txt. */
    public static final long NIETZSCHE_BYTES = 600_901L;

    private SharedCorpus() {
    }

    /** The shared folder ({@code ../shared}), whether or not it exists. */
    public static Path sharedDir() {
        String configured = System.getProperty("textgen.shared.dir");
        return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("..", "shared");
    }

    /** Path of nietzsche.txt; skips the calling test when it is not there. */
    public static Path nietzsche() {
        Path file = sharedDir().resolve("corpora").resolve("nietzsche.txt").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(file),
                "SKIPPED: the reference notebook's corpus is not at " + file + " (tests that need the real nietzsche.txt run only"
                        + " where ../shared/corpora is beside the checkout; set -Dtextgen.shared.dir=DIR to point elsewhere)");
        return file;
    }
}
