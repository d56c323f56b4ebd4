package dev.textgen.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.textgen.api.config.ConfigChoice;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.Suggestions;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads the JSON body of {@code /v1/completions} and {@code /v1/chat/completions} into a {@link GenerationRequest},
 * rejecting every bad field with an {@link ApiException} that names it, the value and what is allowed.
 *
 * <p>The sampler follows from the fields: {@code top_k > 0} chooses {@code top-k}, {@code top_p < 1} {@code top-p},
 * {@code min_p > 0} {@code min-p} (at most one of the three), otherwise {@code temperature}; each with
 * {@code temperature} and {@code repetition_penalty}. Chat messages become the prompt by {@link #chatPrompt}.
 */
final class RequestParser {
    static final int MAX_LOGPROBS = 20;
    static final int MAX_STOPS = 4;
    static final double MAX_TEMPERATURE = 2;
    /** The {@code max_tokens} of a request that gives none, as OpenAI's completions. */
    static final int DEFAULT_MAX_TOKENS = 16;

    private static final Set<String> COMMON = Set.of("model", "max_tokens", "temperature", "top_p", "n", "stop",
            "stream", "stream_options", "seed", "user", "top_k", "min_p", "repetition_penalty", "context");
    private static final Set<String> COMPLETION = union(COMMON, Set.of("prompt", "logprobs"));
    private static final Set<String> CHAT = union(COMMON, Set.of("messages", "max_completion_tokens", "logprobs",
            "top_logprobs"));
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final ObjectMapper json = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final ServerSettings settings;
    private final String defaultModel;

    RequestParser(ServerSettings settings, String defaultModel) {
        this.settings = settings;
        this.defaultModel = defaultModel;
    }

    GenerationRequest parse(byte[] body, boolean chat) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "invalid_request_error", null, "invalid_json",
                    "the body is not valid JSON: " + e.getOriginalMessage() + locate(e));
        } catch (java.io.IOException e) {
            throw new ApiException(400, "invalid_request_error", null, "invalid_json", "the body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ApiException(400, "invalid_request_error", null, "invalid_json", "the body must be a JSON object"
                    + " such as {\"model\": \"" + defaultModel + "\", \"prompt\": \"the \"}, got "
                    + (root == null || root.isMissingNode() ? "nothing" : describe(root)));
        }
        Set<String> allowed = chat ? CHAT : COMPLETION;
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ApiException(400, "invalid_request_error", name, "unknown_field", "unknown field \"" + name
                        + "\" for " + (chat ? "/v1/chat/completions" : "/v1/completions") + Suggestions.didYouMean(name, allowed)
                        + "; the fields: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        String model = root.has("model") ? string(root, "model") : defaultModel;
        List<String> prompts = chat ? List.of(chatPrompt(root.get("messages"))) : prompts(root.get("prompt"));
        String lengthField = chat && root.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = root.has(lengthField) ? integer(root, lengthField, 0, settings.maxTokens()) : DEFAULT_MAX_TOKENS;
        int n = root.has("n") ? integer(root, "n", 1, settings.maxChoices()) : 1;
        if ((long) n * prompts.size() > settings.maxChoices()) {
            throw ApiException.invalid("n", "n (" + n + ") times the " + prompts.size() + " prompts asks for "
                    + (long) n * prompts.size() + " choices; at most " + settings.maxChoices() + " per request");
        }
        List<String> stop = stops(root.get("stop"));
        boolean stream = root.has("stream") && bool(root, "stream");
        boolean includeUsage = false;
        if (root.has("stream_options") && !root.get("stream_options").isNull()) {
            JsonNode options = root.get("stream_options");
            if (!options.isObject()) {
                throw ApiException.invalid("stream_options", "stream_options must be an object such as {\"include_usage\":"
                        + " true}, got " + describe(options));
            }
            for (Iterator<String> names = options.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("include_usage")) {
                    throw ApiException.invalid("stream_options." + name, "unknown field \"stream_options." + name
                            + "\"; stream_options has one field, include_usage");
                }
            }
            includeUsage = options.has("include_usage") && bool(options, "include_usage");
            if (!stream) {
                throw ApiException.invalid("stream_options", "stream_options is only allowed with \"stream\": true");
            }
        }
        long seed = root.has("seed") && !root.get("seed").isNull() ? longValue(root, "seed")
                : ThreadLocalRandom.current().nextLong();
        if (root.has("user") && !root.get("user").isNull()) {
            string(root, "user");
        }
        Integer logprobs = chat ? chatLogprobs(root) : root.has("logprobs") && !root.get("logprobs").isNull()
                ? integer(root, "logprobs", 0, MAX_LOGPROBS) : null;
        GenerationConfig.Context context = GenerationConfig.Context.STATEFUL;
        if (root.has("context")) {
            String name = string(root, "context");
            context = ConfigChoice.of(GenerationConfig.Context.class, name).orElseThrow(() -> ApiException.invalid(
                    "context", "context must be \"stateful\" (carry the LSTM state) or \"window\" (re-read the last"
                            + " maxlen characters, the reference notebook's way), got \"" + name + "\""));
        }
        return new GenerationRequest(chat, model, prompts, maxTokens, n, sampler(root), stop, stream, includeUsage, seed,
                logprobs, context);
    }

    /**
     * The prompt of a chat: every message's content in order, each followed by a newline (a space for a model whose
     * vocabulary has no newline). Roles are not written: a character model knows only text, so the conversation
     * reads as the text it continues.
     */
    static String chatPrompt(List<String> contents) {
        StringBuilder prompt = new StringBuilder();
        for (String content : contents) {
            prompt.append(content).append('\n');
        }
        return prompt.toString();
    }

    private String chatPrompt(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid("messages", "messages must be a non-empty array of {\"role\": \"user\", \"content\":"
                    + " \"...\"}, got " + (messages == null ? "nothing" : describe(messages)));
        }
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            if (!message.isObject()) {
                throw ApiException.invalid(at, at + " must be an object with \"role\" and \"content\", got " + describe(message));
            }
            for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("role") && !name.equals("content") && !name.equals("name")) {
                    throw ApiException.invalid(at + "." + name, "unknown field \"" + name + "\" in " + at
                            + "; a message has role, content and name");
                }
            }
            String role = message.has("role") ? string(message, "role", at + ".role") : null;
            if (role == null || !ROLES.contains(role)) {
                throw ApiException.invalid(at + ".role", at + ".role must be \"system\", \"user\" or \"assistant\", got "
                        + (role == null ? "nothing" : "\"" + role + "\""));
            }
            if (!message.has("content") || !message.get("content").isTextual()) {
                throw ApiException.invalid(at + ".content", at + ".content must be a string, got "
                        + (message.has("content") ? describe(message.get("content")) : "nothing"));
            }
            contents.add(message.get("content").asText());
        }
        return chatPrompt(contents);
    }

    private Integer chatLogprobs(JsonNode root) {
        boolean wanted = root.has("logprobs") && !root.get("logprobs").isNull() && bool(root, "logprobs");
        if (root.has("top_logprobs") && !root.get("top_logprobs").isNull()) {
            int top = integer(root, "top_logprobs", 0, MAX_LOGPROBS);
            if (!wanted) {
                throw ApiException.invalid("top_logprobs", "top_logprobs needs \"logprobs\": true");
            }
            return top;
        }
        return wanted ? 0 : null;
    }

    private static List<String> prompts(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            return List.of("");
        }
        if (prompt.isTextual()) {
            return List.of(prompt.asText());
        }
        if (prompt.isArray() && !prompt.isEmpty()) {
            List<String> prompts = new ArrayList<>();
            for (int i = 0; i < prompt.size(); i++) {
                if (!prompt.get(i).isTextual()) {
                    throw ApiException.invalid("prompt", "prompt[" + i + "] must be a string, got " + describe(prompt.get(i))
                            + "; token ids are not supported: textgen reads characters");
                }
                prompts.add(prompt.get(i).asText());
            }
            return prompts;
        }
        throw ApiException.invalid("prompt", "prompt must be a string or a non-empty array of strings, got " + describe(prompt));
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        if (stop.isTextual()) {
            items.add(stop);
        } else if (stop.isArray() && stop.size() <= MAX_STOPS) {
            stop.forEach(items::add);
        } else {
            throw ApiException.invalid("stop", "stop must be a string or an array of at most " + MAX_STOPS
                    + " strings, got " + describe(stop));
        }
        List<String> stops = new ArrayList<>();
        for (JsonNode item : items) {
            if (!item.isTextual() || item.asText().isEmpty()) {
                throw ApiException.invalid("stop", "every stop sequence must be a non-empty string, got " + describe(item));
            }
            stops.add(item.asText());
        }
        return stops;
    }

    private static SamplerConfig sampler(JsonNode root) {
        double temperature = root.has("temperature") && !root.get("temperature").isNull()
                ? number(root, "temperature", 0, MAX_TEMPERATURE) : 1;
        double topP = root.has("top_p") && !root.get("top_p").isNull() ? number(root, "top_p", 0, 1) : 1;
        if (topP == 0) {
            throw ApiException.invalid("top_p", "top_p must be greater than 0 and at most 1, got 0");
        }
        int topK = root.has("top_k") && !root.get("top_k").isNull() ? integer(root, "top_k", 0, 1 << 20) : 0;
        double minP = root.has("min_p") && !root.get("min_p").isNull() ? number(root, "min_p", 0, 1) : 0;
        double penalty = root.has("repetition_penalty") && !root.get("repetition_penalty").isNull()
                ? number(root, "repetition_penalty", 1, 1e30) : 1;
        List<String> truncations = new ArrayList<>();
        if (topK > 0) {
            truncations.add("top_k");
        }
        if (topP < 1) {
            truncations.add("top_p");
        }
        if (minP > 0) {
            truncations.add("min_p");
        }
        if (truncations.size() > 1) {
            throw ApiException.invalid(truncations.get(1), String.join(" and ", truncations) + " choose different samplers;"
                    + " set one of top_k (> 0), top_p (< 1) and min_p (> 0), and leave the others at their defaults");
        }
        if (topK > 0) {
            return SamplerConfig.of("top-k", "k", topK, "temperature", temperature, "repetitionPenalty", penalty);
        }
        if (topP < 1) {
            return SamplerConfig.of("top-p", "p", topP, "temperature", temperature, "repetitionPenalty", penalty);
        }
        if (minP > 0) {
            return SamplerConfig.of("min-p", "minP", minP, "temperature", temperature, "repetitionPenalty", penalty);
        }
        return SamplerConfig.of("temperature", "temperature", temperature, "repetitionPenalty", penalty);
    }

    private static String string(JsonNode root, String field) {
        return string(root, field, field);
    }

    private static String string(JsonNode root, String field, String name) {
        JsonNode value = root.get(field);
        if (!value.isTextual()) {
            throw ApiException.invalid(name, name + " must be a string, got " + describe(value));
        }
        return value.asText();
    }

    private static boolean bool(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (!value.isBoolean()) {
            throw ApiException.invalid(field, field + " must be true or false, got " + describe(value));
        }
        return value.asBoolean();
    }

    private static double number(JsonNode root, String field, double min, double max) {
        JsonNode value = root.get(field);
        if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < min || value.asDouble() > max) {
            throw ApiException.invalid(field, field + " must be a number from " + format(min) + " to " + format(max)
                    + ", got " + describe(value));
        }
        return value.asDouble();
    }

    private static int integer(JsonNode root, String field, int min, int max) {
        JsonNode value = root.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw ApiException.invalid(field, field + " must be an integer from " + min + " to " + max + ", got "
                    + describe(value));
        }
        return value.asInt();
    }

    private static long longValue(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.invalid(field, field + " must be an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE
                    + ", got " + describe(value));
        }
        return value.asLong();
    }

    /** A JSON value as the message shows it: the value itself, with its type when that is the problem. */
    private static String describe(JsonNode value) {
        String text = value.toString();
        if (text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        JsonNodeType type = value.getNodeType();
        String kind = switch (type) {
            case STRING -> "a string";
            case NUMBER -> "the number";
            case BOOLEAN -> "the boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
        return type == JsonNodeType.NULL ? "null" : kind + " " + text;
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static String locate(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
