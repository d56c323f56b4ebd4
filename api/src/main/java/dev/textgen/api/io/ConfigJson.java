package dev.textgen.api.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.textgen.api.ConfigException;
import dev.textgen.api.config.TextgenConfig;

/** The config as the model file stores it: the one place the file format touches config JSON. */
final class ConfigJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ConfigJson() {
    }

    static String toJson(TextgenConfig config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("config cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static TextgenConfig parse(String json) {
        try {
            return MAPPER.readValue(json, TextgenConfig.class);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof ConfigException config) {
                throw config;
            }
            throw new ConfigException("", "config: " + e.getOriginalMessage(), e);
        }
    }
}
