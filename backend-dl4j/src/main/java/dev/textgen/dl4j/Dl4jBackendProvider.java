package dev.textgen.dl4j;

import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.BackendProvider;

/**
 * Registers the {@code dl4j} backend. Discovery and {@link #name()} touch no ND4J or DL4J class, so
 * listing backends stays cheap; the native library is loaded by {@link #create()} only.
 */
public final class Dl4jBackendProvider implements BackendProvider {

    /** The backend's name in {@code model.backend}. */
    public static final String NAME = "dl4j";

    /** The provider that {@link java.util.ServiceLoader} instantiates. */
    public Dl4jBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Deeplearning4j 1.0.0-M2.1 (ND4J native CPU): the same LSTM model, trained with ND4J ops";
    }

    @Override
    public Backend create() {
        return Dl4jBackend.start();
    }
}
