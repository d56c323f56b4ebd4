package dev.textgen.dl4j;

import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Inference through libnd4j's fused {@code lstmLayer} op (the op behind SameDiff's LSTM): one native call
 * per layer for a whole window or one step, instead of the dozen ops per time step of
 * {@code MultiLayerNetwork.output()}/{@code rnnTimeStep()}. Its weights use the portable gate order
 * (input, forget, cell candidate, output), so they are the model file's arrays as they are. Immutable:
 * the arrays are only read, so any number of threads may use one instance; per-caller recurrent state
 * lives in {@link State}.
 */
final class LstmLayerInference {
    private final INDArray[][] layers; // per layer: kernel, recurrent kernel, bias
    private final int[] hidden;
    private final INDArray denseKernel;
    private final INDArray denseBias;
    private final int gateActivation;
    private final int vocabularySize;

    LstmLayerInference(ModelWeights weights, boolean hardSigmoid) {
        int count = weights.lstm().size();
        this.layers = new INDArray[count][];
        this.hidden = new int[count];
        for (int n = 0; n < count; n++) {
            LstmWeights layer = weights.lstm().get(n);
            int h = layer.hiddenSize();
            hidden[n] = h;
            layers[n] = new INDArray[]{
                    Nd4j.create(layer.kernel(), new long[]{layer.inputSize(), 4L * h}, 'c'),
                    Nd4j.create(layer.recurrentKernel(), new long[]{h, 4L * h}, 'c'),
                    Nd4j.create(layer.bias(), new long[]{4L * h}, 'c')};
        }
        this.vocabularySize = weights.vocabularySize();
        this.denseKernel = Nd4j.create(weights.denseKernel(), new long[]{hidden[count - 1], vocabularySize}, 'c');
        this.denseBias = Nd4j.create(weights.denseBias(), new long[]{1, vocabularySize}, 'c');
        this.gateActivation = (hardSigmoid ? LSTMActivations.HARD_SIGMOID : LSTMActivations.SIGMOID).ordinal();
    }

    /**
     * Runs libnd4j's {@code lstmLayer} on {@code x [batch, time, in]} from state {@code (h, c)} (null: zero).
     * Built by hand because the M2.1 {@code LSTMLayer(INDArray...)} constructor passes its inputs in the
     * wrong order. Returns the full sequence when asked, then the last h and the last c.
     */
    private INDArray[] lstmLayer(int layer, INDArray x, INDArray h, INDArray c, boolean fullSequence) {
        INDArray[] w = layers[layer];
        INDArray[] inputs = h == null ? new INDArray[]{x, w[0], w[1], w[2]} : new INDArray[]{x, w[0], w[1], w[2], h, c};
        return Nd4j.exec(DynamicCustomOp.builder("lstmLayer")
                .addInputs(inputs)
                .addIntegerArguments(LSTMDataFormat.NTS.ordinal(), LSTMDirectionMode.FWD.ordinal(), gateActivation,
                        LSTMActivations.TANH.ordinal(), LSTMActivations.TANH.ordinal())
                .addFloatingPointArguments(0.0) // no cell clipping
                // bias, sequence lengths, initial h, initial c, peepholes, full sequence, last h, last c
                .addBooleanArguments(true, false, h != null, h != null, false, fullSequence, true, true)
                .build());
    }

    /** Next-symbol probabilities after {@code ids[from, to)} from the zero state, written into {@code out}. */
    float[] window(int[] ids, int from, int to, float[] out) {
        int steps = to - from;
        float[] oneHot = new float[steps * vocabularySize];
        for (int t = 0; t < steps; t++) {
            oneHot[t * vocabularySize + ids[from + t]] = 1f;
        }
        INDArray x = Nd4j.create(oneHot, new long[]{1, steps, vocabularySize}, 'c');
        INDArray last = null;
        for (int n = 0; n < layers.length; n++) {
            boolean top = n == layers.length - 1;
            INDArray[] outputs = lstmLayer(n, x, null, null, !top);
            if (top) {
                last = outputs[0]; // last h [1, H]
            } else {
                x = outputs[0]; // the sequence [1, T, H]
            }
        }
        return softmax(last, out);
    }

    /** A new recurrent state at zero. */
    State newState() {
        return new State();
    }

    private float[] softmax(INDArray h, float[] out) {
        INDArray logits = h.reshape(1, h.length()).mmul(denseKernel).addi(denseBias);
        float[] probabilities = Transforms.softmax(logits, false).toFloatVector();
        System.arraycopy(probabilities, 0, out, 0, out.length);
        return out;
    }

    /** One caller's recurrent state: h and c of every layer. Not thread-safe. */
    final class State {
        private final INDArray[] h = new INDArray[layers.length];
        private final INDArray[] c = new INDArray[layers.length];
        private final float[] input = new float[vocabularySize];

        private State() {
            reset();
        }

        void reset() {
            for (int n = 0; n < layers.length; n++) {
                h[n] = Nd4j.zeros(DataType.FLOAT, 1, hidden[n]);
                c[n] = Nd4j.zeros(DataType.FLOAT, 1, hidden[n]);
            }
        }

        /** Advances by {@code id} and writes the next-symbol distribution into {@code out}. */
        float[] step(int id, float[] out) {
            Arrays.fill(input, 0f);
            input[id] = 1f;
            INDArray x = Nd4j.create(input, new long[]{1, 1, vocabularySize}, 'c');
            for (int n = 0; n < layers.length; n++) {
                INDArray[] outputs = lstmLayer(n, x, h[n], c[n], false);
                h[n] = outputs[0];
                c[n] = outputs[1];
                x = h[n].reshape(1, 1, hidden[n]);
            }
            return softmax(h[layers.length - 1], out);
        }
    }
}
