package dev.textgen.scratch.simd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the kernels once per JVM: the Vector API ones when the incubator module
 * {@code jdk.incubator.vector} is in the boot layer (run with {@code --add-modules jdk.incubator.vector}),
 * otherwise the scalar ones. The Vector API class is loaded only by reflection, so the backend runs on any
 * Java 17+ without the module. The system property {@code textgen.vectorization} ({@code auto},
 * {@code scalar} or {@code vector}) overrides the choice. Logs exactly one INFO line saying which path runs.
 */
public final class VectorizationProvider {
    /** The system property that forces a path. */
    public static final String PROPERTY = "textgen.vectorization";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String PANAMA_CLASS = "dev.textgen.scratch.simd.PanamaKernels";
    private static final System.Logger LOG = System.getLogger(VectorizationProvider.class.getName());

    private VectorizationProvider() {
    }

    /** The kernels this JVM uses, chosen on first call. */
    public static Kernels kernels() {
        return Holder.KERNELS;
    }

    /** The scalar kernels, always available. */
    public static Kernels scalar() {
        return new ScalarKernels();
    }

    /**
     * The Vector API kernels, when the module is present and the CPU has vectors of at least 128 bits;
     * empty otherwise, with the reason in {@code why[0]} when {@code why} is given.
     */
    public static Optional<Kernels> vector(String[] why) {
        Optional<Module> vectorModule = ModuleLayer.boot().findModule(VECTOR_MODULE);
        if (vectorModule.isEmpty()) {
            note(why, "the module " + VECTOR_MODULE + " is not enabled (run with --add-modules " + VECTOR_MODULE + ")");
            return Optional.empty();
        }
        // On the module path this module does not read the incubator module (its descriptor cannot name it);
        // the kernels link against it, so the edge is added first. On the class path this changes nothing.
        VectorizationProvider.class.getModule().addReads(vectorModule.get());
        try {
            Class<?> type = Class.forName(PANAMA_CLASS);
            Object kernels = MethodHandles.lookup().findConstructor(type, MethodType.methodType(void.class)).invoke();
            return Optional.of((Kernels) kernels);
        } catch (UnsupportedOperationException e) {
            note(why, e.getMessage());
            return Optional.empty();
        } catch (Throwable e) {
            if (e instanceof Error error && !(e instanceof LinkageError)) {
                throw error;
            }
            note(why, "the Vector API kernels failed to load: " + e);
            return Optional.empty();
        }
    }

    private static void note(String[] why, String reason) {
        if (why != null) {
            why[0] = reason;
        }
    }

    static Kernels lookup(String mode) {
        String[] why = {null};
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "scalar" -> {
                LOG.log(System.Logger.Level.INFO, "textgen scratch backend: scalar kernels ({0}=scalar)", PROPERTY);
                return scalar();
            }
            case "auto", "vector", "" -> {
                Optional<Kernels> vector = vector(why);
                if (vector.isPresent()) {
                    LOG.log(System.Logger.Level.INFO, "textgen scratch backend: Vector API kernels ({0})",
                            vector.get().name());
                    return vector.get();
                }
                LOG.log(System.Logger.Level.INFO, "textgen scratch backend: scalar kernels, because {0}", why[0]);
                return scalar();
            }
            default -> throw new IllegalArgumentException("system property " + PROPERTY + " is \"" + mode
                    + "\"; allowed: auto, scalar, vector");
        }
    }

    private static final class Holder {
        static final Kernels KERNELS = lookup(System.getProperty(PROPERTY, "auto"));
    }
}
