package dev.textgen.api.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A sampler by its {@code "type"} and numeric parameters, written flat in JSON:
 * {@code {"type": "top-k", "k": 40, "temperature": 0.8}}. The type is open: any
 * {@link dev.textgen.api.spi.SamplerProvider} on the classpath adds one, and the provider checks the
 * parameters.
 *
 * @param type       the sampler's provider name
 * @param parameters parameter values by name (unmodifiable, in the order given)
 */
@JsonSerialize(using = SamplerConfig.Serializer.class)
@JsonDeserialize(using = SamplerConfig.Deserializer.class)
public record SamplerConfig(String type, Map<String, Double> parameters) {

    /**
     * Checks that both fields are present, naming the missing one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param type not null; whether a provider of that name exists is checked by {@link ConfigLoader}
     * @param parameters not null; copied
     */
    public SamplerConfig {
        Require.present("generation.sampler.type", type);
        Require.present("generation.sampler", parameters);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * A sampler of {@code type} with the given name/value pairs, e.g. {@code of("top-k", "k", 40, "temperature", 0.8)}.
     *
     * @param type the sampler's provider name, e.g. {@code top-k}
     * @param namesAndValues alternating parameter names (String) and values (Number)
     * @return the sampler config
     */
    public static SamplerConfig of(String type, Object... namesAndValues) {
        Map<String, Double> parameters = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            parameters.put((String) namesAndValues[i], ((Number) namesAndValues[i + 1]).doubleValue());
        }
        return new SamplerConfig(type, parameters);
    }

    /**
     * The reference notebook's default for generation: temperature 0.5.
     *
     * @return the defaults
     */
    public static SamplerConfig defaults() {
        return of("temperature", "temperature", 0.5);
    }

    /**
     * The value of {@code name}, if given.
     *
     * @param name a parameter name, e.g. {@code temperature}
     * @return its value, or empty when not given
     */
    public OptionalDouble parameter(String name) {
        Double value = parameters.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /**
     * A copy with {@code name} set to {@code value}.
     *
     * @param name a parameter name, e.g. {@code temperature}
     * @param value its new value
     * @return a new config; this one is unchanged
     */
    public SamplerConfig with(String name, double value) {
        Map<String, Double> copy = new LinkedHashMap<>(parameters);
        copy.put(name, value);
        return new SamplerConfig(type, copy);
    }

    static final class Serializer extends JsonSerializer<SamplerConfig> {
        @Override
        public void serialize(SamplerConfig value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartObject();
            gen.writeStringField("type", value.type());
            for (Map.Entry<String, Double> e : value.parameters().entrySet()) {
                gen.writeNumberField(e.getKey(), e.getValue());
            }
            gen.writeEndObject();
        }
    }

    static final class Deserializer extends JsonDeserializer<SamplerConfig> {
        @Override
        public SamplerConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (SamplerConfig) ctxt.handleUnexpectedToken(SamplerConfig.class, p);
            }
            String type = null;
            Map<String, Double> parameters = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken token = p.nextToken();
                if ("type".equals(name)) {
                    if (token != JsonToken.VALUE_STRING) {
                        throw ctxt.weirdStringException(p.getText(), SamplerConfig.class,
                                "\"type\" must be a string such as \"temperature\", \"top-k\" or \"top-p\"");
                    }
                    type = p.getText();
                } else if (token.isNumeric()) {
                    parameters.put(name, p.getDoubleValue());
                } else {
                    throw ctxt.weirdStringException(p.getText(), Double.class,
                            "sampler parameter \"" + name + "\" must be a number");
                }
            }
            if (type == null) {
                throw ctxt.weirdStringException("", SamplerConfig.class,
                        "a sampler needs a \"type\", e.g. \"temperature\", \"greedy\", \"top-k\" or \"top-p\"");
            }
            return new SamplerConfig(type, parameters);
        }
    }
}
