package dev.textgen.cli.reliability;

import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.testing.TinyCorpus;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 8 point 4 at the facade: one model file loaded once, one {@link TextGenerator} shared by
 * {@value #THREADS} threads each running {@value #GENERATIONS} generations at once; every output equals
 * the single-threaded output for the same prompt and random seed. The backends' own contract test
 * covers the model underneath; this covers the generator's samplers, random generators and sessions.
 */
class ConcurrentGenerationTest {
    private static final int THREADS = 8;
    private static final int GENERATIONS = 100;

    @TempDir
    Path dir;

    /** dl4j spends about a millisecond per step on tiny models, so its generations are shorter. */
    @ParameterizedTest(name = "{0} backend, {1} context, {2} symbols")
    @CsvSource({"scratch, WINDOW, 40", "scratch, STATEFUL, 40", "dl4j, WINDOW, 12", "dl4j, STATEFUL, 12"})
    void oneSharedGeneratorServesEightThreadsWithTheSingleThreadedOutput(String backend, GenerationConfig.Context context,
                                                                          int length)
            throws Exception {
        assumeTrue(Backends.installed().names().contains(backend), backend + " backend is not on the class path");
        assumeTrue(starts(backend), backend + " backend is installed but cannot start here");
        // Trained long enough that the text depends on the prompt, so that a mix-up between threads would show.
        Path model = Fixtures.trainedModel(Files.createDirectories(dir.resolve("model")), 30);
        TextGenerator loaded = TextGenerator.load(model, backend);
        GenerationConfig base = loaded.config();
        TextGenerator generator = loaded.withConfig(base.withLength(length).withContext(context).withSeed(11L)
                .withStop(List.of()));

        List<String> prompts = prompts();
        List<String> expected = prompts.stream().map(generator::generate).toList();
        assertThat(expected.stream().distinct().count()).as("distinct texts").isGreaterThan(GENERATIONS / 2);

        List<String>[] actual = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> runConcurrently(generator, prompts));
        for (int thread = 0; thread < THREADS; thread++) {
            assertThat(actual[thread]).as("thread %d", thread).containsExactlyElementsOf(expected);
        }
    }

    private static boolean starts(String backend) {
        try {
            Backends.installed().get(backend);
            return true;
        } catch (BackendUnavailableException e) {
            return false;
        }
    }

    /** Each thread generates for every prompt, in its own seeded order, all threads starting together. */
    @SuppressWarnings("unchecked")
    private static List<String>[] runConcurrently(TextGenerator generator, List<String> prompts) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                int[] order = shuffled(GENERATIONS, thread);
                results.add(pool.submit(() -> {
                    start.await();
                    String[] texts = new String[GENERATIONS];
                    for (int i : order) {
                        texts[i] = generator.generate(prompts.get(i));
                    }
                    return List.of(texts);
                }));
            }
            start.countDown();
            List<String>[] texts = new List[THREADS];
            for (int thread = 0; thread < THREADS; thread++) {
                texts[thread] = results.get(thread).get();
            }
            return texts;
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@value #GENERATIONS} distinct windows of the tiny text, of lengths 1 to 20, as prompts. */
    private static List<String> prompts() {
        String text = TinyCorpus.TEXT;
        List<String> prompts = new ArrayList<>();
        for (int i = 0; prompts.size() < GENERATIONS; i++) {
            int length = 1 + i % 20;
            String prompt = text.substring(i * 7 % (text.length() - length)).substring(0, length);
            if (!prompts.contains(prompt)) {
                prompts.add(prompt);
            }
        }
        return prompts;
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
