package dev.textgen.api.spi;

import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.testing.Weights;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared optimizer's bookkeeping; its update rules are checked on every backend by
 * {@code BackendContractTest.anOptimizerStepFollowsTheSharedRmspropAndAdamRules}.
 */
class OptimizerTest {
    /** One LSTM layer of 2 units over 3 symbols: kernel, recurrent kernel, bias, Dense kernel and bias. */
    private static final int[] LENGTHS = {24, 16, 8, 6, 3};

    @Test
    void arraysAndOneFlatVectorGiveTheSameStepsAndState() {
        for (OptimizerConfig config : new OptimizerConfig[] {OptimizerConfig.RmsProp.defaults(), OptimizerConfig.Adam.defaults()}) {
            Optimizer byTensor = Optimizer.of(config, LENGTHS);
            Optimizer flat = Optimizer.of(config, LENGTHS);
            float[][] weights = random(1);
            float[] flatWeights = Weights.concat(weights);
            for (int step = 0; step < 3; step++) {
                float[][] gradients = random(10 + step);
                byTensor.apply(weights, gradients, 0.5f, 0.01f);
                flat.applyFlat(flatWeights, Weights.concat(gradients), 0.5f, 0.01f);
            }
            assertThat(flatWeights).as(config.toString()).containsExactly(Weights.concat(weights));
            Map<String, float[]> a = byTensor.state();
            Map<String, float[]> b = flat.state();
            assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
            a.forEach((name, values) -> assertThat(b.get(name)).as(name).containsExactly(values));
        }
    }

    @Test
    void setStateRejectsAnUnknownMissingOrMisSizedTensorByName() {
        Optimizer adam = Optimizer.of(OptimizerConfig.Adam.defaults(), LENGTHS);
        Map<String, float[]> state = adam.state();
        assertThat(state).containsKeys("lstm_0/kernel/m", "lstm_0/kernel/v", "dense/bias/v", Optimizer.ITERATIONS);

        Map<String, float[]> unknown = new HashMap<>(state);
        unknown.put("lstm_0/kernel/rms", new float[24]);
        assertThatThrownBy(() -> adam.setState(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"lstm_0/kernel/rms\"").hasMessageContaining("adam");
        Map<String, float[]> missing = new HashMap<>(state);
        missing.remove("dense/bias/v");
        assertThatThrownBy(() -> adam.setState(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"dense/bias/v\"").hasMessageContaining("missing");
        Map<String, float[]> misSized = new HashMap<>(state);
        misSized.put("lstm_0/bias/m", new float[7]);
        assertThatThrownBy(() -> adam.setState(misSized)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"lstm_0/bias/m\" has 7 values; expected 8");
    }

    @Test
    void theClippingScaleIsTheClipNormOverTheNormOnlyAboveIt() {
        assertThat(Optimizer.gradientScale(null, 100)).isEqualTo(1f);
        assertThat(Optimizer.gradientScale(5.0, 4)).isEqualTo(1f);
        assertThat(Optimizer.gradientScale(5.0, 20)).isEqualTo(0.25f);
    }

    private static float[][] random(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] tensors = new float[LENGTHS.length][];
        for (int k = 0; k < LENGTHS.length; k++) {
            tensors[k] = new float[LENGTHS[k]];
            for (int i = 0; i < LENGTHS[k]; i++) {
                tensors[k][i] = (float) random.nextDouble(-1, 1);
            }
        }
        return tensors;
    }
}
