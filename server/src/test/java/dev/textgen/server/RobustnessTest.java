package dev.textgen.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Nothing runs away: hang-ups, deadlines, a full queue and slow readers all end their work, and the server serves on. */
class RobustnessTest {
    private static final String ENDLESS = "\"prompt\": \"the \", \"max_tokens\": 5000000";

    private TextgenServer server;
    private Http http;

    private void start(ServerSettings settings) {
        server = TextgenServer.startWith(settings.withPort(0).withMaxTokens(5_000_000), Map.of("tiny", TinyModel.generator()));
        http = new Http(server.baseUri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aStreamingClientThatHangsUpLeavesTheBatch() throws Exception {
        start(ServerSettings.defaults());
        try (RawClient client = new RawClient(server.baseUri(), "/v1/completions", "{" + ENDLESS + ", \"stream\": true}", 65_536)) {
            client.readUntil("\"text\"");
            assertThat(metric("textgen_requests_running")).isEqualTo(1);
        }
        long left = awaitMetric("textgen_requests_total{outcome=\"cancelled\"}", 1);
        System.out.printf("the hang-up left the batch after %d ms%n", left);
        awaitIdle();
        assertThat(http.postJson("/v1/completions", "{\"max_tokens\": 5}").at("/choices/0/text").asText()).hasSize(5);
    }

    /** A whole response writes nothing until it is complete, so only the watch of its idle connection sees these. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aClientThatHangsUpOnAWholeResponseLeavesTheBatchWithin200Ms(boolean reset) throws Exception {
        start(ServerSettings.defaults());
        try (RawClient client = new RawClient(server.baseUri(), "/v1/completions", "{" + ENDLESS + "}", 65_536)) {
            awaitMetric("textgen_requests_running", 1);
            if (reset) {
                client.close();
            } else {
                client.shutdownOutput(); // end of stream, the socket still open
            }
            long left = awaitMetric("textgen_requests_total{outcome=\"cancelled\"}", 1);
            System.out.printf("the %s of a whole response left the batch after %d ms%n", reset ? "reset" : "end of stream",
                    left);
            assertThat(left).as("milliseconds from the hang-up to the cancelled count").isLessThanOrEqualTo(200);
        }
        awaitIdle();
        assertThat(http.postJson("/v1/completions", "{\"max_tokens\": 5}").at("/choices/0/text").asText()).hasSize(5);
    }

    @Test
    void aRequestPipelinedBehindAWholeResponseIsAnsweredAfterIt() throws Exception {
        start(ServerSettings.defaults().withTimeout(Duration.ofSeconds(1)));
        try (RawClient client = new RawClient(server.baseUri(), "/v1/completions", "{" + ENDLESS + "}", 65_536)) {
            awaitMetric("textgen_requests_running", 1);
            client.post(server.baseUri(), "/v1/completions", "{\"max_tokens\": 5}");
            String responses = client.readUntil("\"total_tokens\":");
            assertThat(responses).startsWith("HTTP/1.1 504 ").contains("\"code\":\"timeout\"");
            assertThat(responses.substring(responses.indexOf("HTTP/1.1 200 "))).contains("\"completion_tokens\":5");
        }
        assertThat(metric("textgen_requests_total{outcome=\"cancelled\"}")).isZero();
    }

    @Test
    void theDeadlineStopsTheWorkWholeOrStreamed() throws InterruptedException {
        start(ServerSettings.defaults().withTimeout(Duration.ofMillis(300)));
        HttpResponse<String> whole = http.post("/v1/completions", "{" + ENDLESS + "}");
        assertThat(whole.statusCode()).isEqualTo(504);
        assertThat(Http.parse(whole.body()).at("/error/code").asText()).isEqualTo("timeout");
        var lines = http.streamLines("/v1/completions", "{" + ENDLESS + ", \"stream\": true}");
        assertThat(lines.get(lines.size() - 2)).startsWith("data: {\"error\":").contains("\"code\":\"timeout\"");
        assertThat(metric("textgen_requests_total{outcome=\"timeout\"}")).isEqualTo(2);
        awaitIdle();
    }

    @Test
    void aWholeResponseLongerThanTheIdleTimeoutRunsToItsDeadline() {
        start(ServerSettings.defaults().withTimeout(Duration.ofMillis(1_500)));
        server.connector().setIdleTimeout(300); // nothing is read or written while a whole response is generated
        HttpResponse<String> whole = http.post("/v1/completions", "{" + ENDLESS + "}");
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(504);
        assertThat(Http.parse(whole.body()).at("/error/code").asText()).isEqualTo("timeout");
        assertThat(metric("textgen_requests_total{outcome=\"cancelled\"}")).isZero();
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        start(ServerSettings.defaults().withEngines(1).withMaxBatch(1).withMaxQueue(1));
        CompletableFuture<HttpResponse<String>> running = http.postAsync("/v1/completions", "{" + ENDLESS + "}");
        awaitMetric("textgen_requests_running", 1);
        CompletableFuture<HttpResponse<String>> queued = http.postAsync("/v1/completions", "{" + ENDLESS + "}");
        awaitMetric("textgen_requests_waiting", 1);
        HttpResponse<String> refused = http.post("/v1/completions", "{\"max_tokens\": 5}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(Http.parse(refused.body()).at("/error/message").asText())
                .isEqualTo("the queue is full: 1 of 1 places are taken and this request needs 1; retry later");
        assertThat(metric("textgen_requests_total{outcome=\"rejected\"}")).isEqualTo(1);
        running.cancel(true);
        queued.cancel(true);
    }

    @Test
    void aSlowReaderIsCancelledWithoutStallingTheOthers() throws Exception {
        start(ServerSettings.defaults().withMaxBufferedChars(2_000));
        try (RawClient slow = new RawClient(server.baseUri(), "/v1/completions", "{" + ENDLESS + ", \"stream\": true}", 1_024)) {
            awaitMetric("textgen_requests_total{outcome=\"cancelled\"}", 1);
            assertThat(http.postJson("/v1/completions", "{\"max_tokens\": 2000}").at("/choices/0/text").asText()).hasSize(2000);
        }
        awaitIdle();
    }

    /** Polls until no choice runs: the gauge is updated when the engine's step ends, after the last write began. */
    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (metric("textgen_requests_running") > 0) {
            assertThat(System.nanoTime()).as("no choice runs").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private long metric(String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(http.get("/metrics").body());
        assertThat(matcher.find()).as("metric %s", name).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    /** Polls until the metric reaches {@code value}; returns the milliseconds it took. */
    private long awaitMetric(String name, long value) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(20);
        while (metric(name) < value) {
            assertThat(System.nanoTime()).as("%s reaches %d", name, value).isLessThan(deadline);
            Thread.sleep(5);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
