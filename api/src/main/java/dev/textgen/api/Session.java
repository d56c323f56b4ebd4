package dev.textgen.api;

/**
 * Stateful, streaming inference: feed one id at a time and read the next-symbol distribution, one
 * LSTM step per symbol. A session belongs to one caller and is not thread-safe; the model it came from
 * is, so create one session per thread.
 */
public interface Session extends AutoCloseable {

    /**
     * Advances the state by one symbol.
     *
     * @param id a symbol id of the model's vocabulary
     */
    void feed(int id);

    /**
     * Writes the distribution of the symbol after the last fed one into {@code out} (length
     * {@code vocabulary().size()}) and returns it.
     *
     * @param out receives one probability per symbol
     * @return {@code out}
     * @throws IllegalStateException before the first {@link #feed}
     */
    float[] probabilities(float[] out);

    /** Returns to the zero state, as new. */
    void reset();

    /** Releases backend resources (native memory on some backends); the session is unusable after. */
    @Override
    default void close() {
    }
}
