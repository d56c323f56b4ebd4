package dev.textgen.api;

import java.util.random.RandomGenerator;

/**
 * Picks the next symbol id from a probability distribution over the vocabulary.
 *
 * <p>Implementations compute in double, never modify {@code probabilities}, and draw only from
 * {@code random}, so that the same generator state gives the same id on every backend. An instance may
 * keep scratch buffers to avoid allocating per draw: use one instance per thread (create them through
 * {@link dev.textgen.api.spi.SamplerProvider}, which is cheap).
 */
@FunctionalInterface
public interface Sampler {

    /**
     * The id drawn from {@code probabilities} (non-negative, summing to about 1).
     *
     * @param probabilities the distribution over the vocabulary, one entry per id; not modified
     * @param random the only source of randomness
     * @return an id in [0, probabilities.length)
     * @throws IllegalArgumentException when the distribution is empty, has a NaN or negative entry, or sums to 0
     */
    int sample(float[] probabilities, RandomGenerator random);

    /**
     * Told of every id that enters the context (seed and generated), for samplers that depend on history.
     *
     * @param id the symbol id that entered the context
     */
    default void observe(int id) {
    }

    /** Forgets the observed history, before a new generation. */
    default void reset() {
    }
}
