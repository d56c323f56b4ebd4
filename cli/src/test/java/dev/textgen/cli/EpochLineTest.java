package dev.textgen.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EpochLineTest {

    @Test
    void learningRatesReadToFourSignificantDigitsWithoutTrailingZeros() {
        assertThat(EpochLine.learningRate(0.01)).isEqualTo("0.01");
        assertThat(EpochLine.learningRate(0.002)).isEqualTo("0.002");
        assertThat(EpochLine.learningRate(1e-5)).isEqualTo("0.00001");
        assertThat(EpochLine.learningRate(0.003 / (1 + 0.0006 * 469))).isEqualTo("0.002341");
        assertThat(EpochLine.learningRate(0.5)).isEqualTo("0.5");
    }
}
