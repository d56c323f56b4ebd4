package dev.textgen.corpus;

import dev.textgen.api.CorpusException;
import dev.textgen.api.config.CorpusConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Downloads corpora once into a cache folder. A download goes to a {@code .part} file beside its final
 * name and is moved into place atomically only after its SHA-256 (when one is known) matched, so a killed
 * or corrupt download never becomes a cache entry. A cached file that no longer matches its checksum is
 * deleted and downloaded again.
 */
public final class DatasetCache {
    private static final System.Logger LOG = System.getLogger(DatasetCache.class.getName());

    /** Environment variable that overrides the default cache folder. */
    public static final String CACHE_ENV = "TEXTGEN_CACHE";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final int BUFFER = 1 << 16;

    /** Told about a download's progress after every buffer written. */
    @FunctionalInterface
    public interface Progress {
        /**
         * Reports how far a download has come.
         *
         * @param url        what is being downloaded
         * @param bytes      bytes written so far
         * @param totalBytes the announced length, or -1 when the server did not send one
         */
        void update(URI url, long bytes, long totalBytes);
    }

    private final Path directory;
    private final Progress progress;

    /**
     * A cache in a folder.
     *
     * @param directory the folder; created on the first download
     * @param progress  told about every download's progress
     */
    public DatasetCache(Path directory, Progress progress) {
        this.directory = directory.toAbsolutePath().normalize();
        this.progress = progress;
    }

    /**
     * The cache that a config names, reporting the progress of large downloads through System.Logger.
     *
     * @param config the corpus settings; {@code cacheDir} names the folder
     * @return the cache
     */
    public static DatasetCache forConfig(CorpusConfig config) {
        return new DatasetCache(directory(config.cacheDir(), System::getenv, System.getProperty("user.home")),
                loggingProgress());
    }

    /** {@code corpus.cacheDir} if set, else {@code $TEXTGEN_CACHE} if set, else {@code ~/.textgen/datasets}. */
    static Path directory(String configured, UnaryOperator<String> environment, String userHome) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String fromEnvironment = environment.apply(CACHE_ENV);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment);
        }
        return Path.of(userHome, ".textgen", "datasets");
    }

    /** {@return a progress that logs at INFO every tenth of a download above 1 MB (every 8 MB when the size is unknown)} */
    public static Progress loggingProgress() {
        return new Progress() {
            private long nextReport;

            @Override
            public void update(URI url, long bytes, long totalBytes) {
                if (totalBytes >= 0 && totalBytes < (1 << 20)) {
                    return;
                }
                long stride = totalBytes > 0 ? Math.max(1, totalBytes / 10) : 8L << 20;
                if (bytes >= nextReport || bytes == totalBytes) {
                    nextReport = (bytes / stride + 1) * stride;
                    LOG.log(System.Logger.Level.INFO, () -> totalBytes > 0
                            ? String.format(Locale.ROOT, "downloading %s: %,d of %,d bytes (%d%%)",
                            url, bytes, totalBytes, bytes * 100 / totalBytes)
                            : String.format(Locale.ROOT, "downloading %s: %,d bytes", url, bytes));
                }
            }
        };
    }

    /** {@return the cache folder, absolute} */
    public Path directory() {
        return directory;
    }

    /**
     * Where a URL is cached: a name unique to the URL that keeps its file name readable.
     *
     * @param url what is downloaded
     * @return its place in this cache
     */
    public Path location(URI url) {
        String fileName = fileName(url);
        String urlHash = sha256(url.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        return directory.resolve(fileName.isEmpty() ? urlHash : urlHash + "-" + fileName);
    }

    private static String fileName(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        return path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * The cached copy of a URL at {@link #location}, downloading it first when needed.
     *
     * @param url    what to download
     * @param sha256 its expected SHA-256 (hex), or null to accept any content
     * @return the cached file
     * @throws CorpusException when the download fails or does not match {@code sha256}; nothing is cached then
     */
    public Path fetch(URI url, String sha256) {
        return fetch(url, location(url), sha256);
    }

    /**
     * The cached copy of {@code url} at {@code target} (inside this cache), downloading it when it is missing
     * or does not match {@code sha256}.
     *
     * @param url    what to download
     * @param target where to keep it
     * @param sha256 its expected SHA-256 (hex), or null to accept any content
     * @return {@code target}
     * @throws CorpusException when the download fails or does not match {@code sha256}; nothing is cached then
     */
    public Path fetch(URI url, Path target, String sha256) {
        if (Files.isRegularFile(target)) {
            String actual = sha256 == null ? null : sha256(target);
            if (sha256 == null || actual.equalsIgnoreCase(sha256)) {
                return target;
            }
            LOG.log(System.Logger.Level.WARNING, "cached {0} has sha256 {1}, expected {2}; downloading it again",
                    target, actual, sha256);
            delete(target);
        }
        download(url, target, sha256);
        return target;
    }

    private void download(URI url, Path target, String sha256) {
        Path part = null;
        try {
            Files.createDirectories(target.getParent());
            part = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            String actual = copyTo(url, target, part);
            if (sha256 != null && !actual.equalsIgnoreCase(sha256)) {
                throw new CorpusException(String.format(Locale.ROOT,
                        "downloaded %s has sha256 %s but %s was expected; the file was not kept. Check the URL and"
                                + " corpus.sha256, or download the file yourself and pass its path as corpus.source",
                        url, actual, sha256.toLowerCase(Locale.ROOT)));
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            part = null;
            LOG.log(System.Logger.Level.INFO, "cached {0} as {1}", url, target);
        } catch (IOException e) {
            throw unreachable(url, target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CorpusException("download of " + url + " was interrupted; nothing was cached", e);
        } finally {
            if (part != null) {
                delete(part);
            }
        }
    }

    /** Streams the body of {@code url} into {@code part} and returns its sha256. */
    private String copyTo(URI url, Path target, Path part) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(url).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new CorpusException(String.format(Locale.ROOT,
                        "downloading %s failed: the server answered HTTP %d; check the URL, or download the file"
                                + " yourself and pass its path as corpus.source (or place it at %s)",
                        url, response.statusCode(), target));
            }
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
            MessageDigest digest = newDigest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(part), digest)) {
                byte[] buffer = new byte[BUFFER];
                long written = 0;
                for (int read; (read = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, read);
                    written += read;
                    progress.update(url, written, total);
                }
                if (total >= 0 && written != total) {
                    throw new IOException("connection closed after " + written + " of " + total + " bytes");
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    private static CorpusException unreachable(URI url, Path target, IOException e) {
        boolean network = e instanceof ConnectException || e instanceof UnknownHostException
                || e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException;
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new CorpusException(String.format(Locale.ROOT,
                "cannot download %s (%s%s); nothing was cached. Without network access, download the file elsewhere"
                        + " and pass its local path as corpus.source (e.g. \"source\": \"/path/to/%s\"), or copy it"
                        + " to %s",
                url, network ? "no connection: " : "", reason, fileName(url), target), e);
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new CorpusException("cannot read cached file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of the rest of {@code in}, in lowercase hex. */
    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[BUFFER];
        for (int read; (read = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, read);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** Best effort: a leftover file is never used, since only complete, checked files get the final name. */
    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + file, e);
        }
    }
}
