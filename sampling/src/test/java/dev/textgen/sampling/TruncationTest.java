package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.textgen.sampling.Draws.DRAWS;
import static dev.textgen.sampling.Draws.counts;
import static dev.textgen.sampling.Draws.ids;
import static dev.textgen.sampling.Draws.sampler;
import static org.assertj.core.api.Assertions.assertThat;

class TruncationTest {
    private static final float[] NIETZSCHE = Distributions.nietzsche();

    @ParameterizedTest(name = "k = {0}, T = {1}")
    @CsvSource({"1, 1.0", "3, 0.5", "10, 1.2", "40, 1.0", "56, 2.0"})
    void topKDrawsOnlyTheKMostLikelyInTheirTemperedProportions(int k, double temperature) {
        long[] counts = counts(sampler("top-k", "k", k, "temperature", temperature), NIETZSCHE, DRAWS, 11);

        int[] ranked = Distributions.ranked(Distributions.tempered(NIETZSCHE, 1.0));
        boolean[] topK = new boolean[NIETZSCHE.length];
        for (int i = 0; i < k; i++) {
            topK[ranked[i]] = true;
        }
        for (int id = 0; id < counts.length; id++) {
            if (!topK[id]) {
                assertThat(counts[id]).as("draws of id %d, outside the top %d", id, k).isZero();
            }
        }
        if (k > 1) {
            ChiSquare test = ChiSquare.of(counts, Distributions.restricted(Distributions.tempered(NIETZSCHE, temperature), topK));
            assertThat(test.statistic()).isLessThan(test.quantile999());
        }
    }

    @Test
    void topKAtOrAboveTheVocabularySizeIsPlainTemperature() {
        int[] plain = ids(sampler("temperature", "temperature", 0.7), NIETZSCHE, DRAWS, 21);
        assertThat(ids(sampler("top-k", "k", 57, "temperature", 0.7), NIETZSCHE, DRAWS, 21)).isEqualTo(plain);
        assertThat(ids(sampler("top-k", "k", 1e12, "temperature", 0.7), NIETZSCHE, DRAWS, 21)).isEqualTo(plain);
        assertThat(ids(sampler("top-p", "p", 1, "temperature", 0.7), NIETZSCHE, DRAWS, 21)).isEqualTo(plain);
        assertThat(ids(sampler("min-p", "minP", 0, "temperature", 0.7), NIETZSCHE, DRAWS, 21)).isEqualTo(plain);
    }

    @Test
    void topKRanksTheProbabilitiesThatAHugeTemperatureWouldRoundIntoTies() {
        // at T = 1e300 every tempered weight is exactly 1; ranking those would keep ids 0, 1 and 2
        int[] ids = ids(sampler("top-k", "k", 3, "temperature", 1e300), NIETZSCHE, 30_000, 14);
        assertThat(ids).containsOnly(1, 31, 46).contains(1, 31, 46);
    }

    @Test
    void topKBreaksTiesAtTheBoundaryByTheLowerId() {
        float[] p = {0.1f, 0.2f, 0.2f, 0.2f, 0.3f};
        assertThat(ids(sampler("top-k", "k", 2), p, 10_000, 4)).containsOnly(1, 4).contains(1, 4);
        assertThat(ids(sampler("top-k", "k", 3), p, 10_000, 4)).containsOnly(1, 2, 4).contains(1, 2, 4);
    }

