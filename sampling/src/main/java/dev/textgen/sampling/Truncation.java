package dev.textgen.sampling;

/** Restricts a tempered distribution to the ids a sampler may draw (top-k, top-p, min-p). */
interface Truncation {

    /** Keeps every id. */
    Truncation NONE = (weights, size) -> {
    };

    /**
     * Sets to 0 the weights of the ids that must not be drawn. On entry {@code weights[0, size)} are
     * {@code >= 0} with maximum exactly 1; the most likely id is always kept.
     */
    void apply(double[] weights, int size);
}
