package dev.textgen.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong now = new AtomicLong();

    private ProgressBar bar(boolean interactive) {
        return new ProgressBar(new PrintWriter(text), interactive, now::get, 5);
    }

    @Test
    void onATerminalOneLineIsRedrawnAtMostFiveTimesASecond() {
        ProgressBar bar = bar(true);
        for (int batch = 1; batch <= 100; batch++) {
            now.addAndGet(50_000_000L);
            bar.update(2, batch, 100, 1.0);
        }
        String out = text.toString();

        assertThat(out).doesNotContain("\n");
        // Drawn at batch 1, then every 4th batch (200 ms), and at the last batch.
        assertThat(out.split("\r", -1)).hasSize(1 + 1 + 24 + 1);
        assertThat(out).endsWith("epoch 2/5 [==============================] 100% 100/100  loss 1.0000  ETA 0:00");
        assertThat(out).contains("epoch 2/5 [=============>                ]  45% 45/100  loss 1.0000  ETA 0:03");
    }

    @Test
    void clearingBlanksTheDrawnLine() {
        ProgressBar bar = bar(true);
        bar.update(1, 1, 10, 2.0);
        int drawn = text.toString().length() - 1;

        bar.clear();

        assertThat(text.toString()).endsWith("\r" + " ".repeat(drawn) + "\r");
    }

    @Test
    void elsewherePlainLinesAppearAtEachTenthOfTheEpoch() {
        ProgressBar bar = bar(false);
        for (int batch = 1; batch <= 200; batch++) {
            now.addAndGet(500_000_000L);
            bar.update(1, batch, 200, batch <= 100 ? 2.0 : 1.0);
        }
        String[] lines = text.toString().split("\n");

        assertThat(lines).hasSize(10);
        assertThat(lines[0]).isEqualTo("epoch 1/5: 20/200 batches (10%), loss 2.0000, ETA 1:30");
        assertThat(lines[9]).isEqualTo("epoch 1/5: 200/200 batches (100%), loss 1.5000, ETA 0:00");
        assertThat(text.toString()).doesNotContain("\r");
    }

    @Test
    void plainLinesComeAtMostEveryFiveSeconds() {
        ProgressBar bar = bar(false);
        for (int batch = 1; batch <= 100; batch++) {
            now.addAndGet(200_000_000L);
            bar.update(1, batch, 100, 1.0);
        }

        // A 20-second epoch: the first tenth after 5 s, then again 5 s later.
        assertThat(text.toString().split("\n")).containsExactly(
                "epoch 1/5: 30/100 batches (30%), loss 1.0000, ETA 0:14",
                "epoch 1/5: 60/100 batches (60%), loss 1.0000, ETA 0:08",
                "epoch 1/5: 90/100 batches (90%), loss 1.0000, ETA 0:02");
    }

    @Test
    void aResumedEpochEstimatesFromTheBatchesRunSinceTheResume() {
        ProgressBar bar = bar(false);
        // Resumed at batch 51 of 100: 10 batches of 1 s each, then a line at 60%.
        for (int batch = 51; batch <= 60; batch++) {
            now.addAndGet(1_000_000_000L);
            bar.update(3, batch, 100, 1.5);
        }

        assertThat(text.toString()).isEqualTo("epoch 3/5: 60/100 batches (60%), loss 1.5000, ETA 0:40\n");
    }

    @Test
    void nonFiniteBatchLossesDoNotPoisonTheRunningMean() {
        ProgressBar bar = bar(true);
        bar.update(1, 1, 2, Double.NaN);
        bar.update(1, 2, 2, 3.0);

        assertThat(text.toString()).endsWith("loss 3.0000  ETA ?");
    }

    @Test
    void durationsAndBars() {
        assertThat(ProgressBar.duration(0)).isEqualTo("0:00");
        assertThat(ProgressBar.duration(59.6)).isEqualTo("1:00");
        assertThat(ProgressBar.duration(3725)).isEqualTo("1:02:05");
        assertThat(ProgressBar.eta(0, 0, 10)).isEqualTo("?");
        assertThat(ProgressBar.eta(10, 5, 30)).isEqualTo("1:00");
        assertThat(ProgressBar.bar(0, 4, 4)).isEqualTo("[>   ]");
        assertThat(ProgressBar.bar(2, 4, 4)).isEqualTo("[==> ]");
        assertThat(ProgressBar.bar(4, 4, 4)).isEqualTo("[====]");
    }
}
