package dev.textgen.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAI wire format, read with the JDK's HttpClient: whole responses and the raw lines of event streams. */
class CompletionsContractTest {
    private static TextgenServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TextgenServer.startWith(ServerSettings.defaults().withPort(0), Map.of("tiny", TinyModel.generator()));
        http = new Http(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCompletionHasOpenAisShapeAndItsUsageAddsUp() {
        JsonNode body = http.postJson("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"the cat \", \"max_tokens\": 40,"
                + " \"seed\": 3, \"temperature\": 0.8}");
        assertThat(body.get("id").asText()).startsWith("cmpl-");
        assertThat(body.get("object").asText()).isEqualTo("text_completion");
        assertThat(body.get("model").asText()).isEqualTo("tiny");
        assertThat(body.get("created").asLong()).isPositive();
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("text").asText()).hasSize(40);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(choice.get("logprobs").isNull()).isTrue();
        JsonNode usage = body.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(8);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(40);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(48);
    }

    @Test
    void theStreamedTextEqualsTheWholeTextForTheSameSeed() {
        String request = "\"model\": \"tiny\", \"prompt\": \"a dog \", \"max_tokens\": 120, \"seed\": 11, \"temperature\": 1";
        String whole = http.postJson("/v1/completions", "{" + request + "}").get("choices").get(0).get("text").asText();
        List<String> lines = http.streamLines("/v1/completions", "{" + request + ", \"stream\": true}");
        assertThat(lines).noneMatch(line -> line.startsWith("event:"));
        assertThat(lines).filteredOn(line -> !line.isEmpty()).allMatch(line -> line.startsWith("data: "));
        assertThat(lines.get(lines.size() - 2)).isEqualTo("data: [DONE]");
        List<JsonNode> events = Http.events(lines);
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            assertThat(event.get("object").asText()).isEqualTo("text_completion");
            JsonNode choice = event.get("choices").get(0);
            streamed.append(choice.get("text").asText());
            assertThat(choice.get("finish_reason").isNull()).as("event %d of %d", i, events.size())
                    .isEqualTo(i < events.size() - 1);
        }
        assertThat(events.get(events.size() - 1).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        assertThat(streamed.toString()).isEqualTo(whole).hasSize(120);
    }

    @Test
    void aStopSequenceEndsTheTextAndIsLeftOutWholeAndStreamed() {
        String request = "\"prompt\": \"the cat sat on the \", \"max_tokens\": 200, \"seed\": 5, \"temperature\": 0.3";
        String free = http.postJson("/v1/completions", "{" + request + "}").get("choices").get(0).get("text").asText();
        int at = free.indexOf("the");
        assertThat(at).as("the model writes \"the\" somewhere in %s", free).isPositive();
        String expected = free.substring(0, at);

        JsonNode stopped = http.postJson("/v1/completions", "{" + request + ", \"stop\": [\"the\", \"zzz\"]}");
        assertThat(stopped.get("choices").get(0).get("text").asText()).isEqualTo(expected);
        assertThat(stopped.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(stopped.get("usage").get("completion_tokens").asInt()).isEqualTo(expected.length());

        StringBuilder streamed = new StringBuilder();
        List<JsonNode> events = Http.events(http.streamLines("/v1/completions", "{" + request
                + ", \"stop\": \"the\", \"stream\": true}"));
        events.forEach(e -> streamed.append(e.get("choices").get(0).get("text").asText()));
        assertThat(streamed.toString()).isEqualTo(expected);
        assertThat(events.get(events.size() - 1).get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void nTwoGivesTwoIndexedChoicesAndPromptArraysGiveNEach() {
        JsonNode body = http.postJson("/v1/completions", "{\"prompt\": [\"the cat\", \"the dog\"], \"n\": 2,"
                + " \"max_tokens\": 30, \"seed\": 1}");
        JsonNode choices = body.get("choices");
        assertThat(choices).hasSize(4);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertThat(choices.get(i).get("index").asInt()).isEqualTo(i);
            texts.add(choices.get(i).get("text").asText());
        }
        assertThat(texts).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).hasSize(30));
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(14);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(120);
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(134);

        List<JsonNode> events = Http.events(http.streamLines("/v1/completions", "{\"prompt\": \"the cat\", \"n\": 2,"
                + " \"max_tokens\": 30, \"seed\": 1, \"stream\": true, \"stream_options\": {\"include_usage\": true}}"));
        StringBuilder[] streamed = {new StringBuilder(), new StringBuilder()};
        for (JsonNode event : events.subList(0, events.size() - 1)) {
            JsonNode choice = event.get("choices").get(0);
            streamed[choice.get("index").asInt()].append(choice.get("text").asText());
            assertThat(event.get("usage").isNull()).isTrue();
        }
        assertThat(streamed[0].toString()).isEqualTo(texts.get(0));
        assertThat(streamed[1].toString()).isEqualTo(texts.get(1));
        JsonNode usage = events.get(events.size() - 1);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(60);
        assertThat(usage.get("usage").get("total_tokens").asInt()).isEqualTo(67);
    }

