/**
 * The {@code scratch} backend: a pure-Java LSTM. An application names it in the config and gets it through
 * {@code dev.textgen.api.spi.Backends}, so nothing here is exported. The Vector API kernels are loaded by
 * reflection when {@code jdk.incubator.vector} is in the boot layer; the module then reads it at run time
 * ({@code VectorizationProvider}), since javac's {@code --release 17} cannot name an incubator module here.
 */
module dev.textgen.scratch {
    requires dev.textgen.api;
    // HugePages asks the HotSpot diagnostic bean whether the JVM requests transparent huge pages.
    requires jdk.management;

    provides dev.textgen.api.spi.BackendProvider with dev.textgen.scratch.ScratchBackendProvider;
}
