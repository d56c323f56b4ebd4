package dev.textgen.server;

import dev.textgen.api.TextGenerator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An OpenAI-compatible generation server on Jetty: {@code /v1/completions}, {@code /v1/chat/completions},
 * {@code /v1/models}, {@code /health}, {@code /metrics} and a playground page at {@code /}. Each model runs its
 * requests' choices as one batch per step (see docs/server.md). The server keeps no state between requests, so
 * replicas behind a proxy need no coordination.
 *
 * <pre>{@code
 * try (TextgenServer server = TextgenServer.start(ServerSettings.defaults().withPort(8080),
 *         Map.of("nietzsche", Path.of("runs/nietzsche/model.safetensors")))) {
 *     server.awaitStop();
 * }
 * }</pre>
 */
public final class TextgenServer implements AutoCloseable {
    private static final long LAST_WRITES_MILLIS = 2_000;

    private final ServerSettings settings;
    private final Server jetty;
    private final ServerConnector connector;
    private final Metrics metrics = new Metrics();
    private final OpenAiHandler handler;
    private volatile Map<String, ServedModel> models;
    private volatile boolean draining;

    private TextgenServer(ServerSettings settings) {
        this.settings = settings;
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("textgen-http");
        threads.setDaemon(true);
        this.jetty = new Server(threads);
        this.connector = new ServerConnector(jetty);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        jetty.addConnector(connector);
        this.handler = new OpenAiHandler(settings, () -> models, () -> draining, metrics);
        jetty.setHandler(handler);
        jetty.setStopTimeout(0);
    }

    /**
     * Starts serving the model files by name: the port is open at once ({@code /health} answers 503 while the
     * models load) and this returns when every model is loaded and ready.
     *
     * @param settings   the address, limits and key
     * @param modelFiles the model files by the name requests give as {@code model}
     * @return the running server; close it to stop
     * @throws dev.textgen.api.ModelFileException          when a file is missing or invalid
     * @throws dev.textgen.api.BackendUnavailableException when a model's backend is not installed
     * @throws UncheckedIOException                        when the address cannot be bound
     */
    public static TextgenServer start(ServerSettings settings, Map<String, Path> modelFiles) {
        Map<String, Supplier<TextGenerator>> loaders = new LinkedHashMap<>();
        modelFiles.forEach((name, file) -> loaders.put(name, () -> TextGenerator.load(file)));
        return start(settings, loaders, name -> modifiedSeconds(modelFiles.get(name)));
    }

    /**
     * Starts serving models already in memory, by name.
     *
     * @param settings the address, limits and key
     * @param models   the generators by the name requests give as {@code model}; their generation configs are the
     *                 defaults of the settings a request does not give
     * @return the running server; close it to stop
     */
    public static TextgenServer startWith(ServerSettings settings, Map<String, TextGenerator> models) {
        Map<String, Supplier<TextGenerator>> loaders = new LinkedHashMap<>();
        models.forEach((name, generator) -> loaders.put(name, () -> generator));
        long now = System.currentTimeMillis() / 1000;
        return start(settings, loaders, name -> now);
    }

    private static TextgenServer start(ServerSettings settings, Map<String, Supplier<TextGenerator>> loaders,
                                       java.util.function.ToLongFunction<String> created) {
        if (loaders.isEmpty()) {
            throw new IllegalArgumentException("give at least one model to serve");
        }
        TextgenServer server = new TextgenServer(settings);
        try {
            server.jetty.start();
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("cannot serve on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage(), e));
        }
        try {
            Map<String, ServedModel> served = new LinkedHashMap<>();
            loaders.forEach((name, loader) -> {
                TextGenerator generator = loader.get();
                List<BatchEngine> engines = new ArrayList<>();
                for (int e = 0; e < settings.engines(); e++) {
                    engines.add(new BatchEngine(name + "-" + e, generator.model(), settings.maxBatch(), settings.maxQueue(),
                            server.metrics));
                }
                served.put(name, new ServedModel(name, generator, List.copyOf(engines), created.applyAsLong(name)));
            });
            server.models = Collections.unmodifiableMap(served);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * The port it listens on (the one picked when the settings asked for 0).
     *
     * @return the port
     */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * {@code http://HOST:PORT/}; the OpenAI clients take {@code baseUri().resolve("v1")}.
     *
     * @return the server's root address
     */
    public URI baseUri() {
        return URI.create("http://" + (settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host())
                + ":" + port() + "/");
    }

    /** Jetty's connector, for tests that shorten its idle timeout. */
    ServerConnector connector() {
        return connector;
    }

    /**
     * The settings it runs with.
     *
     * @return the settings
     */
    public ServerSettings settings() {
        return settings;
    }

    /**
     * Shuts down gracefully: {@code /health} turns 503 and new requests get 503 at once, running and queued requests
     * have up to {@link ServerSettings#drainTimeout()} to finish, the rest are cancelled (answered with 503), then the
     * server stops.
     */
    public void drain() {
        draining = true;
        Map<String, ServedModel> served = models == null ? Map.of() : models;
        served.values().forEach(m -> m.engines().forEach(BatchEngine::stopAccepting));
        long end = System.nanoTime() + settings.drainTimeout().toNanos();
        while (System.nanoTime() < end && !served.values().stream().flatMap(m -> m.engines().stream())
                .allMatch(BatchEngine::idle)) {
            sleep(10);
        }
        close();
    }

    /**
     * Blocks until the server has stopped.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitStop() throws InterruptedException {
        jetty.join();
    }

    /**
     * Stops at once: running requests are cancelled, and their responses (a 503, or a stream's last event) have up
     * to {@value #LAST_WRITES_MILLIS} ms to leave before the connections close.
     */
    @Override
    public void close() {
        draining = true;
        Map<String, ServedModel> served = models == null ? Map.of() : models;
        served.values().forEach(m -> m.engines().forEach(BatchEngine::close));
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LAST_WRITES_MILLIS);
        while (handler.openRequests() > 0 && System.nanoTime() < end) {
            sleep(5);
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop: " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long modifiedSeconds(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() / 1000;
        } catch (IOException e) {
            return System.currentTimeMillis() / 1000;
        }
    }
}
