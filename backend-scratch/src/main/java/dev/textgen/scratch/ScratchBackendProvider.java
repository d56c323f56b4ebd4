package dev.textgen.scratch;

import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.BackendProvider;

/** Registers the {@code scratch} backend; creating it chooses the kernels (and logs which). */
public final class ScratchBackendProvider implements BackendProvider {

    /** The provider that {@link java.util.ServiceLoader} instantiates. */
    public ScratchBackendProvider() {
    }

    @Override
    public String name() {
        return ScratchBackend.NAME;
    }

    @Override
    public String description() {
        return "pure-Java LSTM (no native code; SIMD through the Vector API when --add-modules jdk.incubator.vector)";
    }

    @Override
    public Backend create() {
        return new ScratchBackend();
    }
}
