package dev.textgen.api.spi;

/**
 * What a backend supplies for inference sessions: a batch of {@link #rows()} independent recurrent states
 * (every layer's h and c per row), all advanced together by one batched step on the same symbol, and the
 * next-symbol distribution of any row. {@link RecurrentSession} runs one row for a stateful session and
 * maxlen rows for the window context. Not thread-safe: it belongs to one session.
 */
public interface RecurrentRows extends AutoCloseable {

    /**
     * The number of rows.
     *
     * @return the number of independent states, at least 1
     */
    int rows();

    /** Every row back to the zero state. */
    void reset();

    /**
     * One row back to the zero state; the others keep theirs.
     *
     * @param row the row to reset, in [0, rows())
     */
    void reset(int row);

    /**
     * Advances every row by one step on {@code id}, already checked against the vocabulary.
     *
     * @param id the symbol id every row reads
     */
    void step(int id);

    /**
     * Writes the next-symbol distribution of {@code row} after the last step into {@code out} and returns it.
     *
     * @param row the row to read, in [0, rows())
     * @param out receives one probability per symbol
     * @return {@code out}
     */
    float[] probabilities(int row, float[] out);

    /** Releases backend resources; the rows are unusable after. */
    @Override
    default void close() {
    }
}
