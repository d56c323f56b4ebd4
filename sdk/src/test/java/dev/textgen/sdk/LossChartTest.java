package dev.textgen.sdk;

import dev.textgen.api.EpochResult;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LossChartTest {
    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void trainingAndHeldOutCurvesAreWellFormedSvgWithOnePointPerEpoch() throws Exception {
        List<EpochResult> history = new ArrayList<>();
        for (int e = 1; e <= 12; e++) {
            history.add(new EpochResult(e, 2.5 / e + 1, 2.6 / e + 1.1 + (e > 8 ? 0.05 * (e - 8) : 0), 10, 0.01));
        }

        Document svg = parse(LossChart.render("textgen: 1 x LSTM(128) on <nietzsche> & co", history));

        Element root = svg.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        assertThat(root.getAttribute("width")).isEqualTo("720");
        NodeList lines = svg.getElementsByTagName("polyline");
        assertThat(lines.getLength()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            String[] points = ((Element) lines.item(i)).getAttribute("points").split(" ");
            assertThat(points).hasSize(12);
            // Falling loss rises on screen less and less: y grows downwards, so the first point is highest on the page.
            double firstY = Double.parseDouble(points[0].split(",")[1]);
            double lastY = Double.parseDouble(points[11].split(",")[1]);
            assertThat(firstY).isLessThan(lastY);
        }
        String text = root.getTextContent();
        assertThat(text).contains("textgen: 1 x LSTM(128) on <nietzsche> & co", "epoch", "loss (nats per char)",
                "training loss", "held-out loss", "best 1.4250");
    }

    /** 3 epochs with the best last (the label once ran off the right edge), best first, and 60 epochs. */
    @Test
    void theBestLabelStaysInsideThePlotWhereverTheBestEpochIs() throws Exception {
        List<List<EpochResult>> histories = List.of(curve(3, 3), curve(3, 1), curve(60, 60), curve(60, 1), curve(1, 1));
        for (List<EpochResult> history : histories) {
            Element label = bestLabel(parse(LossChart.render("t", history)));
            double x = Double.parseDouble(label.getAttribute("x"));
            double width = label.getTextContent().length() * LossChart.CHAR_WIDTH;
            double left = switch (label.getAttribute("text-anchor")) {
                case "start" -> x;
                case "end" -> x - width;
                default -> x - width / 2;
            };
            // The plot spans x 70..690; the label may reach over the best point's circle (radius 7), no further.
            assertThat(left).as("%d epochs: %s", history.size(), label.getTextContent()).isGreaterThanOrEqualTo(63);
            assertThat(left + width).as("%d epochs: %s", history.size(), label.getTextContent()).isLessThanOrEqualTo(697);
        }
    }

    @Test
    void epochTicksAreTheFirstEpochAndRoundMultiples() throws Exception {
        Document svg = parse(LossChart.render("t", curve(60, 40)));
        List<String> labels = new ArrayList<>();
        NodeList texts = svg.getElementsByTagName("text");
        for (int i = 0; i < texts.getLength(); i++) {
            Element text = (Element) texts.item(i);
            if (text.getAttribute("y").equals("380")) {
                labels.add(text.getTextContent());
            }
        }

        assertThat(labels).containsExactly("1", "10", "20", "30", "40", "50", "60");
        assertThat(LossChart.epochTicks(new LossChart.Scale(1, 3, 70, 690))).containsExactly(1, 2, 3);
        assertThat(LossChart.epochTicks(new LossChart.Scale(1, 12, 70, 690))).containsExactly(1, 2, 4, 6, 8, 10, 12);
    }

    /** {@code epochs} epochs whose held-out loss is lowest at epoch {@code best}. */
    private static List<EpochResult> curve(int epochs, int best) {
        List<EpochResult> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            history.add(new EpochResult(e, 2.0 - e * 0.01, 1.5 + Math.abs(e - best) * 0.01, 10, 0.01));
        }
        return history;
    }

    private static Element bestLabel(Document svg) {
        NodeList texts = svg.getElementsByTagName("text");
        for (int i = 0; i < texts.getLength(); i++) {
            if (texts.item(i).getTextContent().startsWith("best ")) {
                return (Element) texts.item(i);
            }
        }
        throw new AssertionError("no best label");
    }

    @Test
    void withoutHeldOutLossOnlyTheTrainingCurveIsDrawn() throws Exception {
        Document svg = parse(LossChart.render("t", List.of(new EpochResult(1, 3.0, Double.NaN, 1, 0.01))));

        assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(1);
        assertThat(svg.getDocumentElement().getTextContent()).doesNotContain("held-out");
    }

    @Test
    void anEmptyHistoryStillMakesAValidChart() throws Exception {
        Document svg = parse(LossChart.render("t", List.of()));

        assertThat(svg.getDocumentElement().getTextContent()).contains("no finished epoch yet");
    }

    @Test
    void axisRangesUseOneTwoFiveSteps() {
        double[] range = LossChart.niceRange(new double[] {1.23, 2.87});
        assertThat(range[2]).isCloseTo(0.5, within(1e-12));
        assertThat(range[0]).isCloseTo(1.0, within(1e-12));
        assertThat(range[1]).isCloseTo(3.0, within(1e-12));
        assertThat(LossChart.niceStep(0.03)).isCloseTo(0.05, within(1e-12));
        assertThat(LossChart.niceStep(1.0)).isCloseTo(1.0, within(1e-12));
        double[] flat = LossChart.niceRange(new double[] {2, 2});
        assertThat(flat[0]).isLessThan(2);
        assertThat(flat[1]).isGreaterThan(2);
    }
}
