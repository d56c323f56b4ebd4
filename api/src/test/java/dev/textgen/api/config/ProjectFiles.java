package dev.textgen.api.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the checkout outside the api module (examples, docs), found from the test's working directory. */
final class ProjectFiles {
    private ProjectFiles() {
    }

    static Path resolve(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate) && Files.exists(dir.resolve("api"))) {
                return candidate;
            }
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
