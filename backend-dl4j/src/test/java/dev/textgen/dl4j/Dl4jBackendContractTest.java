package dev.textgen.dl4j;

import dev.textgen.api.spi.Backend;
import dev.textgen.api.testing.BackendContractTest;
import org.junit.jupiter.api.BeforeAll;

/** Every api contract, on the dl4j backend (one ND4J start-up for the class). */
class Dl4jBackendContractTest extends BackendContractTest {
    private static Backend backend;

    @BeforeAll
    static void startBackend() {
        backend = new Dl4jBackendProvider().create();
    }

    @Override
    protected Backend backend() {
        return backend;
    }
}
