package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;

import static dev.textgen.sampling.Draws.DRAWS;
import static dev.textgen.sampling.Draws.counts;
import static dev.textgen.sampling.Draws.ids;
import static dev.textgen.sampling.Draws.sampler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TemperatureSamplerTest {
    private static final float[] NIETZSCHE = Distributions.nietzsche();

    @ParameterizedTest(name = "T = {0}")
    @ValueSource(doubles = {0.2, 0.5, 1.0, 1.2})
    void drawsFollowTheExactTemperedDistribution(double temperature) {
        long[] counts = counts(sampler("temperature", "temperature", temperature), NIETZSCHE, DRAWS, 20261127L);

        ChiSquare test = ChiSquare.of(counts, Distributions.tempered(NIETZSCHE, temperature));

        assertThat(test.degreesOfFreedom()).isGreaterThanOrEqualTo(10);
        assertThat(test.statistic()).isLessThan(test.quantile999());
    }

    @ParameterizedTest(name = "T = {0}")
    @ValueSource(doubles = {0.125, 0.2, 0.25, 0.5, 1.0})
    void wholePowersDrawWhatTheLogarithmicFormulaDraws(double temperature) {
        Sampler sampler = sampler("temperature", "temperature", temperature);
        double[] logarithmic = new double[NIETZSCHE.length];
        float max = 0;
        for (float p : NIETZSCHE) {
            max = Math.max(max, p);
        }
        for (int id = 0; id < NIETZSCHE.length; id++) {
            logarithmic[id] = Math.exp((Math.log(NIETZSCHE[id]) - Math.log(max)) / temperature);
        }
        for (int i = 0; i < 20_000; i++) {
            double u = (i + 0.5) / 20_000;
            assertThat(sampler.sample(NIETZSCHE, Draws.fixed(u))).as("u = %s", u)
                    .isEqualTo(TemperedSampler.draw(logarithmic, logarithmic.length, u));
        }
    }

    @Test
    void wilsonHilfertyIsCloseToTabulatedQuantiles() {
        // chi-square 0.999 quantiles from the standard tables (NIST/SEMATECH e-Handbook, 1.3.6.7.4)
        assertThat(new ChiSquare(0, 10).quantile999()).isCloseTo(29.588, within(0.3));
        assertThat(new ChiSquare(0, 50).quantile999()).isCloseTo(86.661, within(0.3));
        assertThat(new ChiSquare(0, 100).quantile999()).isCloseTo(149.449, within(0.3));
    }

    @Test
    void theChiSquareTestRejectsTheUntemperedDistributionAtLowTemperature() {
        long[] counts = counts(sampler("temperature", "temperature", 0.5), NIETZSCHE, DRAWS, 20261127L);

        ChiSquare wrong = ChiSquare.of(counts, Distributions.tempered(NIETZSCHE, 1.0));

        assertThat(wrong.statistic()).isGreaterThan(100 * wrong.quantile999());
    }

    @Test
    void temperatureZeroIsGreedyForEveryStochasticSampler() {
        float[] p = {0.1f, 0.3f, 0.3f, 0.2f, 0.1f};
        for (Sampler s : List.of(sampler("temperature", "temperature", 0), sampler("top-k", "temperature", 0),
                sampler("top-p", "temperature", 0), sampler("min-p", "temperature", 0), sampler("greedy"))) {
            assertThat(ids(s, p, 1_000, 7)).containsOnly(1);
            assertThat(s.sample(Distributions.nietzsche(), Draws.fixed(Math.nextDown(1.0)))).isEqualTo(1);
        }
    }

    @Test
    void theSameSeedGivesTheSameIdsOnEveryThreadAndInstance() throws Exception {
        int[] expected = ids(sampler("top-p", "p", 0.95, "temperature", 0.8), NIETZSCHE, 10_000, 99);

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<int[]>> runs = pool.invokeAll(List.of(
                    () -> ids(sampler("top-p", "p", 0.95, "temperature", 0.8), NIETZSCHE, 10_000, 99),
                    () -> ids(sampler("top-p", "p", 0.95, "temperature", 0.8), NIETZSCHE, 10_000, 99),
                    () -> ids(sampler("top-p", "p", 0.95, "temperature", 0.8), NIETZSCHE, 10_000, 99)));
            for (Future<int[]> run : runs) {
                assertThat(run.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ids(sampler("top-p", "p", 0.95, "temperature", 0.8), NIETZSCHE, 10_000, 100)).isNotEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"temperature", "top-k", "top-p", "min-p"})
    void aDrawTakesExactlyOneNextDouble(String type) {
        Sampler sampler = sampler(type, "temperature", 0.7, "repetitionPenalty", 1.3);
        int[] calls = new int[1];
        SplittableRandom source = new SplittableRandom(5);
        RandomGenerator counting = new RandomGenerator() {
            @Override
            public double nextDouble() {
                calls[0]++;
                return source.nextDouble();
            }

            @Override
            public long nextLong() {
                throw new AssertionError("samplers may only call nextDouble()");
            }
        };
        for (int i = 0; i < 1_000; i++) {
            sampler.observe(sampler.sample(NIETZSCHE, counting));
        }
        assertThat(calls[0]).isEqualTo(1_000);
    }

    @Test
    void greedyTakesNothingFromTheGenerator() {
        assertThat(sampler("greedy").sample(NIETZSCHE, Draws.fixed(0.5))).isEqualTo(1);
        assertThat(sampler("greedy").sample(new float[] {0.2f}, new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new AssertionError("greedy must not draw");
            }
        })).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"temperature", "greedy", "top-k", "top-p", "min-p"})
    void neverModifiesTheCallersArray(String type) {
        Sampler sampler = type.equals("greedy") ? sampler(type) : sampler(type, "temperature", 0.5, "repetitionPenalty", 2);
        float[] p = Distributions.nietzsche();
        float[] copy = p.clone();
        RandomGenerator random = new SplittableRandom(1);
        for (int i = 0; i < 1_000; i++) {
            sampler.observe(sampler.sample(p, random));
        }
        assertThat(p).isEqualTo(copy);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"temperature", "greedy", "top-k", "top-p", "min-p"})
    void drawsDoNotAllocate(String type) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Sampler sampler = type.equals("greedy") ? sampler(type) : sampler(type, "temperature", 0.8, "repetitionPenalty", 1.2);
        float[] p = Distributions.zipf(500);
        RandomGenerator random = new SplittableRandom(3);
        int sum = 0;
        for (int i = 0; i < 500; i++) { // sizes the scratch buffers and the penalty's history
            sum += sampler.sample(p, random);
            sampler.observe(i % 100);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 5_000; i++) {
            sum += sampler.sample(p, random);
            sampler.observe(i % 100);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sum).isPositive();
        // one array of 500 doubles per draw would be 20 MB; allow less than a byte per draw for the measuring's noise
        assertThat(allocated).as("bytes allocated by 5,000 draws").isLessThan(5_000);
    }
}
