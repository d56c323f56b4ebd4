package dev.textgen.server;

import dev.textgen.api.TextGenerator;
import dev.textgen.api.UnknownChars;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.testing.TinyCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seed gives the same text character for character alone, among 63 other streams that join and leave the batch at
 * other steps, and from the library's {@link TextGenerator}, in both contexts.
 */
class BatchedGenerationTest {
    private static final int LENGTH = 150;
    private static TextgenServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TextgenServer.startWith(ServerSettings.defaults().withPort(0).withMaxBatch(64),
                Map.of("tiny", TinyModel.generator()));
        http = new Http(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aSeedGivesTheSameTextAloneAmong63OthersAndFromTextGenerator() {
        assertSameTexts(GenerationConfig.Context.STATEFUL, 64, new int[] {0, 17, 63});
    }

    @Test
    void windowContextStreamsTakeMaxlenRowsEachAndGiveTextGeneratorsText() {
        assertSameTexts(GenerationConfig.Context.WINDOW, 12, new int[] {0, 11});
    }

    @Test
    void twoEnginesPerModelGiveTheSameTexts() {
        try (TextgenServer two = TextgenServer.startWith(ServerSettings.defaults().withPort(0).withMaxBatch(32)
                .withEngines(2), Map.of("tiny", TinyModel.generator()))) {
            assertSameTexts(new Http(two.baseUri()), GenerationConfig.Context.STATEFUL, 64, new int[] {5});
        }
    }

    private static void assertSameTexts(GenerationConfig.Context context, int streams, int[] alone) {
        assertSameTexts(http, context, streams, alone);
    }

    private static void assertSameTexts(Http http, GenerationConfig.Context context, int streams, int[] alone) {
        List<CompletableFuture<HttpResponse<String>>> together = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            together.add(http.postAsync("/v1/completions", request(s, context)));
        }
        List<String> texts = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : together) {
            HttpResponse<String> done = response.join();
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            texts.add(Http.parse(done.body()).get("choices").get(0).get("text").asText());
        }
        for (int s = 0; s < streams; s++) {
            GenerationConfig config = new GenerationConfig(SamplerConfig.of("temperature", "temperature", 0.8), LENGTH,
                    context, UnknownChars.ERROR, " ", (long) s, List.of());
            String expected = TinyModel.generator().withConfig(config).generate(prompt(s), LENGTH);
            assertThat(texts.get(s)).as("seed %d among %d streams", s, streams).isEqualTo(expected).hasSize(LENGTH);
        }
        for (int s : alone) {
            String text = http.postJson("/v1/completions", request(s, context)).get("choices").get(0).get("text").asText();
            assertThat(text).as("seed %d alone", s).isEqualTo(texts.get(s));
        }
        assertThat(texts).as("the seeds give different texts").doesNotHaveDuplicates();
    }

    /** Prompts of 1 to 14 characters, so that the streams draw their first characters at different steps. */
    private static String prompt(int s) {
        int from = (7 * s) % 40;
        return TinyCorpus.TEXT.substring(from, from + 1 + s % 14);
    }

    private static String request(int s, GenerationConfig.Context context) {
        return "{\"model\": \"tiny\", \"prompt\": " + Http.JSON.valueToTree(prompt(s)) + ", \"max_tokens\": " + LENGTH
                + ", \"seed\": " + s + ", \"temperature\": 0.8, \"context\": \"" + context.jsonName() + "\"}";
    }
}
