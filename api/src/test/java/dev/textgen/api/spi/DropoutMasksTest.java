package dev.textgen.api.spi;

import dev.textgen.api.internal.SplitMix;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The shared dropout stream: inverted masks at the rate, one row per (layer, step, window), any layout. */
class DropoutMasksTest {

    @Test
    void aRowHoldsZerosAtTheRateAndOneOverTheKeptFractionElsewhere() {
        DropoutMasks masks = new DropoutMasks(0.3);
        float[] row = new float[50_000];
        masks.fill(7L, 1, 4, 9, row, 0, row.length);
        long zeros = 0;
        for (float m : row) {
            assertThat(m).isIn(0f, 1f / 0.7f);
            zeros += m == 0f ? 1 : 0;
        }
        // 50,000 draws at 0.3: the standard deviation of the fraction is about 0.002
        assertThat((double) zeros / row.length).isCloseTo(0.3, within(0.01));
    }

    @Test
    void aRowDependsOnTheSeedLayerStepAndWindowOnly() {
        DropoutMasks masks = new DropoutMasks(0.5);
        float[] row = row(masks, 7L, 1, 4, 9);
        assertThat(row(masks, 7L, 1, 4, 9)).containsExactly(row);
        assertThat(row(masks, 8L, 1, 4, 9)).isNotEqualTo(row);
        assertThat(row(masks, 7L, 0, 4, 9)).isNotEqualTo(row);
        assertThat(row(masks, 7L, 1, 5, 9)).isNotEqualTo(row);
        assertThat(row(masks, 7L, 1, 4, 10)).isNotEqualTo(row);
    }

    @Test
    void theRowStateThresholdAndKeepScaleGiveTheRowAsDocumented() {
        DropoutMasks masks = new DropoutMasks(0.2);
        assertThat(masks.threshold()).isEqualTo(3_355_443L);
        assertThat(masks.keep()).isEqualTo(1.25f);
        float[] row = row(masks, 7L, 1, DropoutMasks.RECURRENT_STEP, 9);
        long state = DropoutMasks.rowState(7L, 1, DropoutMasks.RECURRENT_STEP, 9);
        for (int j = 0; j < row.length; j++) {
            long draw = SplitMix.finish(state + (j + 1) * SplitMix.GAMMA) >>> 40;
            assertThat(row[j]).as("element %d", j).isEqualTo(draw < masks.threshold() ? 0f : masks.keep());
        }
    }

    @Test
    void aFeatureMajorColumnHoldsTheSameValuesAsTheRow() {
        DropoutMasks masks = new DropoutMasks(0.25);
        int width = 16;
        int windows = 5;
        float[] columns = new float[width * windows]; // [features, windows]
        for (int b = 0; b < windows; b++) {
            masks.fillStrided(3L, 2, 6, b, columns, b, width, windows);
        }
        for (int b = 0; b < windows; b++) {
            float[] row = new float[width];
            masks.fill(3L, 2, 6, b, row, 0, width);
            for (int j = 0; j < width; j++) {
                assertThat(columns[j * windows + b]).as("window %d, unit %d", b, j).isEqualTo(row[j]);
            }
        }
    }

    @Test
    void aRateOutsideZeroToOneIsRejected() {
        assertThatThrownBy(() -> new DropoutMasks(1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1)").hasMessageContaining("1.0");
        assertThatThrownBy(() -> new DropoutMasks(-0.1)).isInstanceOf(IllegalArgumentException.class);
        float[] row = new float[8];
        new DropoutMasks(0).fill(1L, 0, 0, 0, row, 0, row.length);
        assertThat(row).containsOnly(1f);
    }

    private static float[] row(DropoutMasks masks, long seed, int layer, int step, int window) {
        float[] row = new float[64];
        masks.fill(seed, layer, step, window, row, 0, row.length);
        return row;
    }
}
