package dev.textgen.sdk;

import dev.textgen.api.EpochResult;

import java.util.List;
import java.util.Locale;

/** {@code metrics.csv}: one row per finished epoch, for spreadsheets and plotting tools. */
final class MetricsCsv {
    static final String HEADER = "epoch,train_loss,train_bits_per_char,validation_loss,validation_bits_per_char,seconds,learning_rate";

    private MetricsCsv() {
    }

    /** The whole file for {@code history}; a missing held-out loss is an empty cell. */
    static String render(List<EpochResult> history) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (EpochResult e : history) {
            csv.append(e.epoch()).append(',')
                    .append(number(e.trainLoss())).append(',')
                    .append(number(e.trainBitsPerChar())).append(',')
                    .append(e.hasValidation() ? number(e.validationLoss()) : "").append(',')
                    .append(e.hasValidation() ? number(e.validationBitsPerChar()) : "").append(',')
                    .append(String.format(Locale.ROOT, "%.3f", e.seconds())).append(',')
                    .append(e.learningRate()).append('\n');
        }
        return csv.toString();
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }
}
