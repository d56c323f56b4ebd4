package dev.textgen.api.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.ConfigException;
import dev.textgen.api.spi.SamplerProvider;
import dev.textgen.api.spi.Samplers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reading of a config: merges the user's document and the overrides over the defaults while
 * remembering where every value came from, binds the result, and turns every fault into a
 * {@link ConfigException} that points at the value's line:column or names its origin.
 *
 * <p>One class because every step (merging, binding, locating an error) works on the same tree of origins; split,
 * each part would take that tree and the error rendering with it.
 */
final class ConfigReader {
    private static final String OPTIMIZER = "training.optimizer";
    private static final String SAMPLER = "generation.sampler";
    private static final Origin DEFAULT = new Origin(null, "default value");
    private static final Pattern PATH_PART = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    /** Where a value of the merged tree came from: a {@code source:line:column}, or a note such as "value from --epochs". */
    private record Origin(String location, String note) {
    }

    private final LocatedJson document;
    /** Null when sampler names are not checked (a stored config). */
    private final Samplers samplers;
    private final JsonNode defaults = ConfigLoader.toTree(TextgenConfig.defaults());
    private final Map<String, Origin> origins = new HashMap<>();

    private ConfigReader(LocatedJson document, Samplers samplers) {
        this.document = document;
        this.samplers = samplers;
    }

    static TextgenConfig read(LocatedJson document, ConfigOverrides overrides, Samplers samplers) {
        ConfigReader reader = new ConfigReader(document, samplers);
        JsonNode tree = reader.merge(reader.defaults, document.root, "",
                path -> new Origin(document.valueLocation(path), null));
        if (!overrides.isEmpty()) {
            tree = reader.merge(tree, overrides.tree(), "", path -> new Origin(null, "value from " + overrides.originOf(path)));
        }
        if (samplers != null) {
            reader.checkSamplerNames(tree.path("generation").path("sampler"));
        }
        TextgenConfig config = reader.bind(tree);
        if (samplers != null) {
            reader.checkSamplerValues(config.generation().sampler());
        }
        return config;
    }

    // ---- merging

