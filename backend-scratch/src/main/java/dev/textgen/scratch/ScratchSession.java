package dev.textgen.scratch;

import dev.textgen.api.Session;
import dev.textgen.api.spi.ModelArguments;
import dev.textgen.scratch.nn.Stepper;

/** One caller's LSTM state over a {@link ScratchModel}: one LSTM step per fed symbol. */
final class ScratchSession implements Session {
    private final ScratchModel model;
    private final Stepper stepper;
    private long fed;

    ScratchSession(ScratchModel model) {
        this.model = model;
        this.stepper = model.newStepper();
    }

    @Override
    public void feed(int id) {
        ModelArguments.checkId(id, fed, model.vocabulary().size());
        stepper.step(id);
        fed++;
    }

    @Override
    public float[] probabilities(float[] out) {
        if (stepper.fresh()) {
            throw new IllegalStateException("feed at least one symbol before asking for probabilities");
        }
        ModelArguments.checkOut(out, model.vocabulary().size());
        return stepper.probabilities(out);
    }

    @Override
    public void reset() {
        stepper.reset();
        fed = 0;
    }
}
