package dev.textgen.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.textgen.api.TextGenerator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * End to end over HTTP on loopback: C streaming clients, each reading the raw event lines and timestamping every
 * event, against a server in this JVM. Prints one JSON line: aggregate characters per second, time to the first
 * character (from sending the request) and time between chunks, as p50/p99 in milliseconds.
 *
 * <p>usage: {@code HttpBenchmark MODEL.safetensors|CONFIG.json [CLIENTS] [CHARS_PER_CLIENT] [ENGINES]}, by default 64
 * clients of 2,000 characters with 60-character prompts (the model's maxlen) on 1 engine (see docs/server.md).
 */
public final class HttpBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Client(long characters, long firstNanos, List<Long> gapsNanos) {
    }

    private HttpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TextGenerator generator = BenchModels.fromArguments(args,
                "HttpBenchmark MODEL.safetensors|CONFIG.json [CLIENTS] [CHARS_PER_CLIENT] [ENGINES]");
        int clients = BenchModels.intArgument(args, 1, 64);
        int chars = BenchModels.intArgument(args, 2, 2_000);
        int engines = BenchModels.intArgument(args, 3, 1);
        String prompt = BenchModels.prompt(generator);
        ServerSettings settings = ServerSettings.defaults().withPort(0).withMaxBatch(clients).withEngines(engines)
                .withMaxQueue(clients)
                .withMaxTokens(Math.max(chars, 16));
        try (TextgenServer server = TextgenServer.startWith(settings, Map.of("bench", generator))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = server.baseUri().resolve("v1/completions");
            ExecutorService threads = Executors.newFixedThreadPool(clients);
            try {
                round(threads, http, uri, prompt, clients, Math.max(chars / 10, 16));
                long start = System.nanoTime();
                List<Client> results = round(threads, http, uri, prompt, clients, chars);
                double seconds = (System.nanoTime() - start) / 1e9;
                long total = results.stream().mapToLong(Client::characters).sum();
                long[] firsts = results.stream().mapToLong(Client::firstNanos).sorted().toArray();
                long[] gaps = results.stream().flatMap(c -> c.gapsNanos().stream()).mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("{\"benchmark\": \"http\", \"model\": \"%s\", \"engines\": %d, \"clients\": %d,"
                                + " \"chars_per_client\": %d,"
                                + " \"prompt_chars\": %d, \"chars_per_s\": %d, \"ttfc_ms\": {\"p50\": %.1f, \"p99\": %.1f},"
                                + " \"between_chunks_ms\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.1f}, \"chunks\": %d}%n",
                        args[0].replace("\\", "/"), engines, clients, chars, prompt.length(), Math.round(total / seconds),
                        millis(firsts, 0.5), millis(firsts, 0.99), millis(gaps, 0.5), millis(gaps, 0.99),
                        gaps.length == 0 ? 0 : gaps[gaps.length - 1] / 1e6, gaps.length + results.size());
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static List<Client> round(ExecutorService threads, HttpClient http, URI uri, String prompt, int clients,
                                      int chars) throws Exception {
        List<Future<Client>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String body = "{\"model\": \"bench\", \"prompt\": " + JSON.writeValueAsString(prompt) + ", \"max_tokens\": "
                    + chars + ", \"temperature\": 0.5, \"seed\": " + c + ", \"stream\": true}";
            futures.add(threads.submit(() -> stream(http, uri, body)));
        }
        List<Client> results = new ArrayList<>();
        for (Future<Client> future : futures) {
            results.add(future.get());
        }
        return results;
    }

    /** One client: sends, then timestamps every event that carries text. */
    private static Client stream(HttpClient http, URI uri, String body) throws IOException, InterruptedException {
        long sent = System.nanoTime();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + ": " + new String(response.body().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        long characters = 0;
        long first = -1;
        long last = 0;
        List<Long> gaps = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.startsWith("data: {")) {
                    continue;
                }
                long now = System.nanoTime();
                JsonNode text = JSON.readTree(line.substring(6)).at("/choices/0/text");
                if (text.isMissingNode() || text.asText().isEmpty()) {
                    continue;
                }
                characters += text.asText().length();
                if (first < 0) {
                    first = now - sent;
                } else {
                    gaps.add(now - last);
                }
                last = now;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Client(characters, first, gaps);
    }

    private static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
