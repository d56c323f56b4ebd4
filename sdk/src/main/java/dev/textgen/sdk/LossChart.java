package dev.textgen.sdk;

import dev.textgen.api.EpochResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The loss curve as a standalone SVG that any browser opens: training and held-out loss (nats per
 * char) per epoch, with axes, ticks, a legend and the best held-out epoch marked.
 */
final class LossChart {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    /** A generous width of one 12 px sans-serif character, to keep labels inside the plot. */
    static final double CHAR_WIDTH = 7.5;
    /** The least room between two epoch labels, in pixels. */
    private static final double MIN_TICK_GAP = 30;
    private static final String TRAIN_COLOR = "#1f77b4";
    private static final String VALIDATION_COLOR = "#ff7f0e";

    private LossChart() {
    }

    static String render(String title, List<EpochResult> history) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">%s</text>%n",
                WIDTH / 2, escape(title)));
        List<Double> values = new ArrayList<>();
        for (EpochResult e : history) {
            values.add(e.trainLoss());
            values.add(e.validationLoss());
        }
        double[] range = niceRange(values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).toArray());
        int lastEpoch = Math.max(2, history.isEmpty() ? 2 : history.get(history.size() - 1).epoch());
        int firstEpoch = history.isEmpty() ? 1 : Math.min(history.get(0).epoch(), lastEpoch - 1);
        Scale x = new Scale(firstEpoch, lastEpoch, LEFT, WIDTH - RIGHT);
        Scale y = new Scale(range[0], range[1], HEIGHT - BOTTOM, TOP);

        axes(svg, x, y, range[2]);
        boolean validation = history.stream().anyMatch(EpochResult::hasValidation);
        series(svg, history, EpochResult::trainLoss, x, y, TRAIN_COLOR);
        if (validation) {
            series(svg, history, EpochResult::validationLoss, x, y, VALIDATION_COLOR);
            markBest(svg, history, x, y);
        }
        legend(svg, validation);
        if (history.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">"
                    + "no finished epoch yet</text>%n", WIDTH / 2, HEIGHT / 2));
        }
        return svg.append("</svg>\n").toString();
    }

    record Scale(double from, double to, double pixelFrom, double pixelTo) {
        double at(double value) {
            return pixelFrom + (value - from) / (to - from) * (pixelTo - pixelFrom);
        }
    }

    private static void axes(StringBuilder svg, Scale x, Scale y, double yStep) {
        int bottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<g stroke=\"#333\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>%n", LEFT, bottom, WIDTH - RIGHT, bottom, LEFT, TOP, LEFT, bottom));
        long ticks = Math.round((y.to() - y.from()) / yStep);
        for (long i = 0; i <= ticks; i++) {
            double v = y.from() + i * yStep;
            double py = y.at(v);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, py, WIDTH - RIGHT, py, LEFT - 6, py + 4,
                    tick(v, yStep)));
        }
        for (int epoch : epochTicks(x)) {
            double px = x.at(epoch);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", px, bottom, px, bottom + 5, px, bottom + 20, epoch));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 18));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">"
                + "loss (nats per char)</text>%n", (TOP + bottom) / 2, (TOP + bottom) / 2));
    }

    /** The first epoch, then the multiples of a 1-2-5 step (10, 20, ... rather than 11, 21, ...) not crowding it. */
    static List<Integer> epochTicks(Scale x) {
        int first = (int) x.from();
        int step = Math.max(1, (int) niceStep((x.to() - x.from()) / 8.0));
        List<Integer> ticks = new ArrayList<>(List.of(first));
        for (int epoch = (first / step + 1) * step; epoch <= x.to(); epoch += step) {
            if (x.at(epoch) - x.at(first) >= MIN_TICK_GAP) {
                ticks.add(epoch);
            }
        }
        return ticks;
    }

    private static void series(StringBuilder svg, List<EpochResult> history, ToDoubleFunction<EpochResult> loss,
                               Scale x, Scale y, String color) {
        StringBuilder points = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (EpochResult e : history) {
            double value = loss.applyAsDouble(e);
            if (Double.isFinite(value)) {
                String point = String.format(Locale.ROOT, "%.1f,%.1f", x.at(e.epoch()), y.at(value));
                points.append(points.length() == 0 ? "" : " ").append(point);
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>epoch %d: %.4f"
                        + "</title></circle>%n", x.at(e.epoch()), y.at(value), color, e.epoch(), value));
            }
        }
        svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                color, points));
        svg.append(dots);
    }

    private static void markBest(StringBuilder svg, List<EpochResult> history, Scale x, Scale y) {
        EpochResult best = null;
        for (EpochResult e : history) {
            if (e.hasValidation() && (best == null || e.validationLoss() < best.validationLoss())) {
                best = e;
            }
        }
        if (best != null) {
            String label = String.format(Locale.ROOT, "best %.4f", best.validationLoss());
            double px = x.at(best.epoch());
            double halfWidth = label.length() * CHAR_WIDTH / 2;
            // Centred over the point unless that would cross the plot's edge: then it ends (or starts) at the circle.
            String anchor = px + halfWidth > WIDTH - RIGHT ? "end" : px - halfWidth < LEFT ? "start" : "middle";
            double labelX = anchor.equals("end") ? px + 7 : anchor.equals("start") ? px - 7 : px;
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"none\" stroke=\"%s\""
                            + " stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n",
                    px, y.at(best.validationLoss()), VALIDATION_COLOR, labelX, y.at(best.validationLoss()) - 12, anchor,
                    VALIDATION_COLOR, label));
        }
    }

    private static void legend(StringBuilder svg, boolean validation) {
        int x = WIDTH - RIGHT - 170;
        svg.append(String.format(Locale.ROOT, "<g><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
                + "<text x=\"%d\" y=\"%d\">training loss</text></g>%n", x, TOP + 10, x + 24, TOP + 10, TRAIN_COLOR, x + 30, TOP + 14));
        if (validation) {
            svg.append(String.format(Locale.ROOT, "<g><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
                    + "<text x=\"%d\" y=\"%d\">held-out loss</text></g>%n", x, TOP + 28, x + 24, TOP + 28, VALIDATION_COLOR,
                    x + 30, TOP + 32));
        }
    }

    /** {min, max, step}: the values' range widened to multiples of a 1-2-5 step, about five ticks. */
    static double[] niceRange(double[] values) {
        if (values.length == 0) {
            return new double[] {0, 1, 0.2};
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (max - min < 1e-9) {
            double pad = Math.max(Math.abs(max) * 0.05, 0.01);
            min -= pad;
            max += pad;
        }
        double step = niceStep((max - min) / 5);
        return new double[] {Math.floor(min / step) * step, Math.ceil(max / step) * step, step};
    }

    /** The smallest of 1, 2, 5 times a power of ten that is at least {@code rough}. */
    static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough * (1 - 1e-9)) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String tick(double value, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
