package dev.textgen.cli;

import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.ConfigOverrides;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.Samplers;

import java.nio.file.Path;
import java.util.function.Supplier;

/** The config of a command: a file or the defaults, or a model's stored config, with flags merged over it. */
final class Configs {
    private Configs() {
    }

    /** {@code file} (or the seed's defaults when null) with {@code overrides}. */
    static TextgenConfig load(Path file, ConfigOverrides overrides) {
        return file != null ? ConfigLoader.load(file, overrides)
                : ConfigLoader.parse("{}", "the defaults", overrides, Samplers.installed());
    }

    /** {@code overrides} plus {@code value} at {@code path} when the flag was given. */
    static ConfigOverrides with(ConfigOverrides overrides, String path, Object value, String flag) {
        return value == null ? overrides : overrides.with(path, value, flag);
    }

    /** The installed backend {@code settings} name, an unknown or unavailable one reported as {@link #choosingBackend} does. */
    static Backend backend(TextgenConfig settings, String flagValue) {
        return choosingBackend(flagValue, () -> Backends.installed().get(settings.model().backend()));
    }

    /**
     * What {@code action} returns; when it finds the backend unknown or unavailable, the message names
     * {@code --backend} and its value if the flag chose it ({@code flagValue} not null), else {@code model.backend}.
     */
    static <T> T choosingBackend(String flagValue, Supplier<T> action) {
        try {
            return action.get();
        } catch (BackendUnavailableException e) {
            String chosenBy = flagValue != null ? "--backend " + flagValue : "model.backend";
            throw new BackendUnavailableException(chosenBy + ": " + e.getMessage(), e);
        }
    }
}
