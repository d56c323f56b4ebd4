package dev.textgen.corpus;

import dev.textgen.api.config.CorpusConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Load + windowing time and retained heap for nietzsche.txt and a generated 100 MB corpus, one JSON line
 * each. Not a unit test: run it by hand (see corpus/README.md). Heap figures are MemoryMXBean readings after
 * explicit GCs; run with {@code -XX:+UseParallelGC}, since SerialGC sometimes still counts the previous run's
 * corpus as used. The first load includes class loading and JIT warm-up; later ones are reported apart.
 */
public final class CorpusBenchmark {
    private static final int RUNS = 5;
    /** The corpus under measurement; a volatile field, so that dropping it cannot be optimised away. */
    private static volatile Corpus held;
    /** An epoch's shuffled order, held while measuring what training adds to the corpus. */
    private static volatile Batches epoch;

    private CorpusBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        long generatedBytes = args.length > 1 ? Long.parseLong(args[1]) : 100_000_000L;
        Path bundled = args.length > 0 ? null : Files.write(Files.createTempFile("nietzsche", ".txt"), BundledCorpus.nietzsche());
        Path nietzsche = args.length > 0 ? Path.of(args[0]) : bundled;
        if (!Files.isRegularFile(nietzsche)) {
            throw new IllegalArgumentException("nietzsche.txt not found at " + nietzsche + "; pass its path");
        }
        Path generated = Files.createTempFile("textgen-corpus-bench", ".txt");
        try {
            measure("nietzsche", nietzsche, RUNS);
            generate(nietzsche, generated, generatedBytes);
            measure("generated-" + generatedBytes / 1_000_000 + "MB", generated, 3);
        } finally {
            Files.deleteIfExists(generated);
            if (bundled != null) {
                Files.delete(bundled);
            }
        }
    }

    private static void measure(String label, Path file, int runs) {
        CorpusConfig config = TestConfig.seed().source(file.toString()).build();
        long[] loadNanos = new long[runs];
        long[] windowNanos = new long[runs];
        long retained = 0;
        long peak = 0;
        long retainedWithEpoch = 0;
        for (int run = 0; run < runs; run++) {
            long[] result = runOnce(config);
            loadNanos[run] = result[0];
            windowNanos[run] = result[1];
            retained = result[2];
            peak = result[3];
            retainedWithEpoch = result[4];
        }
        Corpus corpus = held;
        held = null;
        System.out.printf(Locale.ROOT, "{\"corpus\":\"%s\",\"bytes\":%d,\"symbols\":%d,\"vocabulary\":%d,"
                        + "\"trainWindows\":%d,\"runs\":%d,\"loadMsFirst\":%.1f,\"loadMsMedian\":%.1f,\"loadMsMin\":%.1f,"
                        + "\"windowPassMsMedian\":%.1f,\"idArrayBytes\":%d,\"retainedHeapBytes\":%d,"
                        + "\"retainedBytesPerSymbol\":%.3f,\"withEpochOrderBytesPerSymbol\":%.3f,"
                        + "\"peakHeapAboveBaselineBytes\":%d,"
                        + "\"seedOneHotBytes\":%d,\"java\":\"%s\"}%n",
                label, fileSize(file), corpus.length(), corpus.vocabulary().size(), corpus.trainWindows().size(), runs,
                loadNanos[0] / 1e6, median(loadNanos) / 1e6, Arrays.stream(loadNanos).min().orElseThrow() / 1e6,
                median(windowNanos) / 1e6, corpus.idBytes(), retained, (double) retained / corpus.length(),
                (double) retainedWithEpoch / corpus.length(), peak,
                (long) corpus.trainWindows().size() * corpus.trainWindows().maxlen() * corpus.vocabulary().size(),
                System.getProperty("java.version"));
    }

    /**
     * One load and pass, in its own frame so that no stale stack slot keeps the previous run's corpus
     * reachable: {load ns, window pass ns, retained heap, peak heap above the baseline, retained heap while an
     * epoch's shuffled window order (api Batches, an int per window) is alive}.
     */
    private static long[] runOnce(CorpusConfig config) {
        held = null;
        long before = usedHeapAfterGc();
        resetPeaks();
        long start = System.nanoTime();
        held = Corpus.load(config);
        long loaded = System.nanoTime();
        long checksum = passOverWindows(held.trainWindows());
        long done = System.nanoTime();
        long peak = peakHeap() - before;
        long retained = usedHeapAfterGc() - before;
        epoch = Batches.shuffled(held.trainWindows(), 128, 1L, 0);
        long retainedWithEpoch = usedHeapAfterGc() - before;
        epoch = null;
        if (checksum == 42) {
            System.out.println(); // keeps the pass from being optimised away
        }
        return new long[]{loaded - start, done - loaded, retained, peak, retainedWithEpoch};
    }

    /** Reads every window once through a reusable id batch, as a backend's epoch does. */
    private static long passOverWindows(WindowSet windows) {
        Batch batch = new Batch(128, windows.maxlen(), windows.vocabularySize(), false);
        Batches batches = Batches.sequential(windows, 128);
        long sum = 0;
        while (batches.next(batch)) {
            sum += batch.targets()[0] + batch.inputs()[batch.size() * windows.maxlen() - 1];
        }
        return sum;
    }

    /** About {@code bytes} of text made of nietzsche's words in a seeded random order. */
    private static void generate(Path nietzsche, Path target, long bytes) throws IOException {
        String[] words = Files.readString(nietzsche).split("\\s+");
        SplittableRandom random = new SplittableRandom(2026);
        long written = 0;
        try (BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            while (written < bytes) {
                String word = words[random.nextInt(words.length)];
                out.write(word);
                out.write(random.nextInt(12) == 0 ? '\n' : ' ');
                written += word.length() + 1;
            }
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peaks: an upper bound of the peak, since pools may peak at different times. */
    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
