package dev.textgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code textgen serve}: the text it serves is {@code textgen generate}'s, its limit flags are checked and applied, and
 * SIGTERM drains it to exit code 0.
 */
class ServeCommandTest {
    private static final Pattern BASE = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/) \\(playground\\)");

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theServerGivesTheTextOfGenerateHonoursItsLimitFlagsAndDrainsOnInterrupt() throws Exception {
        String generated = Cli.run("generate", "--model", TrainedModel.model(), "--seed-text", "The cat", "--length", "60",
                "--seed", "4", "--context", "stateful", "--temperature", "0.5").out();
        String expected = generated.substring(0, generated.length() - 1); // println's newline
        assertThat(expected).hasSize(60);

        Cli.ManualInterrupts interrupts = new Cli.ManualInterrupts();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> serving = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"serve",
                "--model", "tiny=" + TrainedModel.model(), "--port", "0", "--max-choices", "2", "--max-body-bytes", "2048"},
                new PrintWriter(out), new PrintWriter(err),
                new Environment(false, interrupts, System::nanoTime)));
        URI base = awaitBase(out, err, serving);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"tiny\", \"prompt\": \"The cat\", \"max_tokens\": 60,"
                        + " \"seed\": 4, \"temperature\": 0.5}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(response.body()).at("/choices/0/text").asText())
                .isEqualTo(expected);

        HttpResponse<String> tooMany = http.send(HttpRequest.newBuilder(base.resolve("v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": [\"a\", \"b\"], \"n\": 2}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 2 per request");
        HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(base.resolve("v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"" + "a".repeat(2048) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("the limit of 2048 bytes");

        interrupts.action.get().run();
        assertThat(serving.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("textgen: draining", "textgen: stopped");
    }

    @Test
    void badLimitsAndModelNamesAreUsageErrors() {
        assertUsageError("--max-batch must be from 1 to 65536, got 0", "--max-batch", "0");
        assertUsageError("--max-choices must be from 1 to 65536, got 0", "--max-choices", "0");
        assertUsageError("--max-body-bytes must be from 1024 to 2147483647, got 1023", "--max-body-bytes", "1023");
        assertUsageError("--max-buffered-chars must be from 1 to 2147483647, got 0", "--max-buffered-chars", "0");
        assertUsageError("--max-tokens must be from 1 to 10000000, got 10000001", "--max-tokens", "10000001");
        assertUsageError("--timeout must be more than 0 and at most 86400 seconds, got 0", "--timeout", "0");
        assertUsageError("--timeout must be more than 0 and at most 86400 seconds, got 86401", "--timeout", "86401");
        assertUsageError("--drain-timeout must be from 0 to 86400 seconds, got -1", "--drain-timeout", "-1");
        Cli.Result twice = Cli.run("serve", "--model", "a=" + TrainedModel.model(), "--model", "a=" + TrainedModel.model());
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("two models are named \"a\"");
    }

    private static void assertUsageError(String message, String... flag) {
        List<String> args = new ArrayList<>(List.of("serve", "--model", TrainedModel.model()));
        args.addAll(List.of(flag));
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertThat(result.code()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains(message);
    }

    /**
     * A real process and a real SIGTERM: in-flight streams end (finished or told), then the process exits 0. The
     * request asks for the most characters the server allows, which the tiny model cannot generate within the
     * drain timeout, so its stream is the one cancelled.
     */
    @Test
    void sigtermDrainsAndExitsZero() throws Exception {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"), "SKIPPED: no SIGTERM on Windows");
        Path log = dir.resolve("stdout.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--model", TrainedModel.model(), "--port", "0", "--drain-timeout", "1", "--max-tokens", "10000000")
                .redirectOutput(log.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            URI base = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (base == null && System.nanoTime() < deadline) {
                assertThat(process.isAlive()).as("the server ended: %s", Files.readString(dir.resolve("stderr.txt"))).isTrue();
                Matcher matcher = BASE.matcher(Files.readString(log));
                base = matcher.find() ? URI.create(matcher.group(1)) : null;
                Thread.sleep(20);
            }
            assertThat(base).as("the server printed its address").isNotNull();
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(base.resolve("v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"the \", \"max_tokens\": 10000000, \"stream\": true}"))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                lines.add(reader.readLine());
                process.destroy();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(lines.get(lines.size() - 2)).as("the last event tells the client why the stream ended")
                    .contains("\"code\":\"shutting_down\"");
            assertThat(Files.readString(log)).contains("textgen: draining", "textgen: stopped");
        } finally {
            process.destroyForcibly();
        }
    }

    private static URI awaitBase(StringWriter out, StringWriter err, CompletableFuture<Integer> serving)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(serving).as("serve ended: %s", err).isNotDone();
            Matcher matcher = BASE.matcher(out.toString());
            if (matcher.find()) {
                return URI.create(matcher.group(1));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("serve printed no address: " + out + err);
    }
}
