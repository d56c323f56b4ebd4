package dev.textgen.api;

import dev.textgen.api.spi.ModelArguments;

/**
 * The default window-context session: keeps the last ids and calls {@link LanguageModel#predict} on the
 * last maxlen of them per distribution.
 */
final class RecomputingWindowSession implements Session {
    private final LanguageModel model;
    private final int maxlen;
    /** The last ids; holds up to 2 maxlen so that sliding is amortised. */
    private final int[] context;
    private int size;
    private long fed;

    RecomputingWindowSession(LanguageModel model) {
        this.model = model;
        this.maxlen = model.maxlen();
        this.context = new int[2 * maxlen];
    }

    @Override
    public void feed(int id) {
        ModelArguments.checkId(id, fed, model.vocabulary().size());
        if (size == context.length) {
            System.arraycopy(context, size - maxlen, context, 0, maxlen);
            size = maxlen;
        }
        context[size++] = id;
        fed++;
    }

    @Override
    public float[] probabilities(float[] out) {
        ModelArguments.checkFed(fed);
        return model.predict(context, Math.max(0, size - maxlen), size, out);
    }

    @Override
    public void reset() {
        size = 0;
        fed = 0;
    }
}
