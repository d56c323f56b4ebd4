package dev.textgen.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Values set outside the config file, typically from command-line flags, merged over the file by
 * {@link ConfigLoader}. Each value remembers where it came from (e.g. {@code --epochs}) so that an
 * error about it can say so. Immutable: {@link #with} returns a new instance.
 */
public final class ConfigOverrides {
    private static final ConfigOverrides NONE = new ConfigOverrides(JsonNodeFactory.instance.objectNode(), Map.of());

    private final ObjectNode tree;
    private final Map<String, String> origins;

    private ConfigOverrides(ObjectNode tree, Map<String, String> origins) {
        this.tree = tree;
        this.origins = origins;
    }

    /**
     * No overrides: {@link ConfigLoader} returns the file's values unchanged.
     *
     * @return the empty overrides (a shared instance)
     */
    public static ConfigOverrides none() {
        return NONE;
    }

    /**
     * A whole override document, e.g. a JSON object given on the command line.
     *
     * @param origin how an error names where these values came from, e.g. {@code --set}
     * @param tree a JSON object shaped like the config, e.g. {@code {"training": {"epochs": 5}}}
     * @return overrides holding a copy of {@code tree}
     */
    public static ConfigOverrides of(JsonNode tree, String origin) {
        Objects.requireNonNull(origin, "origin");
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("overrides from " + origin + " must be a JSON object, not " + tree);
        }
        return new ConfigOverrides(((ObjectNode) tree).deepCopy(), Map.of("", origin));
    }

    /**
     * These overrides plus {@code value} at {@code path}.
     *
     * @param path   dotted field names, e.g. {@code training.optimizer.learningRate}
     * @param value  a String, Number, Boolean, List, Map, JsonNode or null
     * @param origin how an error names where the value came from, e.g. {@code --learning-rate}
     * @return a new instance; this one is unchanged
     */
    public ConfigOverrides with(String path, Object value, String origin) {
        Objects.requireNonNull(origin, "origin");
        String[] names = Objects.requireNonNull(path, "path").split("\\.", -1);
        for (String name : names) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("override path \"" + path + "\" (from " + origin
                        + ") must be dotted field names such as training.epochs");
            }
        }
        ObjectNode copy = tree.deepCopy();
        ObjectNode parent = copy;
        for (int i = 0; i < names.length - 1; i++) {
            JsonNode next = parent.get(names[i]);
            parent = next != null && next.isObject() ? (ObjectNode) next : parent.putObject(names[i]);
        }
        parent.set(names[names.length - 1], ConfigLoader.toTree(value));
        Map<String, String> newOrigins = new HashMap<>(origins);
        newOrigins.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + ".") || p.startsWith(path + "["));
        newOrigins.put(path, origin);
        return new ConfigOverrides(copy, Map.copyOf(newOrigins));
    }

    /**
     * Whether there are no values to apply.
     *
     * @return true when no value has been set
     */
    public boolean isEmpty() {
        return tree.isEmpty();
    }

    ObjectNode tree() {
        return tree.deepCopy();
    }

    /** Where the value at {@code path} came from: its own origin or the nearest enclosing one's. */
    String originOf(String path) {
        String p = path;
        while (true) {
            String origin = origins.get(p);
            if (origin != null || p.isEmpty()) {
                return origin == null ? "overrides" : origin;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
    }
}