    @Test
    void logprobsGiveTheDrawnAndTheMostLikelyCharactersPerPosition() {
        JsonNode choice = http.postJson("/v1/completions", "{\"prompt\": \"the \", \"max_tokens\": 12, \"seed\": 2,"
                + " \"logprobs\": 3}").get("choices").get(0);
        JsonNode logprobs = choice.get("logprobs");
        String text = choice.get("text").asText();
        assertThat(logprobs.get("tokens")).hasSize(12);
        for (int i = 0; i < 12; i++) {
            assertThat(logprobs.get("tokens").get(i).asText()).isEqualTo(text.substring(i, i + 1));
            assertThat(logprobs.get("text_offset").get(i).asInt()).isEqualTo(i);
            double drawn = logprobs.get("token_logprobs").get(i).asDouble();
            assertThat(drawn).isNegative();
            JsonNode top = logprobs.get("top_logprobs").get(i);
            assertThat(top).hasSize(3);
            List<Double> values = new ArrayList<>();
            top.forEach(v -> values.add(v.asDouble()));
            assertThat(values).isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(drawn).isLessThanOrEqualTo(values.get(0));
        }
    }

    @Test
    void chatCompletionsUseTheTemplateAndOpenAisChatObjects() {
        String messages = "\"messages\": [{\"role\": \"system\", \"content\": \"the cat sat.\"},"
                + " {\"role\": \"user\", \"content\": \"the dog\"}], \"max_tokens\": 50, \"seed\": 4";
        JsonNode body = http.postJson("/v1/chat/completions", "{" + messages + "}");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        String content = choice.get("message").get("content").asText();
        assertThat(content).hasSize(50);
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo("the cat sat. the dog ".length());

        String completion = http.postJson("/v1/completions", "{\"prompt\": \"the cat sat. the dog \", \"max_tokens\": 50,"
                + " \"seed\": 4}").get("choices").get(0).get("text").asText();
        assertThat(content).as("the template: the contents, each followed by a newline, here a space (the model has no newline)").isEqualTo(completion);

        List<JsonNode> events = Http.events(http.streamLines("/v1/chat/completions", "{" + messages + ", \"stream\": true}"));
        assertThat(events.get(0).get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder streamed = new StringBuilder();
        for (JsonNode event : events) {
            assertThat(event.get("object").asText()).isEqualTo("chat.completion.chunk");
            JsonNode delta = event.get("choices").get(0).get("delta");
            if (delta.has("content")) {
                streamed.append(delta.get("content").asText());
            }
        }
        assertThat(streamed.toString()).isEqualTo(content);
        JsonNode last = events.get(events.size() - 1).get("choices").get(0);
        assertThat(last.get("finish_reason").asText()).isEqualTo("length");
        assertThat(last.get("delta")).isEmpty();
    }

    @Test
    void modelsHealthAndMetricsDescribeTheServer() {
        JsonNode models = Http.parse(http.get("/v1/models").body());
        assertThat(models.get("object").asText()).isEqualTo("list");
        JsonNode tiny = models.get("data").get(0);
        assertThat(tiny.get("id").asText()).isEqualTo("tiny");
        assertThat(tiny.get("object").asText()).isEqualTo("model");
        assertThat(tiny.get("context").asText()).isEqualTo("stateful");
        assertThat(tiny.get("maxlen").asInt()).isEqualTo(10);
        assertThat(tiny.get("backend").asText()).isEqualTo("scratch");

        HttpResponse<String> health = http.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");

        http.postJson("/v1/completions", "{\"prompt\": \"the \", \"max_tokens\": 7}");
        HttpResponse<String> metrics = http.get("/metrics");
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains("# TYPE textgen_requests_running gauge", "textgen_requests_waiting 0",
                "# TYPE textgen_requests_total counter", "textgen_requests_total{outcome=\"length\"}",
                "textgen_requests_total{outcome=\"rejected\"}", "textgen_generated_characters_total",
                "# TYPE textgen_time_to_first_chunk_seconds histogram", "textgen_time_between_chunks_seconds_bucket",
                "textgen_request_duration_seconds_count", "textgen_queue_time_seconds_sum",
                "textgen_batch_rows_bucket{le=\"+Inf\"}");
    }

    @Test
    void thePlaygroundIsServedFromTheJar() {
        HttpResponse<String> page = http.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<title>textgen playground</title>", "/v1/completions")
                .doesNotContain("http://", "https://");
    }
}