    private JsonNode merge(JsonNode base, JsonNode over, String path, Function<String, Origin> layer) {
        boolean polymorphic = path.equals(OPTIMIZER) || path.equals(SAMPLER);
        if (polymorphic && over.isObject()) {
            base = typedBase(base, over, path, layer);
        } else if (polymorphic && !over.isNull()) {
            throw fault(path, layer.apply(path), path + ": " + render(over) + " is invalid; allowed: an object such as "
                    + (path.equals(OPTIMIZER) ? "{\"type\": \"adam\", \"learningRate\": 0.001}" : "{\"type\": \"top-k\", \"k\": 40}"));
        }
        if (base != null && base.isObject() && over.isObject()) {
            origins.put(path, layer.apply(path));
            ObjectNode merged = base.deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                merged.set(field.getKey(), merge(base.get(field.getKey()), field.getValue(),
                        LocatedJson.child(path, field.getKey()), layer));
            }
            return merged;
        }
        forget(path);
        remember(over, path, layer);
        return over.deepCopy();
    }

    /**
     * The object a polymorphic value is merged over: the current one when the type stays, else the
     * defaults of the newly chosen type, so that no field of another type leaks in.
     */
    private JsonNode typedBase(JsonNode base, JsonNode over, String path, Function<String, Origin> layer) {
        String typePath = path + ".type";
        JsonNode type = over.get("type");
        if (type == null && base != null && base.isObject()) {
            return base;
        }
        if (type == null || !type.isTextual()) {
            throw fault(typePath, type == null ? layer.apply(path) : layer.apply(typePath), typePath + ": "
                    + (type == null ? "missing" : render(type) + " is invalid") + "; allowed: " + String.join(", ", typeNames(path)));
        }
        if (base != null && type.asText().equals(base.path("type").asText(null))) {
            return base;
        }
        forget(path);
        return path.equals(OPTIMIZER)
                ? optimizerDefaults(type.asText(), layer.apply(typePath))
                : samplerDefaults(type.asText(), layer.apply(typePath));
    }

    private JsonNode optimizerDefaults(String type, Origin origin) {
        OptimizerConfig defaults = OptimizerConfig.defaults(type);
        if (defaults == null) {
            throw fault(OPTIMIZER + ".type", origin, OPTIMIZER + ".type: \"" + type + "\" is not an optimizer; allowed: "
                    + String.join(", ", OptimizerConfig.TYPES) + Suggestions.didYouMean(type, OptimizerConfig.TYPES));
        }
        return ConfigLoader.MAPPER.valueToTree(defaults);
    }

    private JsonNode samplerDefaults(String type, Origin origin) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("type", type);
        if (samplers != null) {
            samplerProvider(type, origin).defaults().forEach(node::put);
        }
        return node;
    }

    private Collection<String> typeNames(String path) {
        if (path.equals(OPTIMIZER)) {
            return OptimizerConfig.TYPES;
        }
        return samplers == null ? List.of("a sampler name such as temperature") : samplers.names();
    }

    private void remember(JsonNode node, String path, Function<String, Origin> layer) {
        origins.put(path, layer.apply(path));
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> remember(f.getValue(), LocatedJson.child(path, f.getKey()), layer));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                remember(node.get(i), path + "[" + i + "]", layer);
            }
        }
    }

    private void forget(String path) {
        origins.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + ".") || p.startsWith(path + "["));
    }

    // ---- samplers

    private SamplerProvider samplerProvider(String type, Origin origin) {
        Set<String> names = samplers.names();
        String typePath = SAMPLER + ".type";
        if (names.isEmpty()) {
            throw fault(typePath, origin, typePath + ": \"" + type + "\" cannot be checked because no sampler is installed;"
                    + " add the Maven artifact dev.textgen:textgen-sampling (or register a SamplerProvider)");
        }
        if (!names.contains(type)) {
            throw fault(typePath, origin, typePath + ": \"" + type + "\" is not an installed sampler; allowed: "
                    + String.join(", ", names) + Suggestions.didYouMean(type, names));
        }
        return samplers.provider(type);
    }

    private void checkSamplerNames(JsonNode sampler) {
        if (!sampler.isObject()) {
            return; // null or missing: binding reports it
        }
        String typePath = SAMPLER + ".type";
        JsonNode type = sampler.get("type");
        if (type == null || !type.isTextual()) {
            throw fault(typePath, originOf(type == null ? SAMPLER : typePath), typePath + ": "
                    + (type == null ? "missing" : render(type) + " is invalid") + "; allowed: " + String.join(", ", samplers.names()));
        }
        Map<String, Double> parameters = samplerProvider(type.asText(), originOf(typePath)).defaults();
        for (Iterator<Map.Entry<String, JsonNode>> it = sampler.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            String path = SAMPLER + "." + name;
            if (name.equals("type")) {
                continue;
            }
            if (!parameters.containsKey(name)) {
                throw fault(path, nameOriginOf(path), path + ": the \"" + type.asText() + "\" sampler has no parameter \""
                        + name + "\"; allowed: " + (parameters.isEmpty() ? "no parameters" : String.join(", ", parameters.keySet()))
                        + Suggestions.didYouMean(name, parameters.keySet()));
            }
            if (!field.getValue().isNumber()) {
                throw fault(path, originOf(path), path + ": " + render(field.getValue()) + " is invalid; allowed: a number");
            }
        }
    }

    /**
     * The provider alone knows its parameters' ranges, so a sampler is made once to check them. When
     * the provider's message starts with a parameter's name (textgen-sampling's do), the error points
     * at that parameter.
     */
    private void checkSamplerValues(SamplerConfig sampler) {
        try {
            samplers.create(sampler);
        } catch (ConfigException e) {
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null) {
                for (String name : sampler.parameters().keySet()) {
                    if (cause.getMessage().startsWith(name + " ")) {
                        String path = SAMPLER + "." + name;
                        throw fault(path, originOf(path), path + " (" + sampler.type() + " sampler): " + cause.getMessage(), e);
                    }
                }
            }
            String path = e.path().orElse(SAMPLER);
            throw fault(path, originOf(path), e.getMessage(), e);
        }
    }

    // ---- binding

    private TextgenConfig bind(JsonNode tree) {
        try {
            return ConfigLoader.MAPPER.treeToValue(tree, TextgenConfig.class);
        } catch (ConfigException e) {
            throw relocate(e, tree);
        } catch (JsonMappingException e) {
            throw translate(e, tree);
        } catch (JsonProcessingException e) {
            throw fault("", null, e.getOriginalMessage(), e);
        }
    }

    private ConfigException translate(JsonMappingException e, JsonNode tree) {
        Class<?> tooLarge = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException fromRecord) {
                return relocate(fromRecord, tree);
            }
            if (t instanceof InputCoercionException overflow) {
                tooLarge = overflow.getTargetType();
            }
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String at = path.toString();
        JsonNode value = nodeAt(tree, at);
        if (tooLarge != null) {
            return fault(at, originOf(at), at + ": " + render(value) + " is invalid; allowed: an integer between "
                    + range(tooLarge), e);
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String name = unknown.getPropertyName();
            String parent = at.contains(".") ? at.substring(0, at.lastIndexOf('.')) : "";
            List<String> allowed = fieldNames(nodeAt(tree, parent), unknown.getKnownPropertyIds());
            return fault(at, nameOriginOf(at), at + ": unknown field \"" + name + "\"" + (parent.isEmpty() ? "" : " in " + parent)
                    + "; allowed: " + String.join(", ", allowed) + Suggestions.didYouMean(name, allowed), e);
        }
        Class<?> target = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType()
                : e instanceof ValueInstantiationException creation ? creation.getType().getRawClass() : null;
        if (target != null) {
            String hint = target.isEnum() && value.isTextual() ? Suggestions.didYouMean(value.asText(), enumNames(target)) : "";
            return fault(at, originOf(at), at + ": " + render(value) + " is invalid; allowed: " + describe(target) + hint, e);
        }
        return fault(at, originOf(at), at + ": " + e.getOriginalMessage(), e);
    }

    /** A record's own check, placed at its value; a null where a value is needed says what kind of value. */
    private ConfigException relocate(ConfigException e, JsonNode tree) {
        String path = e.path().orElse("");
        JsonNode expected = nodeAt(defaults, path);
        String message = nodeAt(tree, path).isNull() && !expected.isNull() && !expected.isMissingNode()
                ? path + ": null is invalid; allowed: " + kind(expected)
                : e.getMessage();
        return fault(path, originOf(path), message, e);
    }

    /** The known fields in the document's order, then the rest (Jackson's set has no useful order). */
    private static List<String> fieldNames(JsonNode parent, Collection<Object> known) {
        List<String> names = new ArrayList<>();
        parent.fieldNames().forEachRemaining(name -> {
            if (known.contains(name) || name.equals("type")) {
                names.add(name);
            }
        });
        known.stream().map(String::valueOf).filter(name -> !names.contains(name)).sorted().forEach(names::add);
        return names;
    }

    // ---- messages

    private Origin originOf(String path) {
        return origins.getOrDefault(path, DEFAULT);
    }

    /** For a field that should not be there, the location of its name. */
    private Origin nameOriginOf(String path) {
        Origin origin = originOf(path);
        return origin.location() != null ? new Origin(document.nameLocation(path), null) : origin;
    }

    private ConfigException fault(String path, Origin origin, String message) {
        return fault(path, origin, message, null);
    }

    private ConfigException fault(String path, Origin origin, String message, Throwable cause) {
        String text;
        if (origin != null && origin.location() != null) {
            text = origin.location() + ": " + message;
        } else if (origin != null && origin.note() != null) {
            text = document.source + ": " + message + " (" + origin.note() + ")";
        } else {
            text = document.source + ": " + message;
        }
        return new ConfigException(path, text, cause);
    }

    static String render(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        String text = value.toString();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static String kind(JsonNode expected) {
        if (expected.isObject()) {
            return "an object";
        }
        if (expected.isArray()) {
            return "a list";
        }
        if (expected.isIntegralNumber()) {
            return "an integer";
        }
        if (expected.isNumber()) {
            return "a number";
        }
        return expected.isBoolean() ? "true or false" : "a string";
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type.isEnum()) {
            return String.join(", ", enumNames(type));
        }
        return "an object";
    }

    private static String range(Class<?> integral) {
        return integral == int.class || integral == Integer.class
                ? Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
                : Long.MIN_VALUE + " and " + Long.MAX_VALUE;
    }

    private static List<String> enumNames(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            names.add(ConfigLoader.toTree(constant).asText());
        }
        return names;
    }

    static JsonNode nodeAt(JsonNode root, String path) {
        JsonNode node = root;
        Matcher part = PATH_PART.matcher(path);
        while (part.find() && node != null) {
            node = part.group(1) != null ? node.get(part.group(1)) : node.get(Integer.parseInt(part.group(2)));
        }
        return node == null ? MissingNode.getInstance() : node;
    }
}
