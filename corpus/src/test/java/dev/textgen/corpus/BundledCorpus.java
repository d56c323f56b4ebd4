package dev.textgen.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The reference corpus as the {@code textgen-datasets} artifact (a test dependency of this module) holds it. */
final class BundledCorpus {
    /** The class path resource that the known name {@code nietzsche.txt} resolves to. */
    static final String NIETZSCHE_RESOURCE = CorpusSource.DATASETS_RESOURCES + "nietzsche.txt";
    /** Byte length of nietzsche.txt. */
    static final long NIETZSCHE_BYTES = 600_901L;
    /** SHA-256 of nietzsche.txt, as the download from the reference notebook's URL has it. */
    static final String NIETZSCHE_SHA256 = "23cf69874ab69d3d256099ab530ea4be24d47d9675b673bcc67cbcd6298ec647";

    private BundledCorpus() {
    }

    /** The bytes of nietzsche.txt; fails when textgen-datasets is not on the test class path. */
    static byte[] nietzsche() {
        try (InputStream in = BundledCorpus.class.getClassLoader().getResourceAsStream(NIETZSCHE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(NIETZSCHE_RESOURCE + " is not on the class path; textgen-datasets is a"
                        + " test dependency of this module");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
