package dev.textgen.scratch.nn;

import dev.textgen.api.io.ModelWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The double-precision reference's own gradient against centred finite differences, for every parameter
 * of a two-layer model with dropout and recurrent dropout masks, for the last-step and the all-steps loss: relative error below
 * 1e-6 for each entry (or an absolute error below 1e-12).
 */
class ReferenceLstmGradientTest {

    @ParameterizedTest(name = "hardSigmoid={0} allSteps={1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void gradientMatchesFiniteDifferences(boolean hardSigmoid, boolean allSteps) {
        int vocabulary = 5;
        int batch = 3;
        int steps = 4;
        ReferenceLstm ref = ReferenceLstm.of(Network.of(ModelWeights.initialize(vocabulary, 3, 2, 7L)), hardSigmoid, allSteps);
        SplittableRandom random = new SplittableRandom(11L);
        for (double[] tensor : ref.tensors) {
            for (int i = 0; i < tensor.length; i++) {
                // Small weights keep every hard_sigmoid input well inside (-2.5, 2.5), away from its kinks.
                tensor[i] = random.nextDouble(-0.6, 0.6);
            }
        }
        int[][] ids = new int[batch][steps];
        int[] targets = new int[batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                ids[b][t] = random.nextInt(vocabulary);
            }
            targets[b] = random.nextInt(vocabulary);
        }
        ReferenceLstm.Masks masks = new ReferenceLstm.Masks(new float[][] {null, mask(random, steps * batch * 3)},
                mask(random, (allSteps ? steps : 1) * batch * 3),
                new float[][] {mask(random, batch * 3), mask(random, batch * 3)});
        if (hardSigmoid) {
            assertThat(ref.kinkDistance(ids, masks)).as("distance from hard_sigmoid's kinks").isGreaterThan(0.05);
        }

        double[][] analytic = ref.gradient(ids, targets, masks);
        // The five-point centred difference: truncation error O(h^4) ~ 1e-12 and rounding noise ~ 1e-13 at this h.
        double h = 1e-3;
        int checked = 0;
        for (int p = 0; p < ref.tensors.length; p++) {
            double[] tensor = ref.tensors[p];
            for (int i = 0; i < tensor.length; i++) {
                double saved = tensor[i];
                double numeric = (8 * (lossAt(ref, p, i, saved + h, ids, targets, masks)
                        - lossAt(ref, p, i, saved - h, ids, targets, masks))
                        - (lossAt(ref, p, i, saved + 2 * h, ids, targets, masks)
                        - lossAt(ref, p, i, saved - 2 * h, ids, targets, masks))) / (12 * h);
                tensor[i] = saved;
                double a = analytic[p][i];
                // Relative error, except for entries so small that the difference's rounding noise (~1e-13) dominates.
                double scale = Math.max(Math.abs(a), Math.abs(numeric));
                assertThat(Math.abs(a - numeric)).as("error of tensor %d entry %d (%s vs %s)", p, i, a, numeric)
                        .isLessThan(Math.max(1e-6 * scale, 1e-12));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(5 * 12 + 3 * 12 + 12 + 3 * 12 + 3 * 12 + 12 + 3 * 5 + 5);
    }

    private static double lossAt(ReferenceLstm ref, int p, int i, double value, int[][] ids, int[] targets,
                                 ReferenceLstm.Masks masks) {
        ref.tensors[p][i] = value;
        return ref.loss(ids, targets, masks);
    }

    private static float[] mask(SplittableRandom random, int n) {
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = random.nextInt(4) == 0 ? 0f : 1f / 0.75f;
        }
        return mask;
    }
}
