package dev.textgen.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.ConfigException;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.TextgenException;
import dev.textgen.api.UnknownCharacterException;
import dev.textgen.api.config.GenerationConfig;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static dev.textgen.server.HttpJson.JSON;

/**
 * The HTTP routes: the OpenAI endpoints under {@code /v1}, {@code /health}, {@code /metrics} and the playground at
 * {@code /}. Nothing here blocks: bodies are read asynchronously, generation runs on the engines, and responses are
 * written by {@link Exchange}.
 */
final class OpenAiHandler extends Handler.Abstract.NonBlocking {
    private static final String ROUTES = "GET /, GET /health, GET /metrics, GET /v1/models, POST /v1/completions,"
            + " POST /v1/chat/completions";

    private final ServerSettings settings;
    private final Supplier<Map<String, ServedModel>> models;
    private final BooleanSupplier draining;
    private final Metrics metrics;
    private final byte[] playground;
    private volatile RequestParser parser;
    /** Generation requests whose response is not complete yet. */
    private final AtomicInteger open = new AtomicInteger();

    OpenAiHandler(ServerSettings settings, Supplier<Map<String, ServedModel>> models, BooleanSupplier draining,
                  Metrics metrics) {
        this.settings = settings;
        this.models = models;
        this.draining = draining;
        this.metrics = metrics;
        try (InputStream in = OpenAiHandler.class.getResourceAsStream("playground.html")) {
            this.playground = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the playground page is missing from the server's jar", e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long arrived = System.nanoTime();
        String path = Request.getPathInContext(request);
        try {
            switch (path) {
                case "/", "/index.html" -> {
                    requireMethod(request, "GET");
                    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
                    response.write(true, java.nio.ByteBuffer.wrap(playground), callback);
                }
                case "/health" -> {
                    requireMethod(request, "GET");
                    String state = models.get() == null ? "loading" : draining.getAsBoolean() ? "draining" : "ok";
                    HttpJson.sendJson(response, callback, state.equals("ok") ? 200 : 503,
                            JSON.createObjectNode().put("status", state));
                }
                case "/metrics" -> {
                    requireMethod(request, "GET");
                    HttpJson.send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
                            metrics.write(() -> sum(true), () -> sum(false)));
                }
                case "/v1/models" -> {
                    requireMethod(request, "GET");
                    authorize(request);
                    HttpJson.sendJson(response, callback, 200, modelList(ready()));
                }
                case "/v1/completions", "/v1/chat/completions" -> {
                    requireMethod(request, "POST");
                    authorize(request);
                    Map<String, ServedModel> served = ready();
                    if (draining.getAsBoolean()) {
                        throw new ApiException(503, "server_error", null, "shutting_down",
                                "the server is shutting down and takes no new requests; retry on another replica");
                    }
                    readBody(request, response, callback, served, path.equals("/v1/chat/completions"), arrived);
                }
                default -> throw new ApiException(404, "invalid_request_error", null, "not_found", "no endpoint at "
                        + path + "; the endpoints: " + ROUTES);
            }
        } catch (ApiException e) {
            reject(response, callback, e);
        }
        return true;
    }

    private void readBody(Request request, Response response, Callback callback, Map<String, ServedModel> served,
                          boolean chat, long arrived) {
        long length = request.getLength();
        if (length > settings.maxBodyBytes()) {
            throw tooLarge(length);
        }
        Content.Source.asByteArrayAsync(request, settings.maxBodyBytes()).whenComplete((body, failure) -> {
            try {
                if (failure != null) {
                    long read = Request.getContentBytesRead(request);
                    throw read > settings.maxBodyBytes() || failure instanceof IllegalArgumentException ? tooLarge(read)
                            : new ApiException(400, "invalid_request_error", null, "unreadable_body",
                            "the request body could not be read: " + failure.getMessage());
                }
                generate(request, response, callback, served, parser(served).parse(body, chat), arrived);
            } catch (ApiException e) {
                reject(response, callback, e);
            }
        });
    }

