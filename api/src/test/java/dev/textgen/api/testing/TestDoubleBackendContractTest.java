package dev.textgen.api.testing;

import dev.textgen.api.spi.Backend;

/** The backend contract, run against the test double that the api's own tests rely on. */
class TestDoubleBackendContractTest extends BackendContractTest {
    @Override
    protected Backend backend() {
        return new TestDoubleBackend();
    }
}
