package dev.textgen.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress within an epoch with the running loss and an ETA. On a terminal one line is redrawn in
 * place (at most every {@value #REDRAW_MILLIS} ms); elsewhere (a log file, a pipe) a plain line is
 * printed at each tenth of the epoch, but at most one per {@value #PLAIN_MIN_SECONDS} s, so that logs
 * stay readable and epochs of a few seconds print only their results.
 */
final class ProgressBar {
    static final int REDRAW_MILLIS = 200;
    private static final int BAR_WIDTH = 30;
    private static final int STEPS_PER_EPOCH_IN_PLAIN_MODE = 10;
    static final int PLAIN_MIN_SECONDS = 5;

    private final PrintWriter out;
    private final boolean interactive;
    private final LongSupplier nanoTime;
    private final int epochs;

    private int epoch = -1;
    private int firstBatch;
    private long epochStart;
    private long lastDraw;
    private int lastTenth;
    private double lossSum;
    private int lossCount;
    private int drawnWidth;

    ProgressBar(PrintWriter out, boolean interactive, LongSupplier nanoTime, int epochs) {
        this.out = out;
        this.interactive = interactive;
        this.nanoTime = nanoTime;
        this.epochs = epochs;
    }

    /**
     * After batch {@code batch} (one-based) of {@code total} in epoch {@code epoch} (one-based). The
     * speed is measured from the first batch seen in the epoch, which is not batch 1 after a resume.
     */
    void update(int epoch, int batch, int total, double loss) {
        long now = nanoTime.getAsLong();
        if (epoch != this.epoch) {
            this.epoch = epoch;
            firstBatch = batch;
            epochStart = now;
            lastDraw = Long.MIN_VALUE;
            lastTenth = (batch - 1) * STEPS_PER_EPOCH_IN_PLAIN_MODE / total;
            lossSum = 0;
            lossCount = 0;
        }
        if (Double.isFinite(loss)) {
            lossSum += loss;
            lossCount++;
        }
        double seconds = (now - epochStart) / 1e9;
        String eta = eta(seconds, batch - firstBatch, total - batch);
        if (interactive) {
            if (batch == total || lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_MILLIS * 1_000_000L) {
                lastDraw = now;
                String line = String.format(Locale.ROOT, "epoch %d/%d %s %3d%% %d/%d  loss %.4f  ETA %s", epoch, epochs,
                        bar(batch, total, BAR_WIDTH), percent(batch, total), batch, total, meanLoss(), eta);
                out.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
                out.flush();
                drawnWidth = line.length();
            }
        } else {
            int tenth = batch * STEPS_PER_EPOCH_IN_PLAIN_MODE / total;
            long sinceLast = lastDraw == Long.MIN_VALUE ? now - epochStart : now - lastDraw;
            boolean newTenth = tenth > lastTenth;
            lastTenth = tenth;
            if (newTenth && sinceLast >= PLAIN_MIN_SECONDS * 1_000_000_000L) {
                lastDraw = now;
                out.printf(Locale.ROOT, "epoch %d/%d: %d/%d batches (%d%%), loss %.4f, ETA %s%n", epoch, epochs, batch, total,
                        percent(batch, total), meanLoss(), eta);
                out.flush();
            }
        }
    }

    /** Clears the redrawn line, before other output. */
    void clear() {
        if (interactive && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            out.flush();
            drawnWidth = 0;
        }
    }

    private double meanLoss() {
        return lossCount == 0 ? Double.NaN : lossSum / lossCount;
    }

    /** {@code [=====>    ]} for {@code done} of {@code total}. */
    static String bar(int done, int total, int width) {
        int filled = (int) ((long) done * width / total);
        StringBuilder bar = new StringBuilder(width + 2).append('[');
        for (int i = 0; i < width; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return bar.append(']').toString();
    }

    /** The time left if the remaining batches go as fast as the {@code done} ones did in {@code seconds}. */
    static String eta(double seconds, int done, int remaining) {
        if (done <= 0 || seconds <= 0) {
            return "?";
        }
        return duration(seconds / done * remaining);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String duration(double seconds) {
        long total = Math.round(seconds);
        long hours = total / 3600;
        long minutes = total / 60 % 60;
        long secs = total % 60;
        return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, secs)
                : String.format(Locale.ROOT, "%d:%02d", minutes, secs);
    }

    private static int percent(int done, int total) {
        return (int) ((long) done * 100 / total);
    }
}
