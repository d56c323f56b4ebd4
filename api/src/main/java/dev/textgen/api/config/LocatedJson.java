package dev.textgen.api.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.ConfigException;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A user's JSON document read into a tree together with the line:column of every value and field
 * name by JSON path ({@code training.optimizer.learningRate}, {@code training.preview.temperatures[1]}).
 * Jackson forgets locations once a tree is bound, so they are taken here, while the tokens go by.
 */
final class LocatedJson {
    private static final JsonFactory STRICT_JSON = JsonFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final String source;
    final ObjectNode root;
    private final Map<String, JsonLocation> values;
    private final Map<String, JsonLocation> names;

    private LocatedJson(String source, ObjectNode root, Map<String, JsonLocation> values, Map<String, JsonLocation> names) {
        this.source = source;
        this.root = root;
        this.values = values;
        this.names = names;
    }

    /** Reads {@code json}, which must be exactly one JSON object without duplicate keys. */
    static LocatedJson read(String json, String source) {
        Reader reader = new Reader(source);
        try (JsonParser parser = STRICT_JSON.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ConfigException("", source + ": the document is empty; allowed: a JSON object such as"
                        + " {\"training\": {\"epochs\": 10}} (use {} for all defaults)");
            }
            if (first != JsonToken.START_OBJECT) {
                JsonLocation at = parser.currentTokenLocation();
                throw new ConfigException("", at(source, at) + ": the document is " + describe(first)
                        + "; allowed: a JSON object with the sections corpus, model, training, generation");
            }
            ObjectNode root = (ObjectNode) reader.value(parser, "");
            trailing(parser, source);
            return new LocatedJson(source, root, reader.values, reader.names);
        } catch (JsonProcessingException e) {
            String where = reader.path.isEmpty() ? "" : " in " + reader.path;
            throw new ConfigException(reader.path, at(source, e.getLocation()) + ": invalid JSON" + where + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("", source + ": cannot read the JSON: " + e.getMessage(), e);
        }
    }

    private static void trailing(JsonParser parser, String source) throws IOException {
        JsonToken extra;
        try {
            extra = parser.nextToken();
        } catch (JsonProcessingException e) {
            throw new ConfigException("", at(source, e.getLocation()) + ": unexpected content after the end of the"
                    + " JSON object (" + e.getOriginalMessage() + "); allowed: only whitespace", e);
        }
        if (extra != null) {
            throw new ConfigException("", at(source, parser.currentTokenLocation()) + ": unexpected " + describe(extra)
                    + " after the end of the JSON object; allowed: only whitespace");
        }
    }

    /** {@code source:line:column} of the value at {@code path}, or null when the document does not hold it. */
    String valueLocation(String path) {
        JsonLocation at = values.get(path);
        return at == null ? null : at(source, at);
    }

    /** {@code source:line:column} of the field name ending {@code path}, falling back to the value's location. */
    String nameLocation(String path) {
        JsonLocation at = names.get(path);
        return at == null ? valueLocation(path) : at(source, at);
    }

    static String at(String source, JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return source;
        }
        return source + ":" + location.getLineNr() + ":" + location.getColumnNr();
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "\"" + token.asString() + "\"";
        };
    }

    /** Builds the tree token by token, remembering where each value and name stands. */
    private static final class Reader {
        final String source;
        final Map<String, JsonLocation> values = new HashMap<>();
        final Map<String, JsonLocation> names = new HashMap<>();
        /** The path being read, so a syntax error can say where it is. */
        String path = "";

        Reader(String source) {
            this.source = source;
        }

        JsonNode value(JsonParser p, String at) throws IOException {
            path = at;
            values.put(at, p.currentTokenLocation());
            JsonToken token = p.currentToken();
            return switch (token) {
                case START_OBJECT -> object(p, at);
                case START_ARRAY -> array(p, at);
                case VALUE_STRING -> NODES.textNode(p.getText());
                case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
                case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
                case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(token == JsonToken.VALUE_TRUE);
                case VALUE_NULL -> NODES.nullNode();
                default -> throw new IllegalStateException("a value cannot start with " + token);
            };
        }

        private ObjectNode object(JsonParser p, String at) throws IOException {
            ObjectNode node = NODES.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String child = child(at, name);
                JsonLocation nameAt = p.currentTokenLocation();
                if (node.has(name)) {
                    JsonLocation first = names.get(child);
                    throw new ConfigException(child, at(source, nameAt) + ": " + child + ": duplicate field \"" + name
                            + "\" (first at line " + first.getLineNr() + ", column " + first.getColumnNr()
                            + "); allowed: each field once");
                }
                names.put(child, nameAt);
                p.nextToken();
                node.set(name, value(p, child));
                path = at;
            }
            return node;
        }

        private ArrayNode array(JsonParser p, String at) throws IOException {
            ArrayNode node = NODES.arrayNode();
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                node.add(value(p, at + "[" + index++ + "]"));
                path = at;
            }
            return node;
        }
    }
}
