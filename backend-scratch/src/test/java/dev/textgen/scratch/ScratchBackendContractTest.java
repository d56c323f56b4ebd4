package dev.textgen.scratch;

import dev.textgen.api.spi.Backend;
import dev.textgen.api.testing.BackendContractTest;

/** The contract every backend keeps (api test-jar), on the scratch backend with the kernels this JVM chose. */
class ScratchBackendContractTest extends BackendContractTest {
    @Override
    protected Backend backend() {
        return new ScratchBackend();
    }
}
