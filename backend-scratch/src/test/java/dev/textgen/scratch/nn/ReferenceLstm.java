package dev.textgen.scratch.nn;

/**
 * An independent, deliberately plain LSTM + Dense softmax in double precision: one window at a time,
 * exact {@code Math.tanh} and {@code Math.exp}, no blocking, no threads. It is the yardstick the float32
 * production path is compared with, and is itself checked against finite differences.
 *
 * <p>Parameters are in the Keras layout and in the order of {@link Network#tensors()}. With {@code allSteps}
 * the loss is the mean over every step's prediction of the next id (the window's target at the last step),
 * and the Dense layer's dropout mask has a row per step, {@code t * batch + b}.
 */
final class ReferenceLstm {
    /**
     * The dropout masks of a batch, laid out as the production buffers; a null array or row means no dropout there.
     *
     * @param inputs per layer, the mask of its input (layer 0's is null): row {@code t * batch + b}
     * @param dense the mask of the Dense layer's input: row {@code b}, or {@code t * batch + b} with allSteps
     * @param state per layer, the recurrent mask of its fed-back state: row {@code b}, the same at every step
     */
    record Masks(float[][] inputs, float[] dense, float[][] state) {
        double input(int l, int row, int width, int k) {
            return inputs == null || inputs[l] == null ? 1 : inputs[l][row * width + k];
        }

        double dense(int row, int width, int k) {
            return dense == null ? 1 : dense[row * width + k];
        }

        double state(int l, int b, int width, int k) {
            return state == null || state[l] == null ? 1 : state[l][b * width + k];
        }
    }

    final int vocabulary;
    final int[] hidden;
    final boolean hardSigmoid;
    final double[][] tensors;
    final boolean allSteps;

    ReferenceLstm(int vocabulary, int[] hidden, boolean hardSigmoid, double[][] tensors, boolean allSteps) {
        this.vocabulary = vocabulary;
        this.hidden = hidden;
        this.hardSigmoid = hardSigmoid;
        this.tensors = tensors;
        this.allSteps = allSteps;
    }

    static ReferenceLstm of(Network net, boolean hardSigmoid) {
        return of(net, hardSigmoid, false);
    }

    static ReferenceLstm of(Network net, boolean hardSigmoid, boolean allSteps) {
        int[] hidden = new int[net.layers()];
        for (int l = 0; l < hidden.length; l++) {
            hidden[l] = net.hiddenSize(l);
        }
        float[][] source = net.tensors();
        double[][] tensors = new double[source.length][];
        for (int i = 0; i < source.length; i++) {
            tensors[i] = new double[source[i].length];
            for (int j = 0; j < source[i].length; j++) {
                tensors[i][j] = source[i][j];
            }
        }
        return new ReferenceLstm(net.vocabularySize(), hidden, hardSigmoid, tensors, allSteps);
    }

    int in(int l) {
        return l == 0 ? vocabulary : hidden[l - 1];
    }

    double gate(double x) {
        return hardSigmoid ? Math.max(0, Math.min(1, 0.2 * x + 0.5)) : 1 / (1 + Math.exp(-x));
    }

    double gateSlope(double x) {
        if (hardSigmoid) {
            double y = 0.2 * x + 0.5;
            return y > 0 && y < 1 ? 0.2 : 0;
        }
        double s = gate(x);
        return s * (1 - s);
    }

    /** Smallest distance of any gate pre-activation from a kink of hard_sigmoid (+-2.5), over the batch. */
    double kinkDistance(int[][] ids, Masks masks) {
        double[] min = {Double.MAX_VALUE};
        for (int b = 0; b < ids.length; b++) {
            Trace trace = forward(ids[b], b, ids.length, masks);
            for (double[][] layer : trace.z) {
                for (double[] step : layer) {
                    for (int j = 0; j < step.length; j++) {
                        if ((j / (step.length / 4)) != 2) {
                            min[0] = Math.min(min[0], Math.abs(Math.abs(step[j]) - 2.5));
                        }
                    }
                }
            }
        }
        return min[0];
    }

    /** Everything of one window's forward pass that the backward pass needs. */
    final class Trace {
        final int steps;
        final double[][][] x;
        final double[][][] z;
        final double[][][] a;
        final double[][][] c;
        final double[][][] h;
        /** The state fed back to the next step: h times the recurrent mask. */
        final double[][][] fedBack;
        /** Per step; null at the steps that predict nothing. */
        final double[][] denseIn;
        final double[][] probabilities;

