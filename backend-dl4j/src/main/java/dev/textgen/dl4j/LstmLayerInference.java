package dev.textgen.dl4j;

import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.RecurrentRows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Inference through libnd4j's fused {@code lstmLayer} op (the op behind SameDiff's LSTM): one native call
 * per layer for a whole window or one step, instead of the dozen ops per time step of
 * {@code MultiLayerNetwork.output()}/{@code rnnTimeStep()}. Its weights use the portable gate order
 * (input, forget, cell candidate, output), so they are the model file's arrays as they are.
 *
 * <p>The cost of a call is per native call and per array, not arithmetic, so every caller builds its ops
 * once with preallocated input and output arrays ({@link Window} per thread and window length,
 * {@link State} per session) and then only rewrites the one-hot input in place and re-runs them; the
 * Dense layer and softmax (H x V multiply-adds) run in Java on the last hidden state. The weights are only
 * read, so any number of threads may use one instance.
 */
final class LstmLayerInference {
    private final INDArray[][] layers; // per layer: kernel, recurrent kernel, bias
    private final int[] hidden;
    private final float[] denseKernel; // [H, V] row-major
    private final float[] denseBias;
    private final int gateActivation;
    private final int vocabularySize;
    /** Per thread, the ops of every window length used so far (at most maxlen of them). */
    private final ThreadLocal<Map<Integer, Window>> windows = ThreadLocal.withInitial(HashMap::new);

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
        this.denseKernel = weights.denseKernel().clone();
        this.denseBias = weights.denseBias().clone();
        this.gateActivation = (hardSigmoid ? LSTMActivations.HARD_SIGMOID : LSTMActivations.SIGMOID).ordinal();
    }

    /**
     * libnd4j's {@code lstmLayer} on {@code x [1, time, in]} from state {@code (h, c)} (null: zero), writing
     * into {@code outputs}: the full sequence when asked, then the last h and the last c. Built by hand
     * because the M2.1 {@code LSTMLayer(INDArray...)} constructor passes its inputs in the wrong order.
     */
    private DynamicCustomOp lstmLayer(int layer, INDArray x, INDArray h, INDArray c, INDArray... outputs) {
        INDArray[] w = layers[layer];
        INDArray[] inputs = h == null ? new INDArray[]{x, w[0], w[1], w[2]} : new INDArray[]{x, w[0], w[1], w[2], h, c};
        return DynamicCustomOp.builder("lstmLayer")
                .addInputs(inputs)
                .addOutputs(outputs)
                .addIntegerArguments(LSTMDataFormat.NTS.ordinal(), LSTMDirectionMode.FWD.ordinal(), gateActivation,
                        LSTMActivations.TANH.ordinal(), LSTMActivations.TANH.ordinal())
                .addFloatingPointArguments(0.0) // no cell clipping
                // bias, sequence lengths, initial h, initial c, peepholes, full sequence, last h, last c
                .addBooleanArguments(true, false, h != null, h != null, false, outputs.length == 3, true, true)
                .build();
    }

    private static INDArray zeros(long... shape) {
        return Nd4j.zeros(DataType.FLOAT, shape);
    }

    /** Next-symbol probabilities after {@code ids[from, to)} from the zero state, written into {@code out}. */
    float[] window(int[] ids, int from, int to, float[] out) {
        int steps = to - from;
        return windows.get().computeIfAbsent(steps, Window::new).run(ids, from, out);
    }

    /** A new recurrent state of {@code rows} independent rows, all at zero. */
    State newState(int rows) {
        return new State(rows);
    }

    /** Writes softmax(h W + b) into {@code out}; {@code h} is the top layer's last hidden state. */
    private float[] denseSoftmax(float[] h, float[] logits, float[] out) {
        System.arraycopy(denseBias, 0, logits, 0, vocabularySize);
        for (int k = 0; k < h.length; k++) {
            float hk = h[k];
            int row = k * vocabularySize;
            for (int j = 0; j < vocabularySize; j++) {
                logits[j] += hk * denseKernel[row + j];
            }
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (int j = 0; j < vocabularySize; j++) {
            sum += Math.exp(logits[j] - max);
        }
        for (int j = 0; j < vocabularySize; j++) {
            out[j] = (float) (Math.exp(logits[j] - max) / sum);
        }
        return out;
    }

    /** One thread's ops for windows of one length: a one-hot input rewritten in place, outputs reused. */
    private final class Window {
        private final int steps;
        private final INDArray x;
        private final FloatBuffer oneHot;
        private final int[] hot; // the positions set to 1 by the previous call
        private final DynamicCustomOp[] ops = new DynamicCustomOp[layers.length];
        private final INDArray last;
        private final FloatBuffer lastHidden;
        private final float[] h = new float[hidden[layers.length - 1]];
        private final float[] logits = new float[vocabularySize];

        Window(int steps) {
            this.steps = steps;
            this.x = zeros(1, steps, vocabularySize);
            this.oneHot = x.data().asNioFloat();
            this.hot = new int[steps];
            for (int t = 0; t < steps; t++) {
                hot[t] = t * vocabularySize; // in its own row, so clearing it first clears no other row
            }
            this.last = zeros(1, hidden[layers.length - 1]);
            INDArray input = x;
            for (int n = 0; n < layers.length; n++) {
                if (n == layers.length - 1) {
                    ops[n] = lstmLayer(n, input, null, null, last, zeros(1, hidden[n]));
                } else {
                    INDArray sequence = zeros(1, steps, hidden[n]);
                    ops[n] = lstmLayer(n, input, null, null, sequence, zeros(1, hidden[n]), zeros(1, hidden[n]));
                    input = sequence;
                }
            }
            this.lastHidden = last.data().asNioFloat();
        }

        float[] run(int[] ids, int from, float[] out) {
            for (int t = 0; t < steps; t++) {
                oneHot.put(hot[t], 0f);
                hot[t] = t * vocabularySize + ids[from + t];
                oneHot.put(hot[t], 1f);
            }
            for (DynamicCustomOp op : ops) {
                Nd4j.exec(op);
            }
            lastHidden.get(0, h);
            return denseSoftmax(h, logits, out);
        }
    }

    /**
     * One caller's recurrent state: h and c of every layer for each of {@code rows} independent rows, in two
     * sets that the ops of alternate steps read from and write to (an op never writes the arrays it reads). Not thread-safe; unusable after {@link #close()}.
     */
    final class State implements RecurrentRows {
        private final int rows;
        private final INDArray[][] h = new INDArray[2][layers.length];
        private final INDArray[][] c = new INDArray[2][layers.length];
        private final FloatBuffer[][] hData = new FloatBuffer[2][layers.length];
        private final FloatBuffer[][] cData = new FloatBuffer[2][layers.length];
        private final DynamicCustomOp[][] ops = new DynamicCustomOp[2][layers.length];
        private final INDArray x;
        private final FloatBuffer oneHot;
        private final float[] zeros = new float[Arrays.stream(hidden).max().orElseThrow()];
        private final float[] top = new float[hidden[layers.length - 1]];
        private final float[] logits = new float[vocabularySize];
        /** The set holding the current state. */
        private int parity;
        /** Per row, the one-hot position its last step set. */
        private final int[] hot;
        /** The ids of a step on one symbol, every row the same. */
        private final int[] sameIds;
        private boolean closed;

        private State(int rows) {
            this.rows = rows;
            this.hot = new int[rows];
            this.sameIds = new int[rows];
            this.x = zeros(rows, 1, vocabularySize);
            this.oneHot = x.data().asNioFloat();
            for (int p = 0; p < 2; p++) {
                for (int n = 0; n < layers.length; n++) {
                    h[p][n] = zeros(rows, hidden[n]);
                    c[p][n] = zeros(rows, hidden[n]);
                    hData[p][n] = h[p][n].data().asNioFloat();
                    cData[p][n] = c[p][n].data().asNioFloat();
                }
            }
            for (int p = 0; p < 2; p++) {
                INDArray input = x;
                for (int n = 0; n < layers.length; n++) {
                    ops[p][n] = lstmLayer(n, input, h[p][n], c[p][n], h[1 - p][n], c[1 - p][n]);
                    input = h[1 - p][n].reshape(rows, 1, hidden[n]);
                }
            }
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public void reset() {
            checkOpen();
            for (int p = 0; p < 2; p++) {
                for (int n = 0; n < layers.length; n++) {
                    h[p][n].assign(0);
                    c[p][n].assign(0);
                }
            }
            parity = 0;
        }

        @Override
        public void reset(int row) {
            checkOpen();
            for (int n = 0; n < layers.length; n++) {
                hData[parity][n].put(row * hidden[n], zeros, 0, hidden[n]);
                cData[parity][n].put(row * hidden[n], zeros, 0, hidden[n]);
            }
        }

        @Override
        public void step(int id) {
            Arrays.fill(sameIds, id);
            step(sameIds, rows);
        }

        /**
         * The op always runs all rows (its arrays have a fixed shape), so the rows from {@code count} on are
         * copied back to the set that becomes current.
         */
        @Override
        public void step(int[] ids, int count) {
            checkOpen();
            Objects.checkFromIndexSize(0, count, rows);
            for (int r = 0; r < count; r++) {
                oneHot.put(r * vocabularySize + hot[r], 0f);
                hot[r] = ids[r];
                oneHot.put(r * vocabularySize + hot[r], 1f);
            }
            for (DynamicCustomOp op : ops[parity]) {
                Nd4j.exec(op);
            }
            if (count < rows) {
                for (int n = 0; n < layers.length; n++) {
                    copyRows(hData[parity][n], hData[1 - parity][n], count, count, rows - count, hidden[n]);
                    copyRows(cData[parity][n], cData[1 - parity][n], count, count, rows - count, hidden[n]);
                }
            }
            parity = 1 - parity;
        }

        @Override
        public void move(int from, int to, int count) {
            checkOpen();
            for (int n = 0; n < layers.length; n++) {
                copyRows(hData[parity][n], hData[parity][n], from, to, count, hidden[n]);
                copyRows(cData[parity][n], cData[parity][n], from, to, count, hidden[n]);
            }
        }

        /** Rows {@code [from, from + count)} of {@code source} onto {@code [to, to + count)} of {@code target}. */
        private void copyRows(FloatBuffer source, FloatBuffer target, int from, int to, int count, int width) {
            float[] copy = new float[count * width];
            source.get(from * width, copy);
            target.put(to * width, copy);
        }

        @Override
        public float[] probabilities(int row, float[] out) {
            checkOpen();
            hData[parity][layers.length - 1].get(row * top.length, top);
            return denseSoftmax(top, logits, out);
        }

        @Override
        public void close() {
            closed = true;
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("the session is closed");
            }
        }
    }
}
