package dev.textgen.sampling;

/**
 * Keeps the k most likely ids (the lower id first on a tie); k at or above the vocabulary size keeps all.
 * The temperature keeps the order, so this ranks the untempered weights, which a huge temperature cannot
 * round into ties.
 */
final class TopK implements Truncation {
    private final int k;
    private final RankedIds ranked = new RankedIds();

    TopK(int k) {
        this.k = k;
    }

    @Override
    public boolean beforeTemperature() {
        return true;
    }

    @Override
    public void apply(double[] weights, int size) {
        if (k >= size) {
            return;
        }
        ranked.rank(weights, size);
        int last = ranked.next();
        for (int taken = 1; taken < k; taken++) {
            last = ranked.next();
        }
        RankedIds.keepThrough(weights, size, last);
    }
}
