package dev.textgen.api.testing;

import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.BackendProvider;

/** Registers {@link TestDoubleBackend} for tests, under a name no real backend will take. */
public final class TestDoubleProvider implements BackendProvider {
    /** The provider name. */
    public static final String NAME = "test-double";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "test double: a tiny decayed-bag-of-symbols model, for textgen's own tests only";
    }

    @Override
    public Backend create() {
        return new TestDoubleBackend();
    }
}
