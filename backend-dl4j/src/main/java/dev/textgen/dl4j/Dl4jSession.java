package dev.textgen.dl4j;

import dev.textgen.api.Session;
import dev.textgen.api.spi.ModelArguments;

/** A stateful session: its own recurrent state, advanced one fused lstmLayer step per symbol. */
final class Dl4jSession implements Session {
    private final Dl4jLanguageModel model;
    private final float[] last;
    private LstmLayerInference.State state;
    private long fed;

    Dl4jSession(Dl4jLanguageModel model, LstmLayerInference.State state) {
        this.model = model;
        this.state = state;
        this.last = new float[model.vocabulary().size()];
    }

    @Override
    public void feed(int id) {
        ModelArguments.checkId(id, fed, model.vocabulary().size());
        open().step(id, last);
        fed++;
    }

    @Override
    public float[] probabilities(float[] out) {
        open();
        if (fed == 0) {
            throw new IllegalStateException("no symbol fed yet: call feed(id) before probabilities()");
        }
        ModelArguments.checkOut(out, model.vocabulary().size());
        System.arraycopy(last, 0, out, 0, last.length);
        return out;
    }

    @Override
    public void reset() {
        open().reset();
        fed = 0;
    }

    @Override
    public void close() {
        state = null;
    }

    private LstmLayerInference.State open() {
        if (state == null) {
            throw new IllegalStateException("the session is closed");
        }
        return state;
    }
}
