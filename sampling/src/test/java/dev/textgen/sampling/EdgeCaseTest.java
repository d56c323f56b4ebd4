package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.textgen.sampling.Draws.DRAWS;
import static dev.textgen.sampling.Draws.counts;
import static dev.textgen.sampling.Draws.fixed;
import static dev.textgen.sampling.Draws.ids;
import static dev.textgen.sampling.Draws.sampler;
import static org.assertj.core.api.Assertions.assertThat;

class EdgeCaseTest {
    /** The extremes a generator can hand over, plus 1.0 itself from a misbehaving one. */
    private static final double[] EXTREME_UNIFORMS = {0, Double.MIN_VALUE, 0.5, Math.nextDown(1.0), 1.0};

    private static List<Sampler> everySampler(double temperature) {
        return List.of(sampler("temperature", "temperature", temperature),
                sampler("top-k", "k", 3, "temperature", temperature),
                sampler("top-p", "p", 0.9, "temperature", temperature),
                sampler("min-p", "minP", 0.05, "temperature", temperature),
                sampler("greedy"));
    }

    @ParameterizedTest(name = "T = {0}")
    @ValueSource(doubles = {0, 0.2, 1, 1.2})
    void aOneSymbolVocabularyAlwaysGivesIdZero(double temperature) {
        for (Sampler sampler : everySampler(temperature)) {
            for (float p : new float[] {1f, 0.3f, Float.MIN_VALUE}) {
                for (double u : EXTREME_UNIFORMS) {
                    assertThat(sampler.sample(new float[] {p}, fixed(u))).isZero();
                }
            }
        }
    }

    @ParameterizedTest(name = "T = {0}")
    @ValueSource(doubles = {0, 0.2, 1, 1.2})
    void allMassOnOneIdAlwaysGivesThatId(double temperature) {
        float[] p = {0, 0, 1, 0, 0};
        for (Sampler sampler : everySampler(temperature)) {
            for (double u : EXTREME_UNIFORMS) {
                assertThat(sampler.sample(p, fixed(u))).isEqualTo(2);
            }
            assertThat(ids(sampler, p, 1_000, 1)).containsOnly(2);
        }
    }

    @Test
    void zeroProbabilitiesAreNeverDrawnEvenAtTheEdgesOfTheUnitInterval() {
        float[] p = {0, 0.5f, 0, 0.5f, 0, 0};
        for (double temperature : new double[] {0.2, 1, 1.2, 50}) {
            for (Sampler sampler : everySampler(temperature)) {
                assertThat(sampler.sample(p, fixed(0))).isEqualTo(1);
                assertThat(sampler.sample(p, fixed(Math.nextDown(1.0)))).isIn(1, 3);
                assertThat(sampler.sample(p, fixed(1.0))).as("the guard when the uniform is not below 1").isIn(1, 3);
            }
        }
        assertThat(sampler("temperature").sample(p, fixed(Math.nextDown(1.0)))).isEqualTo(3);
    }

    @Test
    void tiesAreDrawnEquallyOftenAndGreedyTakesTheLowestId() {
        float[] p = {0.1f, 0.3f, 0.3f, 0.3f};
        assertThat(sampler("greedy").sample(p, fixed(0.5))).isEqualTo(1);
        assertThat(sampler("temperature", "temperature", 0).sample(p, fixed(0.99))).isEqualTo(1);

        long[] counts = counts(sampler("temperature", "temperature", 0.5), p, DRAWS, 31);
        ChiSquare test = ChiSquare.of(counts, Distributions.tempered(p, 0.5));
        assertThat(test.statistic()).isLessThan(test.quantile999());
    }

    @ParameterizedTest(name = "sum = 1 + {0}")
    @ValueSource(doubles = {1e-6, -1e-6})
    void sumsSlightlyOffOneAreRenormalisedExactly(double offset) {
        float[] p = Distributions.nietzsche();
        float[] scaled = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            scaled[i] = (float) (p[i] * (1 + offset));
        }
        double sum = 0;
        for (float v : scaled) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1 + offset, org.assertj.core.api.Assertions.within(1e-7));

        for (double temperature : new double[] {0.5, 1.0}) {
            long[] counts = counts(sampler("temperature", "temperature", temperature), scaled, DRAWS, 41);
            ChiSquare test = ChiSquare.of(counts, Distributions.tempered(scaled, temperature));
            assertThat(test.statistic()).isLessThan(test.quantile999());
            for (double u : EXTREME_UNIFORMS) {
                assertThat(sampler("temperature", "temperature", temperature).sample(scaled, fixed(u)))
                        .isBetween(0, p.length - 1);
            }
        }
    }

    @Test
    void floatRoundingThatOvershootsOneStaysInRange() {
        float[] tenths = new float[10];
        java.util.Arrays.fill(tenths, 0.1f);
        double sum = 0;
        for (float v : tenths) {
            sum += v;
        }
        assertThat(sum).as("the float tenths overshoot 1, numpy's 'sum(pvals[:-1]) > 1.0'").isGreaterThan(1);

        for (Sampler sampler : everySampler(1)) {
            assertThat(sampler.sample(tenths, fixed(Math.nextDown(1.0)))).isBetween(0, 9);
        }
        assertThat(sampler("temperature").sample(tenths, fixed(Math.nextDown(1.0)))).isEqualTo(9);
        assertThat(sampler("temperature").sample(tenths, fixed(1.0))).isEqualTo(9);
    }

    @Test
    void denormalProbabilitiesKeepTheirProportions() {
        float[] denormal = {Float.MIN_VALUE, 2 * Float.MIN_VALUE, 0, 5 * Float.MIN_VALUE};
        for (double temperature : new double[] {0.5, 1, 1.2}) {
            long[] counts = counts(sampler("temperature", "temperature", temperature), denormal, DRAWS, 51);
            ChiSquare test = ChiSquare.of(counts, Distributions.tempered(denormal, temperature));
            assertThat(test.statistic()).isLessThan(test.quantile999());
            assertThat(counts[2]).isZero();
        }
    }

    @Test
    void aDenormalBesideLargeProbabilitiesKeepsAPositiveWeightAtLowTemperature() {
        float[] p = {1e-40f, 0.5f, 0, 0.5f};
        Sampler sampler = sampler("temperature", "temperature", 0.2);
        // (1e-40 / 0.5)^5 = 3.2e-199: positive in double, so the smallest uniform selects it
        assertThat(sampler.sample(p, fixed(0))).isZero();
        assertThat(sampler.sample(p, fixed(1e-190))).isEqualTo(1);
        assertThat(ids(sampler, p, 10_000, 61)).containsOnly(1, 3);
        // at T = 0.01 its weight (2e-40)^100 underflows to exactly 0, still never NaN
        assertThat(sampler("temperature", "temperature", 0.01).sample(p, fixed(0))).isEqualTo(1);
    }

    @Test
    void tinyTemperaturesApproachGreedyWithoutOverflow() {
        float[] p = Distributions.nietzsche();
        assertThat(ids(sampler("temperature", "temperature", 1e-300), p, 1_000, 71)).containsOnly(1);
        assertThat(ids(sampler("top-p", "temperature", Double.MIN_VALUE), p, 1_000, 71)).containsOnly(1);
        assertThat(ids(sampler("temperature", "temperature", 1e300), p, 10_000, 71)).contains(53, 56);
    }
}
