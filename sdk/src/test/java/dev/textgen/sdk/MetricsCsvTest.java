package dev.textgen.sdk;

import dev.textgen.api.EpochResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsCsvTest {
    @Test
    void oneRowPerEpochWithEmptyCellsForAMissingHeldOutLoss() {
        String csv = MetricsCsv.render(List.of(
                new EpochResult(1, 2.0, Double.NaN, 12.3456, 0.01),
                new EpochResult(2, Math.log(2), 1.5, 11.0, 0.005)));

        assertThat(csv).isEqualTo("""
                epoch,train_loss,train_bits_per_char,validation_loss,validation_bits_per_char,seconds,learning_rate
                1,2.000000,2.885390,,,12.346,0.01
                2,0.693147,1.000000,1.500000,2.164043,11.000,0.005
                """);
    }

    @Test
    void anEmptyHistoryIsJustTheHeader() {
        assertThat(MetricsCsv.render(List.of())).isEqualTo(MetricsCsv.HEADER + "\n");
    }
}
