package dev.textgen.sampling;

/**
 * Nucleus sampling: keeps the fewest most likely ids (the lower id first on a tie) whose share of the
 * tempered mass is at least p; p = 1 keeps every id.
 */
final class TopP implements Truncation {
    private final double p;
    private final RankedIds ranked = new RankedIds();

    TopP(double p) {
        this.p = p;
    }

    @Override
    public void apply(double[] weights, int size) {
        if (p == 1) {
            return;
        }
        double total = 0;
        for (int id = 0; id < size; id++) {
            total += weights[id];
        }
        double needed = p * total;
        ranked.rank(weights, size);
        double kept = 0;
        int last;
        do {
            last = ranked.next();
            kept += weights[last];
        } while (kept < needed && ranked.hasNext());
        RankedIds.keepThrough(weights, size, last);
    }
}
