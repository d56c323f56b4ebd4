package dev.textgen.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.textgen.api.TextGenerator;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * End to end over HTTP on loopback: C streaming clients, each on its own kept-alive connection reading the raw event
 * lines and timestamping every event, against a server in this JVM. After a warm-up round of the same size, three rounds; prints one JSON line:
 * the median round's aggregate characters per second (and the range), and over all rounds the time to the first
 * character (from sending the request) and the time between chunks, as p50/p99 in milliseconds.
 *
 * <p>usage: {@code HttpBenchmark MODEL.safetensors|CONFIG.json [CLIENTS] [CHARS_PER_CLIENT] [ENGINES]}, by default 64
 * clients of 2,000 characters with 60-character prompts (the model's maxlen) on the server's default engines, one per
 * available processor (see docs/server.md).
 */
public final class HttpBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 3;
    private static final String ENGINES = "engines";
    private static final String SERVER = "server";
    private static final String CLIENTS = "bench-client";
    private static final String TEXT_FIELD = "\"choices\":[{\"text\":\"";

    private record Client(long characters, long firstNanos, List<Long> gapsNanos) {
    }

    private HttpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TextGenerator generator = BenchModels.fromArguments(args,
                "HttpBenchmark MODEL.safetensors|CONFIG.json [CLIENTS] [CHARS_PER_CLIENT] [ENGINES]");
        int clients = BenchModels.intArgument(args, 1, 64);
        int chars = BenchModels.intArgument(args, 2, 2_000);
        int engines = BenchModels.intArgument(args, 3, ServerSettings.defaults().engines());
        String prompt = BenchModels.prompt(generator);
        ServerSettings settings = ServerSettings.defaults().withPort(0).withMaxBatch(clients).withEngines(engines)
                .withMaxQueue(clients)
                .withMaxTokens(Math.max(chars, 16));
        try (TextgenServer server = TextgenServer.startWith(settings, Map.of("bench", generator))) {
            URI uri = server.baseUri().resolve("v1/completions");
            ExecutorService threads = Executors.newFixedThreadPool(clients, task -> new Thread(task, CLIENTS));
            List<Connection> connections = new ArrayList<>();
            try {
                for (int c = 0; c < clients; c++) {
                    connections.add(new Connection(uri));
                }
                round(threads, connections, uri, prompt, chars); // the JIT compiles the kernels and the HTTP path
                Map<String, Double> cpu = cpuSeconds(Map.of());
                double[] rates = new double[ROUNDS];
                List<Client> results = new ArrayList<>();
                for (int r = 0; r < ROUNDS; r++) {
                    long start = System.nanoTime();
                    List<Client> round = round(threads, connections, uri, prompt, chars);
                    rates[r] = round.stream().mapToLong(Client::characters).sum() / ((System.nanoTime() - start) / 1e9);
                    results.addAll(round);
                }
                Arrays.sort(rates);
                Map<String, Double> cpuUsed = cpuSeconds(cpu);
                long[] firsts = results.stream().mapToLong(Client::firstNanos).sorted().toArray();
                long[] gaps = results.stream().flatMap(c -> c.gapsNanos().stream()).mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("{\"benchmark\": \"http\", \"model\": \"%s\", \"engines\": %d, \"clients\": %d,"
                                + " \"chars_per_client\": %d, \"prompt_chars\": %d, \"rounds\": %d, \"chars_per_s\": %d,"
                                + " \"chars_per_s_range\": [%d, %d], \"ttfc_ms\": {\"p50\": %.1f, \"p99\": %.1f},"
                                + " \"between_chunks_ms\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.1f},"
                                + " \"chunks_per_round\": %d, \"cpu_s_per_round\": {\"engines\": %.2f, \"server\": %.2f,"
                                + " \"clients\": %.2f}}%n",
                        args[0].replace("\\", "/"), engines, clients, chars, prompt.length(), ROUNDS,
                        Math.round(rates[ROUNDS / 2]), Math.round(rates[0]), Math.round(rates[ROUNDS - 1]),
                        millis(firsts, 0.5), millis(firsts, 0.99), millis(gaps, 0.5), millis(gaps, 0.99),
                        gaps.length == 0 ? 0 : gaps[gaps.length - 1] / 1e6, (gaps.length + results.size()) / ROUNDS,
                        cpuUsed.get(ENGINES) / ROUNDS, cpuUsed.get(SERVER) / ROUNDS, cpuUsed.get(CLIENTS) / ROUNDS);
            } finally {
                threads.shutdownNow();
                for (Connection connection : connections) {
                    connection.close();
                }
            }
        }
    }

    private static List<Client> round(ExecutorService threads, List<Connection> connections, URI uri, String prompt,
                                      int chars) throws Exception {
        List<Future<Client>> futures = new ArrayList<>();
        for (int c = 0; c < connections.size(); c++) {
            Connection connection = connections.get(c);
            String body = "{\"model\": \"bench\", \"prompt\": " + JSON.writeValueAsString(prompt) + ", \"max_tokens\": "
                    + chars + ", \"temperature\": 0.5, \"seed\": " + c + ", \"stream\": true}";
            futures.add(threads.submit(() -> stream(connection, uri, body)));
        }
        List<Client> results = new ArrayList<>();
        for (Future<Client> future : futures) {
            results.add(future.get());
        }
        return results;
    }

    /**
     * One client's request on its kept-alive connection: sends, reads the chunked event stream, and timestamps every
     * event that carries text.
     */
    private static Client stream(Connection connection, URI uri, String body) throws IOException {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        long sent = System.nanoTime();
        connection.out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        connection.out.write(json);
        connection.out.flush();
        String status = connection.line();
        boolean chunked = false;
        for (String header = connection.line(); !header.isEmpty(); header = connection.line()) {
            chunked |= header.equalsIgnoreCase("Transfer-Encoding: chunked");
        }
        if (!status.startsWith("HTTP/1.1 200 ") || !chunked) {
            throw new IOException("expected a chunked 200 response, got " + status);
        }
        long characters = 0;
        long first = -1;
        long last = 0;
        List<Long> gaps = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        for (int size = Integer.parseInt(connection.line(), 16); size > 0; size = Integer.parseInt(connection.line(), 16)) {
            for (int i = 0; i < size; i++) {
                int b = connection.read();
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                long now = System.nanoTime();
                int length = textLength(line.toString(StandardCharsets.UTF_8));
                line.reset();
                if (length == 0) {
                    continue;
                }
                characters += length;
                if (first < 0) {
                    first = now - sent;
                } else {
                    gaps.add(now - last);
                }
                last = now;
            }
            connection.line(); // the CRLF that ends a chunk
        }
        connection.line(); // the empty trailer after the last chunk: the connection is ready for the next request
        return new Client(characters, first, gaps);
    }

    /**
     * A client's connection on a plain socket, kept alive across rounds as the OpenAI clients' pools keep theirs (the
     * JDK's {@code HttpClient} would cost a selector thread and workers besides the reading thread); its bytes go
     * through one buffer, read without locks.
     */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;

        Connection(URI uri) throws IOException {
            socket = new Socket(uri.getHost(), uri.getPort());
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        int read() throws IOException {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit < 0) {
                    throw new EOFException("the server closed the connection mid-response");
                }
            }
            return buffer[position++] & 0xff;
        }

        /** A CRLF-terminated ASCII line, without the CRLF. */
        String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = read(); b != '\n'; b = read()) {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * The characters of the first choice's text in an event line, counted without building a JSON tree: the clients
     * share the server's cores, so reading an event must cost little. An escape sequence is one character.
     */
    private static int textLength(String line) {
        int at = line.indexOf(TEXT_FIELD);
        if (at < 0) {
            return 0;
        }
        int length = 0;
        for (int i = at + TEXT_FIELD.length(); line.charAt(i) != '"'; i++) {
            if (line.charAt(i) == '\\') {
                i += line.charAt(i + 1) == 'u' ? 5 : 1;
            }
            length++;
        }
        return length;
    }

    /**
     * CPU seconds of this JVM's threads since {@code before}, by role: the engine threads, the server's HTTP and
     * scheduler threads, the client threads (the rest, such as the JIT's, is left out).
     */
    private static Map<String, Double> cpuSeconds(Map<String, Double> before) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Double> seconds = new HashMap<>(Map.of(ENGINES, 0.0, SERVER, 0.0, CLIENTS, 0.0));
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread == null) {
                continue;
            }
            String name = thread.getThreadName();
            String role = name.startsWith("textgen-engine") ? ENGINES : name.equals(CLIENTS) ? CLIENTS
                    : name.startsWith("textgen-http") || name.startsWith("Scheduler") ? SERVER : null;
            if (role != null) {
                seconds.merge(role, threads.getThreadCpuTime(thread.getThreadId()) / 1e9, Double::sum);
            }
        }
        before.forEach((role, earlier) -> seconds.merge(role, -earlier, Double::sum));
        return seconds;
    }

    private static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
