package dev.textgen.cli;

import dev.textgen.server.ServerSettings;
import dev.textgen.server.TextgenServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code textgen serve}: the OpenAI-compatible server of the server module, until SIGTERM or Ctrl-C drains it. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Serve models over an OpenAI-compatible HTTP API, with a playground page.",
        description = "Answers /v1/completions, /v1/chat/completions and /v1/models (base URL http://HOST:PORT/v1 for"
                + " the OpenAI clients), /health, /metrics and a playground at /. SIGTERM or Ctrl-C drains: no new"
                + " requests, running ones get --drain-timeout to finish, then exit 0. See docs/server.md.",
        footerHeading = "%n", footer = ExitCodes.HELP)
final class ServeCommand implements Callable<Integer> {
    private static final ServerSettings DEFAULTS = ServerSettings.defaults();
    /** The flag of each setting, to name it in an error. */
    private static final Map<String, String> FLAGS = Map.ofEntries(Map.entry("host", "--host"), Map.entry("port", "--port"),
            Map.entry("maxBatch", "--max-batch"), Map.entry("engines", "--engines"), Map.entry("maxQueue", "--max-queue"),
            Map.entry("maxTokens", "--max-tokens"), Map.entry("maxChoices", "--max-choices"),
            Map.entry("timeout", "--timeout"), Map.entry("maxBodyBytes", "--max-body-bytes"),
            Map.entry("maxBufferedChars", "--max-buffered-chars"), Map.entry("drainTimeout", "--drain-timeout"),
            Map.entry("apiKey", "--api-key"));

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--model", paramLabel = "[NAME=]FILE", required = true, description = "A model file to serve, named"
            + " NAME in requests (default: the file name without .safetensors). Repeatable.")
    List<String> models;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "The address to bind (default: ${DEFAULT-VALUE},"
            + " this machine only).")
    String host = DEFAULTS.host();

    @Option(names = "--port", paramLabel = "N", description = "The port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = DEFAULTS.port();

    @Option(names = "--max-batch", paramLabel = "N", description = "Rows per batched step: a stateful"
            + " request's choice takes 1, a window-context one maxlen (default: ${DEFAULT-VALUE}).")
    int maxBatch = DEFAULTS.maxBatch();

    @Option(names = "--engines", paramLabel = "N", description = "Batches per model, each stepped by its own thread"
            + " (each of --max-batch rows and --max-queue places) (default: one per available processor, here"
            + " ${DEFAULT-VALUE}).")
    int engines = DEFAULTS.engines();

    @Option(names = "--max-queue", paramLabel = "N", description = "Choices that may wait for a place in a batch; more"
            + " get 429 (default: ${DEFAULT-VALUE}).")
    int maxQueue = DEFAULTS.maxQueue();

    @Option(names = "--max-tokens", paramLabel = "N", description = "The largest max_tokens a request may ask for"
            + " (default: ${DEFAULT-VALUE}).")
    int maxTokens = DEFAULTS.maxTokens();

    @Option(names = "--max-choices", paramLabel = "N", description = "The most choices one request may ask for (n times"
            + " its prompts) (default: ${DEFAULT-VALUE}).")
    int maxChoices = DEFAULTS.maxChoices();

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "The largest request body; more get 413"
            + " (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes = DEFAULTS.maxBodyBytes();

    @Option(names = "--max-buffered-chars", paramLabel = "N", description = "Characters a streamed response may hold"
            + " unsent for a slow reader before its request is cancelled (default: ${DEFAULT-VALUE}).")
    int maxBufferedChars = DEFAULTS.maxBufferedChars();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Every request's deadline (default: ${DEFAULT-VALUE}).")
    long timeout = DEFAULTS.timeout().toSeconds();

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", description = "How long running requests may finish after"
            + " SIGTERM before they are cancelled (default: ${DEFAULT-VALUE}).")
    long drainTimeout = DEFAULTS.drainTimeout().toSeconds();

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require \"Authorization: Bearer KEY\" on /v1.")
    String apiKey;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ServerSettings settings;
        try {
            settings = DEFAULTS.withHost(host).withPort(port).withMaxBatch(maxBatch).withEngines(engines)
                    .withMaxQueue(maxQueue).withMaxTokens(maxTokens).withMaxChoices(maxChoices)
                    .withTimeout(Duration.ofSeconds(timeout)).withMaxBodyBytes(maxBodyBytes)
                    .withMaxBufferedChars(maxBufferedChars).withDrainTimeout(Duration.ofSeconds(drainTimeout))
                    .withApiKey(apiKey);
        } catch (IllegalArgumentException e) {
            String setting = e.getMessage().substring(0, e.getMessage().indexOf(' '));
            throw new UsageException(FLAGS.getOrDefault(setting, setting) + e.getMessage().substring(setting.length()));
        }
        Map<String, Path> files = modelFiles();
        TextgenServer server = TextgenServer.start(settings, files);
        String base = server.baseUri().toString();
        out.println("textgen: serving " + String.join(", ", files.keySet()) + " at " + base
                + " (playground); OpenAI base URL " + base + "v1");
        out.flush();
        try (Environment.Registration stop = Main.environment(spec).interrupts().onStop(() -> {
            out.println("textgen: draining");
            out.flush();
            server.drain();
            out.println("textgen: stopped");
            out.flush();
        })) {
            server.awaitStop();
        }
        return ExitCodes.OK;
    }

    private Map<String, Path> modelFiles() {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String model : models) {
            int equals = model.indexOf('=');
            Path file = Path.of(equals < 0 ? model : model.substring(equals + 1));
            String name = equals < 0 ? file.getFileName().toString().replaceFirst("\\.safetensors$", "")
                    : model.substring(0, equals);
            if (name.isEmpty()) {
                throw new UsageException("--model " + model + ": the name before '=' is empty; give NAME=FILE or FILE");
            }
            if (files.put(name, file) != null) {
                throw new UsageException("--model " + model + ": two models are named \"" + name + "\"; name them with"
                        + " NAME=FILE");
            }
        }
        return files;
    }
}
