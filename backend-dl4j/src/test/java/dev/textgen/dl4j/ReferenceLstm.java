package dev.textgen.dl4j;

import dev.textgen.api.io.LstmWeights;
import dev.textgen.api.io.ModelWeights;

/**
 * A plain float64 LSTM + softmax in the portable (Keras) layout, written from the equations, to check
 * the DL4J network against: {@code z = x W + h U + b} split into gates (i, f, c, o),
 * {@code c' = f c + i tanh(zc)}, {@code h' = o tanh(c')}, then {@code softmax(h W_d + b_d)}; with recurrent
 * dropout masks {@code m}, {@code z = x W + (h * m) U + b}.
 */
final class ReferenceLstm {
    private final ModelWeights weights;
    private final boolean hardSigmoid;
    private final double[][] h;
    private final double[][] c;
    /** Per layer, the recurrent dropout mask of the state it feeds back; null for none. */
    private float[][] recurrentMasks;

    ReferenceLstm(ModelWeights weights, boolean hardSigmoid) {
        this.weights = weights;
        this.hardSigmoid = hardSigmoid;
        int layers = weights.lstm().size();
        this.h = new double[layers][];
        this.c = new double[layers][];
        reset();
    }

    /** Scales the state each layer {@code n} feeds back by {@code masks[n]} from now on; null for no recurrent dropout. */
    void dropRecurrent(float[][] masks) {
        this.recurrentMasks = masks;
    }

    void reset() {
        for (int n = 0; n < h.length; n++) {
            h[n] = new double[weights.lstm().get(n).hiddenSize()];
            c[n] = new double[weights.lstm().get(n).hiddenSize()];
        }
    }

    /** Feeds one symbol and returns the next-symbol distribution. */
    double[] step(int id) {
        double[] x = new double[weights.vocabularySize()];
        x[id] = 1;
        for (int n = 0; n < h.length; n++) {
            x = layer(weights.lstm().get(n), x, n);
        }
        return softmax(x);
    }

    /** The distribution after {@code ids}, from the zero state. */
    double[] window(int[] ids, int from, int to) {
        reset();
        double[] p = null;
        for (int t = from; t < to; t++) {
            p = step(ids[t]);
        }
        return p;
    }

    private double[] layer(LstmWeights w, double[] x, int n) {
        int hidden = w.hiddenSize();
        int width = 4 * hidden;
        double[] z = new double[width];
        for (int j = 0; j < width; j++) {
            z[j] = w.bias()[j];
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i] != 0) {
                for (int j = 0; j < width; j++) {
                    z[j] += x[i] * w.kernel()[i * width + j];
                }
            }
        }
        for (int i = 0; i < hidden; i++) {
            double fedBack = recurrentMasks == null ? h[n][i] : h[n][i] * recurrentMasks[n][i];
            for (int j = 0; j < width; j++) {
                z[j] += fedBack * w.recurrentKernel()[i * width + j];
            }
        }
        double[] next = new double[hidden];
        for (int k = 0; k < hidden; k++) {
            double input = gate(z[k]);
            double forget = gate(z[hidden + k]);
            double candidate = Math.tanh(z[2 * hidden + k]);
            double output = gate(z[3 * hidden + k]);
            c[n][k] = forget * c[n][k] + input * candidate;
            next[k] = output * Math.tanh(c[n][k]);
        }
        h[n] = next;
        return next;
    }

    private double[] softmax(double[] hidden) {
        int v = weights.vocabularySize();
        double[] logits = new double[v];
        for (int j = 0; j < v; j++) {
            logits[j] = weights.denseBias()[j];
        }
        for (int i = 0; i < hidden.length; i++) {
            for (int j = 0; j < v; j++) {
                logits[j] += hidden[i] * weights.denseKernel()[i * v + j];
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int j = 0; j < v; j++) {
            logits[j] = Math.exp(logits[j] - max);
            sum += logits[j];
        }
        for (int j = 0; j < v; j++) {
            logits[j] /= sum;
        }
        return logits;
    }

    private double gate(double x) {
        return hardSigmoid ? Math.max(0, Math.min(1, 0.2 * x + 0.5)) : 1 / (1 + Math.exp(-x));
    }
}