    private void generate(Request request, Response response, Callback callback, Map<String, ServedModel> served,
                          GenerationRequest params, long arrived) {
        ServedModel model = served.get(params.model());
        if (model == null) {
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found", "the model \""
                    + params.model() + "\" is not served here; the models: " + String.join(", ", served.keySet()));
        }
        BatchEngine engine = model.leastBusy();
        int rows = engine.rowsPerJob(params.context());
        if (rows > engine.maxRows()) {
            throw ApiException.invalid("context", "context \"" + params.context().jsonName() + "\" takes " + rows + " rows of the"
                    + " batch per choice but a batch holds " + engine.maxRows() + " (--max-batch); use \"stateful\", or"
                    + " start the server with --max-batch " + rows + " or more");
        }
        Exchange exchange = new Exchange(response, callback, params, model.generator().model().vocabulary(), metrics,
                request.getComponents().getScheduler(), settings.maxBufferedChars(), arrived);
        long deadline = arrived + settings.timeout().toNanos();
        GenerationConfig base = model.generator().config();
        List<Job> jobs = new ArrayList<>();
        for (int p = 0; p < params.prompts().size(); p++) {
            for (int i = 0; i < params.n(); i++) {
                int k = p * params.n() + i;
                TextGenerator generator;
                try {
                    generator = model.generator().withConfig(params.generation(base, k));
                    jobs.add(engine.newJob(generator, prompt(params, p, generator), params.maxTokens(),
                            k, exchange, deadline));
                } catch (UnknownCharacterException e) {
                    throw ApiException.invalid(params.chat() ? "messages" : "prompt", e.getMessage());
                } catch (ConfigException e) {
                    throw ApiException.invalid(null, e.getMessage());
                } catch (TextgenException e) {
                    throw ApiException.invalid(params.chat() ? "messages" : "prompt", e.getMessage());
                }
            }
        }
        exchange.jobs(jobs);
        if (params.stream()) {
            exchange.prepareStream();
        }
        try {
            engine.submit(jobs);
        } catch (BatchEngine.RejectedException e) {
            jobs.forEach(job -> job.member().close());
            throw e.draining() ? new ApiException(503, "server_error", null, "shutting_down", e.getMessage())
                    : new ApiException(429, "rate_limit_error", null, "queue_full", e.getMessage());
        }
        request.addFailureListener(exchange::clientGone);
        // The request's own deadline bounds it; Jetty's idle timeout would otherwise fail a whole response that is
        // still being generated, as nothing is read or written meanwhile (a stalled write still fails on its own).
        request.addIdleTimeoutListener(timeout -> false);
        open.incrementAndGet();
        Request.addCompletionListener(request, failure -> open.decrementAndGet());
        if (params.stream()) {
            exchange.startStream();
        } else {
            HangUpWatch watch = HangUpWatch.of(request, exchange::clientGone);
            if (watch != null) {
                exchange.watchForHangUp(watch);
            }
        }
    }

    /** Prompt {@code p}; a chat's message separators become spaces for a model that has no newline. */
    private static String prompt(GenerationRequest params, int p, TextGenerator generator) {
        String prompt = params.prompts().get(p);
        return params.chat() && !generator.model().vocabulary().contains('\n') ? prompt.replace('\n', ' ') : prompt;
    }

    /** Generation requests whose response is still being written. */
    int openRequests() {
        return open.get();
    }

    private RequestParser parser(Map<String, ServedModel> served) {
        RequestParser current = parser;
        if (current == null) {
            current = new RequestParser(settings, served.keySet().iterator().next());
            parser = current;
        }
        return current;
    }

    private Map<String, ServedModel> ready() {
        Map<String, ServedModel> served = models.get();
        if (served == null) {
            throw new ApiException(503, "server_error", null, "loading", "the models are still loading; retry in a moment"
                    + " (GET /health answers 200 when the server is ready)");
        }
        return served;
    }

    private void authorize(Request request) {
        if (settings.apiKey() == null) {
            return;
        }
        String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        byte[] expected = ("Bearer " + settings.apiKey()).getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "invalid_request_error", null, "invalid_api_key", given == null
                    ? "no API key: send the header \"Authorization: Bearer KEY\" with the key the server was started with"
                    + " (--api-key)" : "the API key is wrong: send \"Authorization: Bearer KEY\" with the key the server"
                    + " was started with (--api-key)");
        }
    }

    private static void requireMethod(Request request, String method) {
        if (!request.getMethod().equals(method)) {
            throw new ApiException(405, "invalid_request_error", null, "method_not_allowed", Request.getPathInContext(request)
                    + " answers " + method + ", not " + request.getMethod());
        }
    }

    private ApiException tooLarge(long bytes) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large", "the request body has "
                + (bytes >= 0 ? bytes + " bytes or more" : "more bytes") + " than the limit of " + settings.maxBodyBytes()
                + " bytes; send a shorter prompt (the model reads at most its last maxlen characters)");
    }

    private void reject(Response response, Callback callback, ApiException e) {
        if (e.status() == 429 || e.code().equals("shutting_down")) {
            metrics.rejected();
        }
        if (e.status() == 405) {
            response.getHeaders().put(HttpHeader.ALLOW, e.getMessage().contains("answers POST") ? "POST" : "GET");
        }
        HttpJson.sendError(response, callback, e);
    }

    private ObjectNode modelList(Map<String, ServedModel> served) {
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (ServedModel model : served.values()) {
            ObjectNode entry = data.addObject();
            entry.put("id", model.name()).put("object", "model").put("created", model.created()).put("owned_by", "textgen");
            entry.put("backend", model.generator().model().backend());
            entry.put("context", GenerationConfig.Context.STATEFUL.jsonName());
            entry.putArray("contexts").add(GenerationConfig.Context.STATEFUL.jsonName()).add(GenerationConfig.Context.WINDOW.jsonName());
            entry.put("maxlen", model.generator().model().maxlen());
            entry.put("vocabulary_size", model.generator().model().vocabulary().size());
            entry.put("max_tokens", settings.maxTokens());
            entry.put("max_batch_rows", model.engines().get(0).maxRows());
            entry.put("engines", model.engines().size());
        }
        return list;
    }

    private int sum(boolean running) {
        Map<String, ServedModel> served = models.get();
        if (served == null) {
            return 0;
        }
        return served.values().stream().flatMap(m -> m.engines().stream())
                .mapToInt(engine -> running ? engine.running() : engine.waiting()).sum();
    }
}
