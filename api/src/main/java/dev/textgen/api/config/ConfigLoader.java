package dev.textgen.api.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.textgen.api.ConfigException;
import dev.textgen.api.spi.Samplers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads a {@link TextgenConfig} from JSON over the defaults, reporting faults with path and line:column.
 *
 * <p>The user's document is deep-merged over {@link TextgenConfig#defaults()}, so every field is
 * optional; {@link ConfigOverrides} (e.g. command-line flags) are merged over the document. The
 * polymorphic objects {@code training.optimizer} and {@code generation.sampler} are merged over the
 * defaults of the {@code "type"} chosen, never over another type's fields. Sampler types and
 * parameter names are checked against a {@link Samplers} registry ({@link Samplers#installed()}
 * unless one is given).
 *
 * <p>Reading is strict: unknown fields, wrong types, out-of-range values, unknown type names, null
 * where a value is needed, duplicate keys, trailing content, an empty document and a non-object root
 * are each reported as one {@link ConfigException} whose message starts with
 * {@code source:line:column} and holds the JSON path, the bad value, what is allowed and, for a
 * misspelt name, "did you mean". A bad value that came from an override or the defaults says so
 * instead of a line:column. The first fault found is reported.
 */
public final class ConfigLoader {
    /** Configured once and never changed afterwards, which makes sharing it safe. */
    static final ObjectMapper MAPPER = strictMapper();

    private ConfigLoader() {
    }

    /**
     * Reads {@code file} over the defaults, checking samplers against {@link Samplers#installed()}.
     *
     * @param file the JSON config file; fields it leaves out keep their defaults
     * @return the checked config
     */
    public static TextgenConfig load(Path file) {
        return load(file, ConfigOverrides.none());
    }

    /**
     * Reads {@code file} over the defaults, then applies {@code overrides}.
     *
     * @param file the JSON config file; fields it leaves out keep their defaults
     * @param overrides values that win over the file's, each naming where it came from
     * @return the checked config
     */
    public static TextgenConfig load(Path file, ConfigOverrides overrides) {
        return load(file, overrides, Samplers.installed());
    }

    /**
     * Reads {@code file} over the defaults, then merges the {@code overrides} object over it; errors
     * about those values say "value from overrides". Use {@link ConfigOverrides} to name each value's flag.
     *
     * @param file the JSON config file; fields it leaves out keep their defaults
     * @param overrides a JSON object shaped like the config, whose fields win over the file's
     * @return the checked config
     */
    public static TextgenConfig load(Path file, JsonNode overrides) {
        return load(file, ConfigOverrides.of(overrides, "overrides"));
    }

    /**
     * Reads {@code file} over the defaults, then applies {@code overrides}; samplers are checked against {@code
     * samplers}.
     *
     * @param file the JSON config file; fields it leaves out keep their defaults
     * @param overrides values that win over the file's, each naming where it came from
     * @param samplers the sampler types {@code generation.sampler} may name
     * @return the checked config
     */
    public static TextgenConfig load(Path file, ConfigOverrides overrides, Samplers samplers) {
        return parse(readFile(file), file.toString(), overrides, samplers);
    }

    /**
     * Reads {@code json} over the defaults.
     *
     * @param sourceName names the document in error messages, e.g. its file name
     * @param json a JSON object shaped like the config; fields it leaves out keep their defaults
     * @return the checked config
     */
    public static TextgenConfig parse(String json, String sourceName) {
        return parse(json, sourceName, ConfigOverrides.none(), Samplers.installed());
    }

    /**
     * Reads {@code json} over the defaults, checking samplers against {@code samplers}.
     *
     * @param json a JSON object shaped like the config; fields it leaves out keep their defaults
     * @param sourceName names the document in error messages, e.g. its file name
     * @param samplers the sampler types {@code generation.sampler} may name
     * @return the checked config
     */
    public static TextgenConfig parse(String json, String sourceName, Samplers samplers) {
        return parse(json, sourceName, ConfigOverrides.none(), samplers);
    }

    /**
     * Reads {@code json} over the defaults, then applies {@code overrides}. Without a config file, pass
     * {@code "{}"} to get the defaults plus the overrides.
     *
     * @param json a JSON object shaped like the config; fields it leaves out keep their defaults
     * @param sourceName names the document in error messages, e.g. its file name
     * @param overrides values that win over the document's, each naming where it came from
     * @param samplers the sampler types {@code generation.sampler} may name
     * @return the checked config
     */
    public static TextgenConfig parse(String json, String sourceName, ConfigOverrides overrides, Samplers samplers) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(samplers, "samplers");
        return ConfigReader.read(LocatedJson.read(json, sourceName), overrides, samplers);
    }

    /**
     * {@code config} (e.g. a model's stored one, read from {@code sourceName}) with {@code overrides},
     * checked as {@link #parse} checks a document; {@code config} itself when there are none.
     *
     * @param config the config to start from
     * @param sourceName names where {@code config} came from in error messages, e.g. the model file
     * @param overrides values that win over {@code config}'s, each naming where it came from
     * @return the checked config with the overrides applied
     */
    public static TextgenConfig override(TextgenConfig config, String sourceName, ConfigOverrides overrides) {
        return overrides.isEmpty() ? config : parse(toJson(config), sourceName, overrides, Samplers.installed());
    }

    /**
     * Reads the config stored in a model file (written by {@link #toJson}). It is as strict as
     * {@link #parse}, and fields added to the config after the file was written get their defaults;
     * the sampler is not checked against the installed samplers, because a model may be loaded where
     * only training or scoring happens.
     *
     * @param json the config JSON as stored in the model file
     * @param sourceName names the model file in error messages
     * @return the checked config
     */
    public static TextgenConfig parseStored(String json, String sourceName) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(sourceName, "sourceName");
        return ConfigReader.read(LocatedJson.read(json, sourceName), ConfigOverrides.none(), null);
    }

    /**
     * {@code config} as pretty-printed JSON with every field; {@code parse(toJson(c), ...)} equals {@code c}.
     *
     * @param config the config to write
     * @return a JSON document that {@link #parse} reads back to an equal config
     */
    public static String toJson(TextgenConfig config) {
        Objects.requireNonNull(config, "config");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        try {
            return MAPPER.writer(printer).writeValueAsString(config) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a config record could not be written as JSON", e);
        }
    }

    /** {@code value} (String, Number, Boolean, List, Map, record, JsonNode or null) as a JSON tree. */
    static JsonNode toTree(Object value) {
        return value instanceof JsonNode node ? node.deepCopy() : MAPPER.valueToTree(value);
    }

    private static String readFile(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException("", file + ": no such config file");
        } catch (CharacterCodingException e) {
            throw new ConfigException("", file + ": not valid UTF-8; allowed: a UTF-8 JSON file", e);
        } catch (IOException e) {
            throw new ConfigException("", file + ": cannot read the config file: " + e, new UncheckedIOException(e));
        }
    }

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        refuse(mapper, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Integer, CoercionInputShape.Float, CoercionInputShape.String, CoercionInputShape.EmptyString,
                CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.EmptyString, CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Boolean, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.String,
                CoercionInputShape.EmptyString);
        refuse(mapper, LogicalType.Enum, CoercionInputShape.Integer, CoercionInputShape.EmptyString);
        return mapper;
    }

    /** A config value is written as its own JSON type: {@code "5"} is not a number and {@code 5} is not a string. */
    private static void refuse(JsonMapper mapper, LogicalType type, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
        }
    }
}
