package dev.textgen.sampling;

/**
 * Keeps the ids whose tempered probability is at least minP times the highest; since the tempered
 * maximum weighs 1, that is every weight {@code >= minP}. On the untempered (penalised) probabilities it
 * is q[i] >= minP^T * max q.
 */
final class MinP implements Truncation {
    private final double minP;

    MinP(double minP) {
        this.minP = minP;
    }

    @Override
    public void apply(double[] weights, int size) {
        for (int id = 0; id < size; id++) {
            if (weights[id] < minP) {
                weights[id] = 0;
            }
        }
    }
}