        Trace(int steps) {
            this.steps = steps;
            int layers = hidden.length;
            x = new double[layers][steps][];
            z = new double[layers][steps][];
            a = new double[layers][steps][];
            c = new double[layers][steps][];
            h = new double[layers][steps][];
            fedBack = new double[layers][steps][];
            denseIn = new double[steps][];
            probabilities = new double[steps][];
        }
    }

    Trace forward(int[] window, int b, int batch, Masks masks) {
        int steps = window.length;
        Trace tr = new Trace(steps);
        for (int l = 0; l < hidden.length; l++) {
            int hs = hidden[l];
            int in = in(l);
            double[] kernel = tensors[3 * l];
            double[] recurrent = tensors[3 * l + 1];
            double[] bias = tensors[3 * l + 2];
            for (int t = 0; t < steps; t++) {
                double[] x = new double[in];
                if (l == 0) {
                    x[window[t]] = 1;
                } else {
                    for (int k = 0; k < in; k++) {
                        x[k] = tr.h[l - 1][t][k] * masks.input(l, t * batch + b, in, k);
                    }
                }
                double[] z = new double[4 * hs];
                for (int j = 0; j < 4 * hs; j++) {
                    double s = bias[j];
                    for (int k = 0; k < in; k++) {
                        s += x[k] * kernel[k * 4 * hs + j];
                    }
                    if (t > 0) {
                        for (int k = 0; k < hs; k++) {
                            s += tr.fedBack[l][t - 1][k] * recurrent[k * 4 * hs + j];
                        }
                    }
                    z[j] = s;
                }
                double[] act = new double[4 * hs];
                double[] c = new double[hs];
                double[] h = new double[hs];
                for (int j = 0; j < hs; j++) {
                    act[j] = gate(z[j]);
                    act[hs + j] = gate(z[hs + j]);
                    act[2 * hs + j] = Math.tanh(z[2 * hs + j]);
                    act[3 * hs + j] = gate(z[3 * hs + j]);
                    double cPrev = t > 0 ? tr.c[l][t - 1][j] : 0;
                    c[j] = act[hs + j] * cPrev + act[j] * act[2 * hs + j];
                    h[j] = act[3 * hs + j] * Math.tanh(c[j]);
                }
                tr.x[l][t] = x;
                tr.z[l][t] = z;
                tr.a[l][t] = act;
                tr.c[l][t] = c;
                tr.h[l][t] = h;
                double[] fedBack = new double[hs];
                for (int j = 0; j < hs; j++) {
                    fedBack[j] = h[j] * masks.state(l, b, hs, j);
                }
                tr.fedBack[l][t] = fedBack;
            }
        }
        int top = hidden[hidden.length - 1];
        double[] kernel = tensors[3 * hidden.length];
        double[] bias = tensors[3 * hidden.length + 1];
        for (int t = firstOutput(steps); t < steps; t++) {
            int maskRow = allSteps ? t * batch + b : b;
            double[] denseIn = new double[top];
            for (int k = 0; k < top; k++) {
                denseIn[k] = tr.h[hidden.length - 1][t][k] * masks.dense(maskRow, top, k);
            }
            double[] logits = new double[vocabulary];
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocabulary; v++) {
                double s = bias[v];
                for (int k = 0; k < top; k++) {
                    s += denseIn[k] * kernel[k * vocabulary + v];
                }
                logits[v] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int v = 0; v < vocabulary; v++) {
                sum += Math.exp(logits[v] - max);
            }
            double[] probabilities = new double[vocabulary];
            for (int v = 0; v < vocabulary; v++) {
                probabilities[v] = Math.exp(logits[v] - max) / sum;
            }
            tr.denseIn[t] = denseIn;
            tr.probabilities[t] = probabilities;
        }
        return tr;
    }

    /** The first step that predicts. */
    int firstOutput(int steps) {
        return allSteps ? 0 : steps - 1;
    }

    /** What step {@code t} of {@code window} predicts: the next id, or the window's target at the last step. */
    static int target(int[] window, int target, int t) {
        return t < window.length - 1 ? window[t + 1] : target;
    }

    /** How many predictions the loss averages over. */
    private int predictions(int[][] ids) {
        return ids.length * (ids[0].length - firstOutput(ids[0].length));
    }

    /** Mean cross-entropy of the batch. */
    double loss(int[][] ids, int[] targets, Masks masks) {
        double sum = 0;
        for (int b = 0; b < ids.length; b++) {
            Trace tr = forward(ids[b], b, ids.length, masks);
            for (int t = firstOutput(tr.steps); t < tr.steps; t++) {
                sum -= Math.log(tr.probabilities[t][target(ids[b], targets[b], t)]);
            }
        }
        return sum / predictions(ids);
    }

    /** The gradient of {@link #loss} by backpropagation through time, one window at a time. */
    double[][] gradient(int[][] ids, int[] targets, Masks masks) {
        double[][] grad = new double[tensors.length][];
        for (int i = 0; i < tensors.length; i++) {
            grad[i] = new double[tensors[i].length];
        }
        int layers = hidden.length;
        int top = hidden[layers - 1];
        int batch = ids.length;
        int predictions = predictions(ids);
        for (int b = 0; b < batch; b++) {
            Trace tr = forward(ids[b], b, batch, masks);
            int steps = tr.steps;
            double[] dKernel = grad[3 * layers];
            double[] dBias = grad[3 * layers + 1];
            double[] kernel = tensors[3 * layers];
            double[][][] dh = new double[layers][steps][];
            for (int l = 0; l < layers; l++) {
                for (int t = 0; t < steps; t++) {
                    dh[l][t] = new double[hidden[l]];
                }
            }
            for (int t = firstOutput(steps); t < steps; t++) {
                double[] dLogits = tr.probabilities[t].clone();
                dLogits[target(ids[b], targets[b], t)] -= 1;
                for (int v = 0; v < vocabulary; v++) {
                    dLogits[v] /= predictions;
                }
                for (int v = 0; v < vocabulary; v++) {
                    dBias[v] += dLogits[v];
                    for (int k = 0; k < top; k++) {
                        dKernel[k * vocabulary + v] += tr.denseIn[t][k] * dLogits[v];
                    }
                }
                int maskRow = allSteps ? t * batch + b : b;
                for (int k = 0; k < top; k++) {
                    double s = 0;
                    for (int v = 0; v < vocabulary; v++) {
                        s += kernel[k * vocabulary + v] * dLogits[v];
                    }
                    dh[layers - 1][t][k] = s * masks.dense(maskRow, top, k);
                }
            }
            for (int l = layers - 1; l >= 0; l--) {
                int hs = hidden[l];
                int in = in(l);
                double[] lk = tensors[3 * l];
                double[] lr = tensors[3 * l + 1];
                double[] gk = grad[3 * l];
                double[] gr = grad[3 * l + 1];
                double[] gb = grad[3 * l + 2];
                double[] dhNext = new double[hs];
                double[] dcNext = new double[hs];
                for (int t = steps - 1; t >= 0; t--) {
                    double[] act = tr.a[l][t];
                    double[] z = tr.z[l][t];
                    double[] dz = new double[4 * hs];
                    for (int j = 0; j < hs; j++) {
                        double dhj = dh[l][t][j] + dhNext[j];
                        double tc = Math.tanh(tr.c[l][t][j]);
                        double dc = dcNext[j] + dhj * act[3 * hs + j] * (1 - tc * tc);
                        double cPrev = t > 0 ? tr.c[l][t - 1][j] : 0;
                        dz[j] = dc * act[2 * hs + j] * gateSlope(z[j]);
                        dz[hs + j] = dc * cPrev * gateSlope(z[hs + j]);
                        dz[2 * hs + j] = dc * act[j] * (1 - act[2 * hs + j] * act[2 * hs + j]);
                        dz[3 * hs + j] = dhj * tc * gateSlope(z[3 * hs + j]);
                        dcNext[j] = dc * act[hs + j];
                    }
                    for (int j = 0; j < 4 * hs; j++) {
                        gb[j] += dz[j];
                        for (int k = 0; k < in; k++) {
                            gk[k * 4 * hs + j] += tr.x[l][t][k] * dz[j];
                        }
                        if (t > 0) {
                            for (int k = 0; k < hs; k++) {
                                gr[k * 4 * hs + j] += tr.fedBack[l][t - 1][k] * dz[j];
                            }
                        }
                    }
                    for (int k = 0; k < hs; k++) {
                        double s = 0;
                        for (int j = 0; j < 4 * hs; j++) {
                            s += lr[k * 4 * hs + j] * dz[j];
                        }
                        dhNext[k] = s * masks.state(l, b, hs, k);
                    }
                    if (l > 0) {
                        for (int k = 0; k < in; k++) {
                            double s = 0;
                            for (int j = 0; j < 4 * hs; j++) {
                                s += lk[k * 4 * hs + j] * dz[j];
                            }
                            dh[l - 1][t][k] += s * masks.input(l, t * batch + b, in, k);
                        }
                    }
                }
            }
        }
        return grad;
    }
}