    @Test
    void topPKeepsTheMinimalMostLikelySetWithMassAtLeastP() {
        SplittableRandom random = new SplittableRandom(8);
        for (int trial = 0; trial < 2_000; trial++) {
            int size = 1 + random.nextInt(300);
            double[] weights = new double[size];
            double max = 0;
            for (int i = 0; i < size; i++) {
                // a mix of tiny, zero and tied weights, like tempered softmax outputs
                weights[i] = switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> 0.25;
                    default -> Math.exp(-30 * random.nextDouble());
                };
                max = Math.max(max, weights[i]);
            }
            if (max == 0) {
                weights[random.nextInt(size)] = 1;
                max = 1;
            }
            for (int i = 0; i < size; i++) {
                weights[i] /= max;
            }
            double p = trial % 10 == 0 ? 1 : random.nextDouble(0.01, 1);
            double[] before = weights.clone();

            new TopP(p).apply(weights, size);

            int[] ranked = Distributions.ranked(before);
            double total = Arrays.stream(before).sum();
            double kept = 0;
            int keptCount = 0;
            while (keptCount < size && weights[ranked[keptCount]] > 0) {
                assertThat(weights[ranked[keptCount]]).isEqualTo(before[ranked[keptCount]]);
                kept += before[ranked[keptCount]];
                keptCount++;
            }
            for (int i = keptCount; i < size; i++) {
                assertThat(weights[ranked[i]]).as("weight of an id ranked below the nucleus").isZero();
            }
            double tolerance = 1e-12 * total;
            assertThat(kept).as("kept mass, p = %s", p).isGreaterThanOrEqualTo(p * total - tolerance);
            double withoutLast = kept - before[ranked[keptCount - 1]];
            assertThat(withoutLast).as("mass without the least likely kept id, p = %s", p).isLessThan(p * total + tolerance);
        }
    }

    @ParameterizedTest(name = "p = {0}, T = {1}")
    @CsvSource({"0.5, 1.0", "0.9, 0.5", "0.95, 1.2", "0.3, 0.2"})
    void topPDrawsOnlyFromTheNucleusInTheirTemperedProportions(double p, double temperature) {
        long[] counts = counts(sampler("top-p", "p", p, "temperature", temperature), NIETZSCHE, DRAWS, 12);

        double[] tempered = Distributions.tempered(NIETZSCHE, temperature);
        boolean[] nucleus = new boolean[tempered.length];
        double mass = 0;
        for (int id : Distributions.ranked(tempered)) {
            if (mass >= p) {
                break;
            }
            nucleus[id] = true;
            mass += tempered[id];
        }
        for (int id = 0; id < counts.length; id++) {
            if (!nucleus[id]) {
                assertThat(counts[id]).as("draws of id %d, outside the nucleus", id).isZero();
            }
        }
        ChiSquare test = ChiSquare.of(counts, Distributions.restricted(tempered, nucleus));
        if (test.degreesOfFreedom() > 0) {
            assertThat(test.statistic()).isLessThan(test.quantile999());
        }
    }

    @ParameterizedTest(name = "minP = {0}, T = {1}")
    @CsvSource({"0.05, 1.0", "0.1, 0.5", "0.01, 1.2", "0.5, 1.0"})
    void minPDrawsOnlyIdsAtLeastMinPTimesTheMostLikely(double minP, double temperature) {
        long[] counts = counts(sampler("min-p", "minP", minP, "temperature", temperature), NIETZSCHE, DRAWS, 13);

        double[] tempered = Distributions.tempered(NIETZSCHE, temperature);
        double max = Arrays.stream(tempered).max().orElseThrow();
        boolean[] kept = new boolean[tempered.length];
        for (int id = 0; id < kept.length; id++) {
            kept[id] = tempered[id] >= minP * max;
            if (!kept[id]) {
                assertThat(counts[id]).as("draws of id %d, below minP", id).isZero();
            }
        }
        ChiSquare test = ChiSquare.of(counts, Distributions.restricted(tempered, kept));
        if (test.degreesOfFreedom() > 0) {
            assertThat(test.statistic()).isLessThan(test.quantile999());
        }
    }

    @Test
    void minPOneKeepsOnlyTheTiedMaxima() {
        Sampler sampler = sampler("min-p", "minP", 1);
        assertThat(ids(sampler, new float[] {0.2f, 0.4f, 0.4f}, 10_000, 3)).containsOnly(1, 2).contains(1, 2);
    }
}
