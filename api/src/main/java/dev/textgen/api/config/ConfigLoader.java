package dev.textgen.api.config;

/** Reads a {@link TextgenConfig} from JSON over the defaults, reporting faults with path and line:column. */
public final class ConfigLoader {
    private ConfigLoader() {
    }
}
