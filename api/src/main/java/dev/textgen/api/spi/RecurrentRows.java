package dev.textgen.api.spi;

/**
 * What a backend supplies for inference sessions: a batch of {@link #rows()} independent recurrent states
 * (every layer's h and c per row), all advanced together by one batched step on the same symbol, and the
 * next-symbol distribution of any row. {@link RecurrentSession} runs one row for a stateful session and
 * maxlen rows for the window context. Not thread-safe: it belongs to one session.
 */
public interface RecurrentRows extends AutoCloseable {

    /** The number of rows. */
    int rows();

    /** Every row back to the zero state. */
    void reset();

    /** One row back to the zero state; the others keep theirs. */
    void reset(int row);

    /** Advances every row by one step on {@code id}, already checked against the vocabulary. */
    void step(int id);

    /** Writes the next-symbol distribution of {@code row} after the last step into {@code out} and returns it. */
    float[] probabilities(int row, float[] out);

    /** Releases backend resources; the rows are unusable after. */
    @Override
    default void close() {
    }
}
