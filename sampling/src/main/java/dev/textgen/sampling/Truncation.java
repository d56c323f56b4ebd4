package dev.textgen.sampling;

/** Restricts a tempered distribution to the ids a sampler may draw (top-k, top-p, min-p). */
interface Truncation {

    /** Keeps every id. */
    Truncation NONE = (weights, size) -> {
    };

    /**
     * Sets to 0 the weights of the ids that must not be drawn; the most likely id (the lowest on a tie)
     * is always kept. On entry {@code weights[0, size)} are {@code >= 0}: the tempered weights, whose
     * maximum is exactly 1, or for a truncation {@link #byRankOnly() by rank only} the untempered ones.
     */
    void apply(double[] weights, int size);

    /** Whether the kept ids depend only on the order of the weights, so the temperature cannot change them. */
    default boolean byRankOnly() {
        return false;
    }
}
