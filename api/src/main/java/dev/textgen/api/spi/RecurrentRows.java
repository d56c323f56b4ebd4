package dev.textgen.api.spi;

/**
 * What a backend supplies for inference: a batch of {@link #rows()} independent recurrent states (every layer's
 * h and c per row), advanced together by one batched step, and the next-symbol distribution of any row.
 * {@link RecurrentSession} runs one row for a stateful session and maxlen rows for the window context, all
 * stepped on the same symbol; a scheduler that serves many streams at once steps each row on its own symbol
 * with {@link #step(int[], int)}. A row's result never depends on the other rows or on how many rows a step
 * covers. Not thread-safe: it belongs to one caller.
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
     * Advances rows {@code [0, count)} by one step each, row {@code r} on {@code ids[r]} (already checked against
     * the vocabulary); rows from {@code count} on keep their state. {@code ids} is only read.
     *
     * @param ids   one symbol id per row, for the first {@code count} rows
     * @param count how many rows to advance, in [0, rows()]
     */
    void step(int[] ids, int count);

    /**
     * Copies the state of rows {@code [from, from + count)} onto rows {@code [to, to + count)}, as
     * {@link System#arraycopy} does (the ranges may overlap), so that a scheduler can keep its live rows first.
     *
     * @param from  the first row copied
     * @param to    the first row written
     * @param count how many rows
     */
    void move(int from, int to, int count);

    /**
     * Writes the next-symbol distribution of {@code row} after the last step into {@code out} and returns it.
     *
     * @param row the row to read, in [0, rows())
     * @param out receives one probability per symbol
     * @return {@code out}
     */
    float[] probabilities(int row, float[] out);

    /**
     * Writes the distributions of rows {@code rows[0, count)} after the last step into {@code out[0, count)}, the
     * same values as {@link #probabilities(int, float[])} row by row (which this default does); backends compute
     * them as one product, as a scheduler reads many rows per step.
     *
     * @param rows  the rows to read; only the first {@code count} are used
     * @param count how many rows to read
     * @param out   receives row {@code rows[i]}'s distribution in {@code out[i]}
     */
    default void probabilities(int[] rows, int count, float[][] out) {
        for (int i = 0; i < count; i++) {
            probabilities(rows[i], out[i]);
        }
    }

    /** Releases backend resources; the rows are unusable after. */
    @Override
    default void close() {
    }
}
