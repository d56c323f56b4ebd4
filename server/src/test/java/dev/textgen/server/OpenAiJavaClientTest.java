package dev.textgen.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official OpenAI Java client, unchanged, against the server: only the base URL and the key are ours. */
class OpenAiJavaClientTest {
    private static TextgenServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = TextgenServer.startWith(ServerSettings.defaults().withPort(0).withApiKey("sekret"),
                Map.of("tiny", TinyModel.generator()));
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().resolve("v1").toString()).apiKey("sekret")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static CompletionCreateParams params() {
        return CompletionCreateParams.builder().model("tiny").prompt("the cat ").maxTokens(80).seed(21).temperature(0.9)
                .build();
    }

    @Test
    void createAndCreateStreamingGiveTheSameText() {
        Completion completion = client.completions().create(params());
        CompletionChoice choice = completion.choices().get(0);
        assertThat(choice.text()).hasSize(80);
        assertThat(choice.finishReason()).isEqualTo(CompletionChoice.FinishReason.LENGTH);
        assertThat(completion.model()).isEqualTo("tiny");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(88);

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(params())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> streamed.append(c.text())));
        }
        assertThat(streamed.toString()).isEqualTo(choice.text());
    }

    @Test
    void chatCreateAndCreateStreamingWork() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("tiny").addUserMessage("the dog")
                .maxCompletionTokens(30).seed(5).build();
        ChatCompletion chat = client.chat().completions().create(params);
        String content = chat.choices().get(0).message().content().orElseThrow();
        assertThat(content).hasSize(30);

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo(content);
    }

    @Test
    void aBadFieldIsTheClientsBadRequestWithOurMessage() {
        CompletionCreateParams bad = CompletionCreateParams.builder().model("tiny").prompt("the").temperature(7.0).build();
        assertThatThrownBy(() -> client.completions().create(bad)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("temperature must be a number from 0 to 2, got the number 7.0");
    }
}
