package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static dev.textgen.sampling.Draws.DRAWS;
import static dev.textgen.sampling.Draws.counts;
import static dev.textgen.sampling.Draws.fixed;
import static dev.textgen.sampling.Draws.ids;
import static dev.textgen.sampling.Draws.sampler;
import static org.assertj.core.api.Assertions.assertThat;

class RepetitionPenaltyTest {
    private static final float[] NIETZSCHE = Distributions.nietzsche();

    @ParameterizedTest(name = "T = {0}")
    @ValueSource(doubles = {0.5, 1.0, 1.2})
    void observedIdsHaveTheirProbabilityDividedByThePenaltyBeforeTheTemperature(double temperature) {
        Sampler sampler = sampler("temperature", "temperature", temperature, "repetitionPenalty", 1.5);
        for (int id : new int[] {1, 31, 31, 27, 48}) {
            sampler.observe(id);
        }
        long[] counts = counts(sampler, NIETZSCHE, DRAWS, 81);

        float[] penalised = NIETZSCHE.clone();
        for (int id : Set.of(1, 31, 27, 48)) { // once each, however often observed
            penalised[id] = (float) (NIETZSCHE[id] / 1.5);
        }
        ChiSquare test = ChiSquare.of(counts, Distributions.tempered(penalised, temperature));
        assertThat(test.statistic()).isLessThan(test.quantile999());
        ChiSquare unpenalised = ChiSquare.of(counts, Distributions.tempered(NIETZSCHE, temperature));
        assertThat(unpenalised.statistic()).isGreaterThan(unpenalised.quantile999());
    }

    @Test
    void onlyTheLastWindowIdsArePenalisedUntilReset() {
        float[] p = {0.5f, 0.3f, 0.2f};
        Sampler greedy = sampler("temperature", "temperature", 0, "repetitionPenalty", 2, "repetitionWindow", 2);
        assertThat(greedy.sample(p, fixed(0.5))).isZero();
        greedy.observe(0); // 0.25, 0.3, 0.2
        assertThat(greedy.sample(p, fixed(0.5))).isEqualTo(1);
        greedy.observe(1); // 0.25, 0.15, 0.2
        assertThat(greedy.sample(p, fixed(0.5))).isZero();
        greedy.observe(2); // 0 left the window: 0.5, 0.15, 0.1
        assertThat(greedy.sample(p, fixed(0.5))).isZero();
        greedy.observe(0); // 0.25, 0.3, 0.1
        assertThat(greedy.sample(p, fixed(0.5))).isEqualTo(1);
        greedy.reset();
        assertThat(greedy.sample(p, fixed(0.5))).isZero();
    }

    @Test
    void anIdRepeatedInTheWindowIsPenalisedOnce() {
        float[] p = {0.5f, 0.3f, 0.2f};
        Sampler greedy = sampler("temperature", "temperature", 0, "repetitionPenalty", 1.5, "repetitionWindow", 4);
        greedy.observe(0);
        greedy.observe(0);
        assertThat(greedy.sample(p, fixed(0.5))).as("0.5 / 1.5 = 0.33 still beats 0.3").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"top-k", "top-p", "min-p"})
    void everyStochasticSamplerAppliesThePenaltyBeforeItsTruncation(String type) {
        float[] p = {0.5f, 0.3f, 0.15f, 0.05f};
        String own = switch (type) {
            case "top-k" -> "k";
            case "top-p" -> "p";
            default -> "minP";
        };
        double value = switch (type) {
            case "top-k" -> 1;
            case "top-p" -> 0.4;
            default -> 0.9;
        };
        Sampler sampler = sampler(type, own, value, "repetitionPenalty", 4);
        assertThat(ids(sampler, p, 1_000, 1)).containsOnly(0);
        sampler.observe(0); // 0.125, 0.3, 0.15, 0.05: the top id is now 1
        assertThat(ids(sampler, p, 1_000, 1)).containsOnly(1);
    }

    @Test
    void aPenaltyOfOneIgnoresHistoryAndIdsBeyondTheVocabularyAreHarmless() {
        Sampler off = sampler("temperature", "temperature", 0.8);
        Sampler on = sampler("temperature", "temperature", 0.8, "repetitionPenalty", 3);
        for (int id : new int[] {1, 5, 1_000_000}) {
            off.observe(id);
            on.observe(id);
        }
        assertThat(ids(off, NIETZSCHE, 10_000, 9)).isEqualTo(ids(sampler("temperature", "temperature", 0.8), NIETZSCHE, 10_000, 9));
        assertThat(ids(on, NIETZSCHE, 10_000, 9)).isNotEqualTo(ids(off, NIETZSCHE, 10_000, 9));
    }
}
