package dev.textgen.scratch.nn;

import dev.textgen.scratch.simd.Kernels;

import java.util.Arrays;

/**
 * Runs a network one symbol at a time for one caller: the LSTM state of every layer, advanced by
 * {@link #step}, and the softmax of the top layer's output. Not thread-safe; the network is only read.
 */
public final class Stepper {
    private final Network network;
    private final Kernels kernels;
    private final boolean hardSigmoid;
    private final float[][] h;
    private final float[][] c;
    private final float[] z;
    private final float[] tanhC;
    private boolean fresh = true;

    public Stepper(Network network, Kernels kernels, boolean hardSigmoid) {
        this.network = network;
        this.kernels = kernels;
        this.hardSigmoid = hardSigmoid;
        int layers = network.layers();
        h = new float[layers][];
        c = new float[layers][];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            h[l] = new float[network.hiddenSize(l)];
            c[l] = new float[network.hiddenSize(l)];
            widest = Math.max(widest, network.hiddenSize(l));
        }
        z = new float[4 * widest];
        tanhC = new float[widest];
    }

    /** Back to the zero state. */
    public void reset() {
        for (int l = 0; l < h.length; l++) {
            Arrays.fill(h[l], 0f);
            Arrays.fill(c[l], 0f);
        }
        fresh = true;
    }

    /** Whether no symbol was fed since the zero state. */
    public boolean fresh() {
        return fresh;
    }

    /** Advances every layer by symbol {@code id} (not checked: callers validate ids). */
    public void step(int id) {
        for (int l = 0; l < h.length; l++) {
            int hidden = network.hiddenSize(l);
            int gates = 4 * hidden;
            System.arraycopy(network.bias(l), 0, z, 0, gates);
            if (l == 0) {
                kernels.add(network.kernel(0), id * gates, z, 0, gates);
            } else {
                kernels.gemm(1, gates, network.inputSize(l), h[l - 1], 0, hidden, network.kernel(l), 0, gates, z, 0, gates);
            }
            if (!fresh) {
                kernels.gemm(1, gates, hidden, h[l], 0, hidden, network.recurrentKernel(l), 0, gates, z, 0, gates);
            }
            // The cell's previous state is read before h and c are overwritten, so they can be updated in place.
            kernels.lstmForward(z, 0, fresh ? null : c[l], 0, c[l], 0, tanhC, 0, h[l], 0, hidden, hardSigmoid);
        }
        fresh = false;
    }

    /** The softmax over the vocabulary after the last step, written into {@code out}. */
    public float[] probabilities(float[] out) {
        int v = network.vocabularySize();
        int top = network.topSize();
        System.arraycopy(network.denseBias(), 0, out, 0, v);
        kernels.gemm(1, v, top, h[h.length - 1], 0, top, network.denseKernel(), 0, v, out, 0, v);
        Softmax.inPlace(out, 0, v);
        return out;
    }
}
