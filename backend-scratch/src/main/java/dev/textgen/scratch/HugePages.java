package dev.textgen.scratch;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Advice on transparent huge pages, logged once per JVM when training starts. A training batch streams its
 * stored activations (about 23 MiB for the reference notebook's setup) through memory: some 6,000 pages of
 * 4 KiB, more than the CPU's TLB covers, or a dozen of 2 MiB, so 2 MiB pages spare most TLB misses. In
 * {@code madvise} mode Linux gives them only to a process that asks, which the JVM does
 * only with {@code -XX:+UseTransparentHugePages}; a library cannot set that flag, so it says so, as Lucene does
 * for the Vector API module.
 */
final class HugePages {
    static final Path SETTING = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    static final String FLAG = "-XX:+UseTransparentHugePages";
    private static final System.Logger LOG = System.getLogger(HugePages.class.getName());
    private static final AtomicBoolean ADVISED = new AtomicBoolean();

    private HugePages() {
    }

    /** Logs the advice at INFO on the first call in this JVM, when there is any. */
    static void adviseOnce() {
        if (ADVISED.compareAndSet(false, true)) {
            Optional<String> advice = advice(SETTING, HugePages::jvmAsks);
            if (advice.isPresent()) {
                LOG.log(System.Logger.Level.INFO, advice.get());
            }
        }
    }

    /**
     * The advice for a kernel setting file (e.g. {@code always [madvise] never}) and whether the JVM already
     * asks for huge pages; empty when the JVM gets huge pages anyway ({@code [always]}), cannot get them
     * ({@code [never]}, no such file: not Linux), or already asks. The JVM is asked only in {@code madvise}
     * mode: its diagnostic bean starts the management machinery.
     */
    static Optional<String> advice(Path setting, BooleanSupplier jvmAsks) {
        String mode;
        try {
            mode = Files.readString(setting, StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        if (!mode.contains("[madvise]") || jvmAsks.getAsBoolean()) {
            return Optional.empty();
        }
        return Optional.of("textgen scratch backend: the kernel gives transparent huge pages to processes that ask ("
                + setting + ": " + mode.strip() + ") and this JVM does not ask; training batches miss the TLB less with "
                + FLAG);
    }

    /**
     * Whether this JVM runs with {@link #FLAG}. Where the HotSpot diagnostic bean is missing (another JVM, or a
     * runtime image without {@code jdk.management}) the flag's effect is unknown, so this answers true and
     * nothing is advised.
     */
    static boolean jvmAsks() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseTransparentHugePages").getValue());
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }
}
