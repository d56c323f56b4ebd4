package dev.textgen.corpus;

import com.sun.net.httpserver.HttpServer;
import dev.textgen.api.CorpusException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Downloads from a local HTTP server on 127.0.0.1, which serves nietzsche.txt from the textgen-datasets
 * artifact; nothing here reaches the internet.
 */
class DatasetCacheTest {
    /** A class loader that sees no textgen-datasets, as in an application that does not depend on it. */
    private static final ClassLoader WITHOUT_DATASETS = new ClassLoader(null) {
    };

    @TempDir
    Path cacheDir;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private byte[] body;

    @BeforeEach
    void startServer() throws IOException {
        body = generatedText(3_000_000);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/corpus.txt", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/missing.txt", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.createContext("/broken.txt", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.createContext("/truncated.txt", exchange -> {
            // Announces the whole body but dies halfway, like a killed connection.
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body, 0, body.length / 2);
            exchange.getResponseBody().flush();
            exchange.close();
        });
        server.createContext("/nietzsche.txt", exchange -> {
            byte[] nietzsche = BundledCorpus.nietzsche();
            exchange.sendResponseHeaders(200, nietzsche.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(nietzsche);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void downloadsOnceWithProgressThenHitsTheCache() throws IOException {
        List<long[]> progress = new ArrayList<>();
        DatasetCache cache = new DatasetCache(cacheDir, (url, bytes, total) -> progress.add(new long[]{bytes, total}));
        URI url = url("/corpus.txt");

        Path file = cache.fetch(url, DatasetCache.sha256(bytesFile(body)));
        assertThat(Files.readAllBytes(file)).isEqualTo(body);
        assertThat(file.getParent()).isEqualTo(cacheDir.toAbsolutePath().normalize());
        assertThat(file.getFileName().toString()).endsWith("-corpus.txt");
        assertThat(requests).hasValue(1);
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1)).containsExactly(body.length, body.length);
        assertThat(progress).extracting(p -> p[0]).isSorted();

        assertThat(cache.fetch(url, null)).isEqualTo(file);
        assertThat(requests).as("a cache hit does not download").hasValue(1);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void checksumMismatchKeepsNothing() {
        DatasetCache cache = new DatasetCache(cacheDir, (url, bytes, total) -> { });
        String wrong = "0".repeat(64);
        URI url = url("/corpus.txt");
        assertThatThrownBy(() -> cache.fetch(url, wrong))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("downloaded " + url + " has sha256 ")
                .hasMessageContaining("but " + wrong + " was expected; the file was not kept");
        assertThat(Files.exists(cache.location(url))).isFalse();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void corruptCacheEntryIsDownloadedAgain() throws IOException {
        DatasetCache cache = new DatasetCache(cacheDir, (url, bytes, total) -> { });
        URI url = url("/corpus.txt");
        Files.writeString(cache.location(url), "half a file");
        Path file = cache.fetch(url, DatasetCache.sha256(bytesFile(body)));
        assertThat(Files.readAllBytes(file)).isEqualTo(body);
        assertThat(requests).hasValue(1);
    }

    @Test
    void httpErrorsNameTheUrlAndStatus() {
        DatasetCache cache = new DatasetCache(cacheDir, (url, bytes, total) -> { });
        for (Map.Entry<String, Integer> error : Map.of("/missing.txt", 404, "/broken.txt", 500).entrySet()) {
            URI url = url(error.getKey());
            assertThatThrownBy(() -> cache.fetch(url, null))
                    .isInstanceOf(CorpusException.class)
                    .hasMessageContaining("downloading " + url + " failed: the server answered HTTP " + error.getValue())
                    .hasMessageContaining("pass its path as corpus.source");
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void truncatedDownloadLeavesNoFile() {
        DatasetCache cache = new DatasetCache(cacheDir, (url, bytes, total) -> { });
        URI url = url("/truncated.txt");
        assertThatThrownBy(() -> cache.fetch(url, null))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("cannot download " + url)
                .hasMessageContaining("nothing was cached");
        assertThat(Files.exists(cache.location(url))).isFalse();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void unreachableServerSaysHowToUseALocalFile() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/nietzsche.txt");
        DatasetCache cache = new DatasetCache(cacheDir, (u, bytes, total) -> { });
        assertThatThrownBy(() -> cache.fetch(url, null))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("cannot download " + url + " (no connection")
                .hasMessageContaining("pass its local path as corpus.source (e.g. \"source\": \"/path/to/nietzsche.txt\")");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void urlSourceIsDownloadedThenLoaded() {
        String url = url("/corpus.txt").toString();
        Corpus corpus = Corpus.load(TestConfig.seed().source(url).cacheDir(cacheDir.toString()).build());
        assertThat(corpus.length()).isEqualTo(body.length); // ASCII
        assertThat(corpus.text(0, 40)).isEqualTo(new String(body, 0, 40, StandardCharsets.US_ASCII));
        assertThat(requests).hasValue(1);
        Corpus.load(TestConfig.seed().source(url).cacheDir(cacheDir.toString()).build());
        assertThat(requests).hasValue(1);
    }

    @Test
    void nietzscheDownloadMatchesTheKnownChecksum() throws IOException {
        DatasetCache cache = new DatasetCache(cacheDir, (u, bytes, total) -> { });
        Path target = cacheDir.resolve("nietzsche.txt");
        assertThat(cache.fetch(url("/nietzsche.txt"), target, BundledCorpus.NIETZSCHE_SHA256)).isEqualTo(target);
        assertThat(DatasetCache.sha256(target)).isEqualTo(BundledCorpus.NIETZSCHE_SHA256);
        assertThat(Files.size(target)).isEqualTo(BundledCorpus.NIETZSCHE_BYTES);
    }

    @Test
    void knownNameResolvesFromTheClassPathWithoutTouchingTheCache() throws IOException {
        Corpus corpus = Corpus.load(TestConfig.seed().source("nietzsche.txt").cacheDir(cacheDir.toString()).build());
        assertThat(corpus.name()).isEqualTo("classpath:" + BundledCorpus.NIETZSCHE_RESOURCE);
        assertThat(corpus.length()).isEqualTo(600_893L);
        assertThat(corpus.trainWindows().size()).isEqualTo(200_278);
        try (Stream<Path> cached = Files.list(cacheDir)) {
            assertThat(cached).isEmpty();
        }
    }

    @Test
    void bundledCorpusIsCheckedAgainstItsChecksum() {
        String wrong = "ab".repeat(32);
        assertThatThrownBy(() -> Corpus.load(TestConfig.seed().source("nietzsche.txt").sha256(wrong)
                .cacheDir(cacheDir.toString()).build()))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("the bundled classpath:" + BundledCorpus.NIETZSCHE_RESOURCE + " (")
                .hasMessageContaining("has sha256 " + BundledCorpus.NIETZSCHE_SHA256 + " but " + wrong + " was expected");
    }

    @Test
    void knownNameComesFromTheCacheWhenTheDatasetsArtifactIsAbsent() throws IOException {
        Files.write(cacheDir.resolve("nietzsche.txt"), BundledCorpus.nietzsche());
        DatasetCache cache = new DatasetCache(cacheDir, (u, bytes, total) -> { });
        CorpusSource source = CorpusSource.resolve(TestConfig.seed().source("nietzsche.txt").build(), cache, WITHOUT_DATASETS);
        assertThat(source.name()).isEqualTo(cacheDir.resolve("nietzsche.txt").toAbsolutePath().normalize().toString());
        Corpus corpus = Corpus.load(source, TestConfig.seed().build(), null);
        assertThat(corpus.length()).isEqualTo(600_893L);
        assertThat(CorpusSource.knownNames()).containsExactly("nietzsche.txt");
    }

    @Test
    void cacheFolderComesFromConfigThenEnvironmentThenHome() {
        Map<String, String> env = Map.of(DatasetCache.CACHE_ENV, "/env/cache");
        assertThat(DatasetCache.directory("/configured", env::get, "/home/u")).isEqualTo(Path.of("/configured"));
        assertThat(DatasetCache.directory(null, env::get, "/home/u")).isEqualTo(Path.of("/env/cache"));
        assertThat(DatasetCache.directory(" ", name -> null, "/home/u"))
                .isEqualTo(Path.of("/home/u", ".textgen", "datasets"));
    }

    @Test
    void cacheNamesAreUniquePerUrl() {
        DatasetCache cache = new DatasetCache(cacheDir, (u, bytes, total) -> { });
        Path a = cache.location(URI.create("https://a.example/x/data.txt"));
        Path b = cache.location(URI.create("https://b.example/x/data.txt"));
        assertThat(a).isNotEqualTo(b);
        assertThat(a.getFileName().toString()).matches("[0-9a-f]{16}-data\\.txt");
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private Path bytesFile(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile("expected", ".bin"), bytes);
    }

    private List<Path> leftovers() {
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Seeded ASCII words, so the checks can be exact. */
    private static byte[] generatedText(int length) {
        SplittableRandom random = new SplittableRandom(17);
        byte[] text = new byte[length];
        for (int i = 0; i < length; i++) {
            text[i] = (byte) (random.nextInt(8) == 0 ? ' ' : 'a' + random.nextInt(26));
        }
        return text;
    }
}
