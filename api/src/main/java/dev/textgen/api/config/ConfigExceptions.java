package dev.textgen.api.config;

import dev.textgen.api.ConfigException;

/** Messages for config faults that are not a simple range check. */
final class ConfigExceptions {
    private ConfigExceptions() {
    }

    static ConfigException blank(String field, String allowed) {
        return new ConfigException(field, field + " is empty; allowed: " + allowed);
    }
}
