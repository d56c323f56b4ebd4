package dev.textgen.sampling;

import java.util.Arrays;

/**
 * CTRL-style repetition penalty on probabilities: every id that occurs among the last {@code window}
 * observed ids has its probability divided by {@code penalty} (once, however often it occurs) before
 * the temperature is applied. A penalty of 1 is off and remembers nothing.
 */
final class RepetitionPenalty {
    static final int MAX_WINDOW = 65_536;

    private final double penalty;
    private final int[] recent;
    private int size;
    private int next;
    /** How often each id occurs in the window; grows to the largest id observed. */
    private int[] occurrences = new int[0];

    RepetitionPenalty(double penalty, int window) {
        this.penalty = penalty;
        this.recent = penalty == 1 ? new int[0] : new int[window];
    }

    /** The probability of {@code id} after the penalty. */
    double apply(int id, double probability) {
        return id < occurrences.length && occurrences[id] > 0 ? probability / penalty : probability;
    }

    void observe(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("observed id = " + id + " is invalid; ids are >= 0");
        }
        if (recent.length == 0) {
            return;
        }
        if (size == recent.length) {
            occurrences[recent[next]]--;
        } else {
            size++;
        }
        recent[next] = id;
        next = (next + 1) % recent.length;
        if (id >= occurrences.length) {
            occurrences = Arrays.copyOf(occurrences, Math.max(id + 1, 2 * occurrences.length));
        }
        occurrences[id]++;
    }

    void reset() {
        Arrays.fill(occurrences, 0);
        size = 0;
        next = 0;
    }
}
