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
 * (downloaded once into a {@link DatasetCache}) or a known corpus name such as {@code nietzsche.txt}, which
 * stands for the reference notebook's download. Resolving checks that the source exists; {@link #open()} reads it.
 */
public final class CorpusSource {
    /** Prefix of a resource on the class path, e.g. {@code classpath:corpora/tiny.txt}. */
    public static final String CLASSPATH = "classpath:";

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

    /** {@code config.source()} resolved with the cache the config names. */
    public static CorpusSource resolve(CorpusConfig config) {
        return resolve(config, DatasetCache.forConfig(config));
    }

    /**
     * {@code config.source()} resolved with {@code cache} for downloads: known names first, then URLs, then
     * {@code classpath:}, and anything else as a file path. Downloads happen here.
     */
    public static CorpusSource resolve(CorpusConfig config, DatasetCache cache) {
        String source = config.source().strip();
        Known known = KNOWN.get(source);
        if (known != null) {
            String sha256 = config.sha256() != null ? config.sha256() : known.sha256();
            return file(cache.fetch(known.url(), cache.directory().resolve(source), sha256));
        }
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return file(cache.fetch(url(source), config.sha256()));
        }
        if (source.startsWith(CLASSPATH)) {
            return classpath(source.substring(CLASSPATH.length()));
        }
        return file(path(source));
    }

    /** Names that {@link #resolve} downloads on first use. */
    public static Set<String> knownNames() {
        return KNOWN.keySet();
    }

    /** A local file; a missing file, a folder or an unreadable file is an error naming it. */
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

    /** A resource of the thread's context class loader (or this library's loader when there is none). */
    public static CorpusSource classpath(String resource) {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        URL url = (loader != null ? loader : CorpusSource.class.getClassLoader()).getResource(path);
        if (url == null) {
            throw new CorpusException("corpus.source: no class path resource " + CLASSPATH + path
                    + "; check the name (no leading slash needed) and that the jar or folder holding it is on the"
                    + " class path");
        }
        return new CorpusSource(CLASSPATH + path, -1, url::openStream);
    }

    /** How errors name this source: an absolute path or {@code classpath:NAME}. */
    public String name() {
        return name;
    }

    /** Size in bytes when known, else -1. */
    public long sizeHint() {
        return sizeHint;
    }

    /** A fresh stream over the bytes; the caller closes it. */
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
