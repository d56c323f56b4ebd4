package dev.textgen.api.io;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KerasInitializerTest {
    private static final int V = 57;
    private static final int H = 32;

    @Test
    void shapesBiasesAndGlorotLimitsAreKeras() {
        ModelWeights weights = ModelWeights.initialize(V, H, 2, 42L);
        assertThat(weights.lstm()).hasSize(2);
        assertThat(weights.lstm().get(0).inputSize()).isEqualTo(V);
        assertThat(weights.lstm().get(1).inputSize()).isEqualTo(H);
        for (LstmWeights layer : weights.lstm()) {
            assertThat(layer.hiddenSize()).isEqualTo(H);
            float[] bias = layer.bias(); // i, f, c, o
            for (int k = 0; k < 4 * H; k++) {
                assertThat(bias[k]).as("bias %d", k).isEqualTo(k >= H && k < 2 * H ? 1f : 0f);
            }
            assertGlorotUniform(layer.kernel(), layer.inputSize(), 4 * H);
        }
        assertGlorotUniform(weights.denseKernel(), H, V);
        assertThat(weights.denseBias()).containsOnly(0f);
    }

    @Test
    void recurrentKernelsHaveOrthonormalRows() {
        for (LstmWeights layer : ModelWeights.initialize(V, H, 2, 7L).lstm()) {
            float[] u = layer.recurrentKernel(); // [H, 4H]
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < H; j++) {
                    double dot = 0;
                    for (int k = 0; k < 4 * H; k++) {
                        dot += (double) u[i * 4 * H + k] * u[j * 4 * H + k];
                    }
                    assertThat(dot).as("row %d . row %d", i, j).isCloseTo(i == j ? 1 : 0, within(1e-6));
                }
            }
        }
    }

    @Test
    void theSeedAloneDecidesTheWeights() {
        ModelWeights a = ModelWeights.initialize(V, H, 1, 3L);
        ModelWeights b = ModelWeights.initialize(V, H, 1, 3L);
        ModelWeights c = ModelWeights.initialize(V, H, 1, 4L);
        assertThat(b.lstm().get(0).kernel()).containsExactly(a.lstm().get(0).kernel());
        assertThat(b.lstm().get(0).recurrentKernel()).containsExactly(a.lstm().get(0).recurrentKernel());
        assertThat(b.denseKernel()).containsExactly(a.denseKernel());
        assertThat(c.lstm().get(0).kernel()).isNotEqualTo(a.lstm().get(0).kernel());
    }

    /** Within the limit sqrt(6 / (fanIn + fanOut)), with the uniform's mean 0 and variance limit^2 / 3. */
    private static void assertGlorotUniform(float[] values, int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        double sum = 0;
        double squares = 0;
        for (float v : values) {
            assertThat((double) Math.abs(v)).isLessThanOrEqualTo(limit);
            sum += v;
            squares += (double) v * v;
        }
        int n = values.length;
        double variance = limit * limit / 3;
        assertThat(sum / n).as("mean").isCloseTo(0, within(4 * Math.sqrt(variance / n)));
        assertThat(squares / n).as("variance").isCloseTo(variance, within(0.1 * variance));
    }
}
