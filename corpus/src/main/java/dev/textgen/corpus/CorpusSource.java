package dev.textgen.corpus;

import dev.textgen.api.CorpusException;
import dev.textgen.api.config.CorpusConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a corpus's bytes come from: a local file, a {@code classpath:} resource, an {@code http(s)} URL
 * (downloaded once into a {@link DatasetCache}) or a known corpus name such as {@code nietzsche.txt}, the
 * reference notebook's corpus. A known name is read from the {@code textgen-datasets} artifact when it is on
 * the class path and downloaded only when it is not; either way its SHA-256 is checked. Resolving checks that
 * the source exists; {@link #open()} reads it.
 */
public final class CorpusSource {
    /** Prefix of a resource on the class path, e.g. {@code classpath:corpora/tiny.txt}. */
    public static final String CLASSPATH = "classpath:";

    /** Where the {@code textgen-datasets} artifact keeps the known corpora, each under its known name. */
    static final String DATASETS_RESOURCES = "META-INF/textgen/datasets/";

    private record Known(URI url, String sha256) {
    }

    private static final Map<String, Known> KNOWN = Map.of("nietzsche.txt", new Known(
            URI.create("https://s3.amazonaws.com/text-datasets/nietzsche.txt"),
            "23cf69874ab69d3d256099ab530ea4be24d47d9675b673bcc67cbcd6298ec647"));

    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    private final String name;
    private final long sizeHint;
    private final Opener opener;

    private CorpusSource(String name, long sizeHint, Opener opener) {
        this.name = name;
        this.sizeHint = sizeHint;
        this.opener = opener;
    }

    /**
     * {@code config.source()} resolved with the cache the config names.
     *
     * @param config the corpus settings
     * @return the source, checked to exist
     * @throws CorpusException when the source does not exist, cannot be downloaded or fails its checksum
     */
    public static CorpusSource resolve(CorpusConfig config) {
        return resolve(config, DatasetCache.forConfig(config));
    }

    /**
     * {@code config.source()} resolved with {@code cache} for downloads: known names first (from the class
     * path, else downloaded), then URLs, then {@code classpath:}, and anything else as a file path. Downloads
     * and the checksum of a known corpus on the class path happen here.
     *
     * @param config the corpus settings
     * @param cache  where downloads go
     * @return the source, checked to exist
     * @throws CorpusException when the source does not exist, cannot be downloaded or fails its checksum
     */
    public static CorpusSource resolve(CorpusConfig config, DatasetCache cache) {
        return resolve(config, cache, classLoader());
    }

    /** {@link #resolve(CorpusConfig, DatasetCache)} looking for known corpora and resources in {@code loader}. */
    static CorpusSource resolve(CorpusConfig config, DatasetCache cache, ClassLoader loader) {
        String source = config.source().strip();
        Known known = KNOWN.get(source);
        if (known != null) {
            String sha256 = config.sha256() != null ? config.sha256() : known.sha256();
            URL bundled = loader.getResource(DATASETS_RESOURCES + source);
            if (bundled != null) {
                return checked(DATASETS_RESOURCES + source, bundled, sha256);
            }
            return file(cache.fetch(known.url(), cache.directory().resolve(source), sha256));
        }
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return file(cache.fetch(url(source), config.sha256()));
        }
        if (source.startsWith(CLASSPATH)) {
            return classpath(source.substring(CLASSPATH.length()), loader);
        }
        return file(path(source));
    }

    /** {@return the names that {@link #resolve} reads from the {@code textgen-datasets} artifact, or downloads without it} */
    public static Set<String> knownNames() {
        return KNOWN.keySet();
    }

    /**
     * A local file.
     *
     * @param file the file
     * @return the source
     * @throws CorpusException when the file is missing, a folder or unreadable (naming it)
     */
    public static CorpusSource file(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new CorpusException("corpus.source " + absolute + " is a folder; name a text file in it");
        }
        if (!Files.exists(absolute)) {
            throw new CorpusException("corpus.source: file not found: " + absolute + " (allowed: a file path, an"
                    + " http(s) URL, classpath:NAME, or a known name: " + String.join(", ", KNOWN.keySet()) + ")");
        }
        if (!Files.isReadable(absolute)) {
            throw new CorpusException("corpus.source: cannot read " + absolute + " (permission denied)");
        }
        long size;
        try {
            size = Files.size(absolute);
        } catch (IOException e) {
            throw new CorpusException("corpus.source: cannot read " + absolute + ": " + e.getMessage(), e);
        }
        return new CorpusSource(absolute.toString(), size, () -> Files.newInputStream(absolute));
    }

    /**
     * A resource of the thread's context class loader (or this library's loader when there is none).
     *
     * @param resource the resource's name, e.g. {@code corpora/tiny.txt}
     * @return the source
     * @throws CorpusException when there is no such resource
     */
    public static CorpusSource classpath(String resource) {
        return classpath(resource, classLoader());
    }

    private static CorpusSource classpath(String resource, ClassLoader loader) {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        URL url = loader.getResource(path);
        if (url == null) {
            throw new CorpusException("corpus.source: no class path resource " + CLASSPATH + path
                    + "; check the name (no leading slash needed) and that the jar or folder holding it is on the"
                    + " class path");
        }
        return resource(CLASSPATH + path, url);
    }

    private static ClassLoader classLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : CorpusSource.class.getClassLoader();
    }

    private static CorpusSource resource(String name, URL url) {
        long size;
        try {
            size = url.openConnection().getContentLengthLong();
        } catch (IOException e) {
            throw new CorpusException("corpus.source: cannot read " + name + " (" + url + "): " + e.getMessage(), e);
        }
        return new CorpusSource(name, size, url::openStream);
    }

    /** A known corpus bundled on the class path, after its bytes matched {@code sha256}. */
    private static CorpusSource checked(String path, URL url, String sha256) {
        CorpusSource source = resource(CLASSPATH + path, url);
        String actual;
        try (InputStream in = source.open()) {
            actual = DatasetCache.sha256(in);
        } catch (IOException e) {
            throw new CorpusException("corpus.source: cannot read " + source.name() + " (" + url + "): " + e.getMessage(), e);
        }
        if (!actual.equalsIgnoreCase(sha256)) {
            throw new CorpusException(String.format(Locale.ROOT, "corpus.source: the bundled %s (%s) has sha256 %s but"
                            + " %s was expected; the jar holding it is damaged or not textgen-datasets, or corpus.sha256 is"
                            + " wrong", source.name(), url, actual, sha256.toLowerCase(Locale.ROOT)));
        }
        return source;
    }

    /** {@return how errors name this source: an absolute path or {@code classpath:NAME}} */
    public String name() {
        return name;
    }

    /** {@return the size in bytes when known, else -1} */
    public long sizeHint() {
        return sizeHint;
    }

    /**
     * Opens the bytes.
     *
     * @return a fresh stream over the bytes, which the caller closes
     * @throws CorpusException when the source cannot be read
     */
    public InputStream open() {
        try {
            return opener.open();
        } catch (NoSuchFileException e) {
            throw new CorpusException("corpus.source: file not found: " + name, e);
        } catch (AccessDeniedException e) {
            throw new CorpusException("corpus.source: cannot read " + name + " (permission denied)", e);
        } catch (IOException e) {
            throw new CorpusException("corpus.source: cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static URI url(String source) {
        try {
            return new URI(source);
        } catch (URISyntaxException e) {
            throw new CorpusException("corpus.source: \"" + source + "\" is not a valid URL: " + e.getMessage(), e);
        }
    }

    private static Path path(String source) {
        String expanded = source.startsWith("~/") ? System.getProperty("user.home") + source.substring(1) : source;
        try {
            return Path.of(expanded);
        } catch (InvalidPathException e) {
            throw new CorpusException("corpus.source: \"" + source + "\" is not a valid file path: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
