package dev.textgen.dl4j;

import dev.textgen.api.Session;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A stateful session: its own network clone, stepped with {@link MultiLayerNetwork#rnnTimeStep}. */
final class Dl4jSession implements Session {
    private final Dl4jLanguageModel model;
    private final float[] input;
    private final float[] last;
    private MultiLayerNetwork network;
    private int previous = -1;
    private boolean fed;

    Dl4jSession(Dl4jLanguageModel model, MultiLayerNetwork network) {
        this.model = model;
        this.network = network;
        this.input = new float[model.vocabulary().size()];
        this.last = new float[model.vocabulary().size()];
    }

    @Override
    public void feed(int id) {
        model.checkId(id);
        MultiLayerNetwork net = open();
        if (previous >= 0) {
            input[previous] = 0f;
        }
        input[id] = 1f;
        previous = id;
        INDArray output = net.rnnTimeStep(Nd4j.create(input, new long[]{1, 1, input.length}, 'c'));
        Dl4jLanguageModel.copyStep(output, 0, last);
        fed = true;
    }

    @Override
    public float[] probabilities(float[] out) {
        open();
        if (!fed) {
            throw new IllegalStateException("no symbol fed yet: call feed(id) before probabilities()");
        }
        model.checkOut(out);
        System.arraycopy(last, 0, out, 0, last.length);
        return out;
    }

    @Override
    public void reset() {
        open().rnnClearPreviousState();
        fed = false;
    }

    @Override
    public void close() {
        if (network != null) {
            model.release(network);
            network = null;
        }
    }

    private MultiLayerNetwork open() {
        if (network == null) {
            throw new IllegalStateException("the session is closed");
        }
        return network;
    }
}
