package dev.textgen.api.spi;

import dev.textgen.api.Session;

/**
 * The {@link Session}s of a backend, on its {@link RecurrentRows}: {@link #stateful stateful} on one row, and
 * {@link #window window} context on maxlen rows.
 *
 * <p><b>Window context, computed incrementally.</b> The distribution after {@code n} fed ids is that of the
 * window {@code x[max(0, n - maxlen), n)} read from the zero state, exactly as
 * {@link dev.textgen.api.LanguageModel#predict}, but every window is started as soon as its first id is
 * known. So maxlen windows are in flight at once, one per row, and each fed id advances all of them by one
 * batched LSTM step: the same arithmetic per window as re-reading it, in one batched step per symbol instead
 * of maxlen single-row steps. Row {@code r} holds the window that ends after a multiple of maxlen plus
 * {@code r} ids. Feeding id {@code n} first zeroes row {@code n mod maxlen}, whose window ended (and was
 * read) after {@code n} ids, so that it starts the window that ends maxlen ids later; then every row steps
 * with the id. While fewer than maxlen ids have been fed, every window starts at id 0, as {@code predict}
 * reads a short context.
 */
public final class RecurrentSession implements Session {
    private final RecurrentRows rows;
    private final int vocabularySize;
    private final boolean window;
    private long fed;

    private RecurrentSession(RecurrentRows rows, int vocabularySize, boolean window) {
        this.rows = rows;
        this.vocabularySize = vocabularySize;
        this.window = window;
    }

    /**
     * A stateful session on {@code state} (one row): one step per fed symbol, the state carried forward.
     *
     * @param state the backend's recurrent state, with one row
     * @param vocabularySize the number of symbols
     * @return a session at the zero state
     * @throws IllegalArgumentException when {@code state} has more than one row
     */
    public static Session stateful(RecurrentRows state, int vocabularySize) {
        if (state.rows() != 1) {
            throw new IllegalArgumentException("a stateful session runs one row, got " + state.rows());
        }
        return new RecurrentSession(state, vocabularySize, false);
    }

    /**
     * A window-context session for a model whose maxlen is {@code windows.rows()}.
     *
     * @param windows the backend's recurrent states, one row per window position
     * @param vocabularySize the number of symbols
     * @return a session at the zero state
     */
    public static Session window(RecurrentRows windows, int vocabularySize) {
        if (windows.rows() < 1) {
            throw new IllegalArgumentException("a window session needs maxlen >= 1 rows, got " + windows.rows());
        }
        return new RecurrentSession(windows, vocabularySize, true);
    }

    @Override
    public void feed(int id) {
        ModelArguments.checkId(id, fed, vocabularySize);
        if (window) {
            rows.reset(row());
        }
        rows.step(id);
        fed++;
    }

    @Override
    public float[] probabilities(float[] out) {
        ModelArguments.checkFed(fed);
        ModelArguments.checkOut(out, vocabularySize);
        return rows.probabilities(row(), out);
    }

    /** The row whose window ends after the ids fed so far (always 0 when stateful). */
    private int row() {
        return (int) (fed % rows.rows());
    }

    @Override
    public void reset() {
        rows.reset();
        fed = 0;
    }

    @Override
    public void close() {
        rows.close();
    }
}
