package dev.textgen.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every bad request gets its status and OpenAI's error envelope with a message naming the problem, and the server
 * serves on. The server requires an API key, allows 4 KiB bodies and batches of 8 rows (fewer than the model's
 * maxlen of 10, so window context does not fit).
 */
class BadRequestsTest {
    private static final String KEY = "Bearer sekret";
    private static TextgenServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TextgenServer.startWith(ServerSettings.defaults().withPort(0).withApiKey("sekret").withMaxBodyBytes(4_096)
                .withMaxBatch(8), Map.of("tiny", TinyModel.generator()));
        http = new Http(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> badCompletions() {
        return Stream.of(
                arguments("{\"prompt\": ", 400, null, "the body is not valid JSON: Unexpected end-of-input"),
                arguments("{} x", 400, null, "the body is not valid JSON: Unrecognized token 'x'"),
                arguments("{} {}", 400, null, "the body is not valid JSON: Trailing token"),
                arguments("[1]", 400, null, "the body must be a JSON object such as {\"model\": \"tiny\""),
                arguments("", 400, null, "the body must be a JSON object such as {\"model\": \"tiny\", \"prompt\": \"the \"}, got nothing"),
                arguments("{\"n\": 1, \"n\": 2}", 400, null, "the body is not valid JSON: Duplicate field 'n'"),
                arguments("{\"promt\": \"the \"}", 400, "promt", "unknown field \"promt\" for /v1/completions; did you mean \"prompt\"?"),
                arguments("{\"echo\": true}", 400, "echo", "unknown field \"echo\" for /v1/completions"),
                arguments("{\"prompt\": 5}", 400, "prompt", "prompt must be a string or a non-empty array of strings, got the number 5"),
                arguments("{\"prompt\": []}", 400, "prompt", "prompt must be a string or a non-empty array of strings, got an array []"),
                arguments("{\"prompt\": [101, 102]}", 400, "prompt", "prompt[0] must be a string, got the number 101; token ids are not supported"),
                arguments("{\"prompt\": \"THE\"}", 400, "prompt", "3 character(s) of the text are not in the model's 19-symbol vocabulary"),
                arguments("{\"max_tokens\": \"10\"}", 400, "max_tokens", "max_tokens must be an integer from 0 to 4096, got a string \"10\""),
                arguments("{\"max_tokens\": -1}", 400, "max_tokens", "max_tokens must be an integer from 0 to 4096, got the number -1"),
                arguments("{\"max_tokens\": 100000}", 400, "max_tokens", "max_tokens must be an integer from 0 to 4096, got the number 100000"),
                arguments("{\"max_tokens\": 1.5}", 400, "max_tokens", "max_tokens must be an integer from 0 to 4096, got the number 1.5"),
                arguments("{\"temperature\": 3}", 400, "temperature", "temperature must be a number from 0 to 2, got the number 3"),
                arguments("{\"temperature\": \"hot\"}", 400, "temperature", "temperature must be a number from 0 to 2, got a string \"hot\""),
                arguments("{\"top_p\": 0}", 400, "top_p", "top_p must be greater than 0 and at most 1, got 0"),
                arguments("{\"top_p\": 1.5}", 400, "top_p", "top_p must be a number from 0 to 1, got the number 1.5"),
                arguments("{\"top_k\": -1}", 400, "top_k", "top_k must be an integer from 0 to 1048576, got the number -1"),
                arguments("{\"top_k\": 5, \"top_p\": 0.9}", 400, "top_p", "top_k and top_p choose different samplers; set one"),
                arguments("{\"min_p\": 2}", 400, "min_p", "min_p must be a number from 0 to 1, got the number 2"),
                arguments("{\"repetition_penalty\": 0.5}", 400, "repetition_penalty", "repetition_penalty must be a number from 1 to"),
                arguments("{\"n\": 0}", 400, "n", "n must be an integer from 1 to 16, got the number 0"),
                arguments("{\"prompt\": [\"a\", \"b\"], \"n\": 9}", 400, "n", "n (9) times the 2 prompts asks for 18 choices; at most 16"),
                arguments("{\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", 400, "stop", "stop must be a string or an array of at most 4 strings"),
                arguments("{\"stop\": \"\"}", 400, "stop", "every stop sequence must be a non-empty string, got a string \"\""),
                arguments("{\"stream\": \"yes\"}", 400, "stream", "stream must be true or false, got a string \"yes\""),
                arguments("{\"stream_options\": {\"include_usage\": true}}", 400, "stream_options", "stream_options is only allowed with \"stream\": true"),
                arguments("{\"stream\": true, \"stream_options\": {\"usage\": true}}", 400, "stream_options.usage", "unknown field \"stream_options.usage\""),
                arguments("{\"seed\": 1.5}", 400, "seed", "seed must be an integer from"),
                arguments("{\"logprobs\": 50}", 400, "logprobs", "logprobs must be an integer from 0 to 20, got the number 50"),
                arguments("{\"context\": \"sliding\"}", 400, "context", "context must be \"stateful\" (carry the LSTM state) or \"window\""),
                arguments("{\"context\": \"window\"}", 400, "context", "context \"window\" takes 10 rows of the batch per choice but a batch holds 8 (--max-batch)"),
                arguments("{\"model\": \"gpt-4\"}", 404, "model", "the model \"gpt-4\" is not served here; the models: tiny"),
                arguments("{\"model\": 4}", 400, "model", "model must be a string, got the number 4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCompletions")
    void aBadCompletionRequestIsRefusedWithItsReason(String body, int status, String param, String message) {
        assertError(http.send(post("/v1/completions", body).build()), status, param, message);
    }

    static Stream<Arguments> badChats() {
        return Stream.of(
                arguments("{}", 400, "messages", "messages must be a non-empty array of {\"role\": \"user\", \"content\": \"...\"}, got nothing"),
                arguments("{\"messages\": [{\"role\": \"robot\", \"content\": \"the\"}]}", 400, "messages[0].role",
                        "messages[0].role must be \"system\", \"user\" or \"assistant\", got \"robot\""),
                arguments("{\"messages\": [{\"role\": \"user\", \"content\": 7}]}", 400, "messages[0].content",
                        "messages[0].content must be a string, got the number 7"),
                arguments("{\"messages\": [{\"role\": \"user\", \"content\": \"the\"}], \"top_logprobs\": 2}", 400, "top_logprobs",
                        "top_logprobs needs \"logprobs\": true"),
                arguments("{\"messages\": [{\"role\": \"user\", \"content\": \"the\"}], \"prompt\": \"the\"}", 400, "prompt",
                        "unknown field \"prompt\" for /v1/chat/completions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badChats")
    void aBadChatRequestIsRefusedWithItsReason(String body, int status, String param, String message) {
        assertError(http.send(post("/v1/chat/completions", body).build()), status, param, message);
    }

    @Test
    void keysMethodsPathsAndSizesAreChecked() {
        assertError(http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 401, null, "no API key: send the header");
        assertError(http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/models")).header("Authorization", "Bearer guess")
                .GET().build()), 401, null, "the API key is wrong");
        assertError(http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/completions")).header("Authorization", KEY)
                .GET().build()), 405, null, "/v1/completions answers POST, not GET");
        assertError(http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v2/completions")).GET().build()), 404, null,
                "no endpoint at /v2/completions; the endpoints: GET /, GET /health");
        String big = "{\"prompt\": \"" + "the ".repeat(2_000) + "\"}";
        assertError(http.send(post("/v1/completions", big).build()), 413, null, "than the limit of 4096 bytes");
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/completions"))
                .header("Authorization", KEY).POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build());
        assertError(chunked, 413, null, "than the limit of 4096 bytes");

        JsonNode fine = Http.parse(http.send(post("/v1/completions", "{\"max_tokens\": 9}").build()).body());
        assertThat(fine.at("/choices/0/text").asText()).as("the server serves on").hasSize(9);
    }

    private static HttpRequest.Builder post(String path, String body) {
        return http.request(path, body).header("Authorization", KEY);
    }

    private static void assertError(HttpResponse<String> response, int status, String param, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode error = Http.parse(response.body()).get("error");
        assertThat(error.get("message").asText()).contains(message);
        assertThat(error.get("param").isNull() ? null : error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("type").asText()).isIn("invalid_request_error");
        assertThat(error.get("code").isNull()).isFalse();
    }
}
