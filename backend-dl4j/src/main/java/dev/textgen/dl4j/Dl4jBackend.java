package dev.textgen.dl4j;

import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.api.spi.TrainingEngine;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** The {@code dl4j} backend; {@link #start()} loads ND4J's native CPU backend. */
final class Dl4jBackend implements Backend {
    private static final System.Logger LOG = System.getLogger(Dl4jBackend.class.getName());

    /** System property that sets ND4J's thread count. */
    static final String THREADS_PROPERTY = "textgen.dl4j.threads";

    private Dl4jBackend() {
    }

    /**
     * Loads ND4J and its native library.
     *
     * @throws BackendUnavailableException when ND4J or its native library cannot start here
     */
    static Dl4jBackend start() {
        try {
            Nd4j.create(1); // forces the native backend to load
        } catch (Throwable failure) { // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError...
            throw unavailable(failure);
        }
        configureThreads();
        LOG.log(System.Logger.Level.DEBUG, () -> "ND4J backend " + Nd4j.getBackend().getClass().getSimpleName() + ", "
                + NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads() + " OpenMP threads");
        return new Dl4jBackend();
    }

    /**
     * One OpenMP thread unless the user chose ({@code OMP_NUM_THREADS} or {@code -Dtextgen.dl4j.threads=N}):
     * a character LSTM's matrices are small, so ND4J's per-op parallel regions cost more than they gain
     * (see README.md for the measurements).
     */
    private static void configureThreads() {
        String property = System.getProperty(THREADS_PROPERTY);
        int threads;
        if (property != null) {
            try {
                threads = Integer.parseInt(property.trim());
            } catch (NumberFormatException e) {
                threads = -1;
            }
            if (threads < 1) {
                throw new BackendUnavailableException("-D" + THREADS_PROPERTY + "=" + property
                        + " is not a thread count; use a whole number >= 1");
            }
        } else if (System.getenv("OMP_NUM_THREADS") != null) {
            return;
        } else {
            threads = 1;
        }
        // ND4J reads OMP_NUM_THREADS once at start-up; these are the setters it uses itself
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** The error for a native library that does not load: what failed, on which platform, and what to do. */
    static BackendUnavailableException unavailable(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new BackendUnavailableException("the dl4j backend cannot start: ND4J's native CPU library did not load on "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + " (" + root.getClass().getSimpleName()
                + ": " + root.getMessage() + "). textgen-backend-dl4j ships the natives for one platform, chosen by the "
                + "Maven property javacpp.platform at build time (linux-x86_64 by default); rebuild with "
                + "-Djavacpp.platform=<your platform> (see backend-dl4j/README.md) or use \"backend\": \"scratch\"", failure);
    }

    @Override
    public String name() {
        return Dl4jBackendProvider.NAME;
    }

    /** ND4J's native CPU library with its OpenMP thread count, which decides its speed more than anything else here. */
    @Override
    public String kernelName() {
        int threads = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
        return "nd4j-native, " + threads + " OpenMP thread" + (threads == 1 ? "" : "s");
    }

    @Override
    public LanguageModel load(StoredModel model) {
        ModelArguments.checkArchitecture(model.config().model(), model.weights());
        return new Dl4jLanguageModel(model.config(), model.vocabulary(), model.weights(), model.defaultPrompt());
    }

    @Override
    public TrainingEngine newEngine(TextgenConfig config, Vocabulary vocabulary, ModelWeights initial) {
        if (initial != null) {
            ModelArguments.checkInitialWeights(config.model(), vocabulary.size(), initial);
        }
        return new Dl4jTrainingEngine(config, vocabulary, initial);
    }
}
