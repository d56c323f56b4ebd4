package dev.textgen.sampling;

/** Restricts a tempered distribution to the ids a sampler may draw (top-k, top-p, min-p). */
interface Truncation {

    /** Keeps every id. */
    Truncation NONE = (weights, size) -> {
    };

    /**
     * Sets to 0 the weights of the ids that must not be drawn; the most likely id (the lowest on a tie)
     * is always kept. On entry {@code weights[0, size)} are {@code >= 0} with a positive maximum: the
     * tempered weights, whose maximum is exactly 1, or the untempered ones if {@link #beforeTemperature()}.
     */
    void apply(double[] weights, int size);

    /**
     * Whether this truncation runs on the untempered weights, keeping the ids it would keep after the
     * temperature: then only the kept ids pay for the temperature's logarithms.
     */
    default boolean beforeTemperature() {
        return false;
    }
}
