package dev.textgen.cli;

import dev.textgen.api.EpochResult;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How training results read on the console. */
final class EpochLine {
    private EpochLine() {
    }

    /** One line per epoch: losses in nats and bits per char, seconds and learning rate. */
    static String format(EpochResult e, int epochs) {
        String heldOut = e.hasValidation()
                ? String.format(Locale.ROOT, "held-out loss %.4f nats (%.4f bits/char)", e.validationLoss(), e.validationBitsPerChar())
                : "held-out loss n/a (corpus.validationFraction is 0)";
        return String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f nats (%.4f bits/char), %s, %.1f s, lr %s",
                e.epoch(), epochs, e.trainLoss(), e.trainBitsPerChar(), heldOut, e.seconds(),
                learningRate(e.learningRate()));
    }

    /**
     * A learning rate to 4 significant digits, without trailing zeros: {@code 0.01} stays {@code 0.01}, and a
     * decayed {@code 0.0023411893241766816} reads {@code 0.002341}.
     */
    static String learningRate(double rate) {
        return new BigDecimal(rate).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** {@code text} on one line: newlines, tabs, quotes and backslashes escaped as in Java. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(cp)) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.toString();
    }
}
