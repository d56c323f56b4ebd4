package dev.textgen.scratch.nn;

import dev.textgen.api.config.OptimizerConfig;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' RMSprop, Adam and plain SGD, in float32 as Keras computes them, with their state exported as named tensors
 * ({@code lstm_0/kernel/rms}; {@code lstm_0/kernel/m}, {@code .../v} and {@code adam/iterations} for Adam;
 * none for SGD).
 */
public abstract sealed class Optimizer {
    final Network net;
    /** The state tensors by name, live. */
    final Map<String, float[]> named = new LinkedHashMap<>();

    Optimizer(Network net) {
        this.net = net;
    }

    /** The optimizer {@code config} describes for {@code net}. */
    public static Optimizer of(OptimizerConfig config, Network net) {
        if (config instanceof OptimizerConfig.RmsProp rms) {
            return new RmsProp(net, (float) rms.rho(), (float) rms.epsilon());
        }
        if (config instanceof OptimizerConfig.Adam adam) {
            return new Adam(net, (float) adam.beta1(), (float) adam.beta2(), (float) adam.epsilon());
        }
        if (config instanceof OptimizerConfig.Sgd) {
            return new Sgd(net);
        }
        throw new IllegalArgumentException("training.optimizer: unsupported optimizer " + config
                + "; allowed: " + OptimizerConfig.TYPES);
    }

    /** Updates every tensor of the network with its gradient, scaled by {@code gradientScale} (for clipping). */
    public abstract void apply(float[][] gradients, float gradientScale, float learningRate);

    /** A copy of the state tensors by name. */
    public Map<String, float[]> state() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        named.forEach((name, values) -> copy.put(name, values.clone()));
        return copy;
    }

    /** Restores {@link #state()}; an empty map resets. Fails naming a missing, unknown or mis-sized tensor. */
    public void setState(Map<String, float[]> state) {
        if (state.isEmpty()) {
            named.values().forEach(values -> Arrays.fill(values, 0f));
            return;
        }
        for (String name : state.keySet()) {
            if (!named.containsKey(name)) {
                throw new IllegalArgumentException("optimizer state tensor \"" + name + "\" is not one of this optimizer's: "
                        + named.keySet());
            }
        }
        for (Map.Entry<String, float[]> entry : named.entrySet()) {
            float[] values = state.get(entry.getKey());
            if (values == null) {
                throw new IllegalArgumentException("optimizer state tensor \"" + entry.getKey() + "\" is missing");
            }
            if (values.length != entry.getValue().length) {
                throw new IllegalArgumentException("optimizer state tensor \"" + entry.getKey() + "\" has " + values.length
                        + " values; expected " + entry.getValue().length);
            }
        }
        for (Map.Entry<String, float[]> entry : named.entrySet()) {
            float[] values = state.get(entry.getKey());
            System.arraycopy(values, 0, entry.getValue(), 0, values.length);
        }
    }

    /** {@code w -= lr g}; no state. */
    static final class Sgd extends Optimizer {
        Sgd(Network net) {
            super(net);
        }

        @Override
        public void apply(float[][] gradients, float gradientScale, float learningRate) {
            float[][] tensors = net.tensors();
            for (int t = 0; t < tensors.length; t++) {
                float[] w = tensors[t];
                float[] g = gradients[t];
                for (int i = 0; i < w.length; i++) {
                    w[i] -= learningRate * (g[i] * gradientScale);
                }
            }
        }
    }

    /** {@code ms = rho ms + (1 - rho) g^2; w -= lr g / (sqrt(ms) + epsilon)}. */
    static final class RmsProp extends Optimizer {
        private final float rho;
        private final float epsilon;
        private final float[][] meanSquare;

        RmsProp(Network net, float rho, float epsilon) {
            super(net);
            this.rho = rho;
            this.epsilon = epsilon;
            float[][] tensors = net.tensors();
            meanSquare = new float[tensors.length][];
            for (int i = 0; i < tensors.length; i++) {
                meanSquare[i] = new float[tensors[i].length];
                named.put(net.tensorName(i) + "/rms", meanSquare[i]);
            }
        }

        @Override
        public void apply(float[][] gradients, float gradientScale, float learningRate) {
            float[][] tensors = net.tensors();
            float decay = 1f - rho;
            for (int t = 0; t < tensors.length; t++) {
                float[] w = tensors[t];
                float[] g = gradients[t];
                float[] ms = meanSquare[t];
                for (int i = 0; i < w.length; i++) {
                    float gi = g[i] * gradientScale;
                    float m = rho * ms[i] + decay * gi * gi;
                    ms[i] = m;
                    w[i] -= learningRate * gi / ((float) Math.sqrt(m) + epsilon);
                }
            }
        }
    }

    /**
     * Keras' Adam: {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
     * w -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + epsilon)}.
     */
    static final class Adam extends Optimizer {
        private final float beta1;
        private final float beta2;
        private final float epsilon;
        private final float[][] first;
        private final float[][] second;
        private final float[] iterations = new float[1];

        Adam(Network net, float beta1, float beta2, float epsilon) {
            super(net);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
            float[][] tensors = net.tensors();
            first = new float[tensors.length][];
            second = new float[tensors.length][];
            for (int i = 0; i < tensors.length; i++) {
                first[i] = new float[tensors[i].length];
                second[i] = new float[tensors[i].length];
                named.put(net.tensorName(i) + "/m", first[i]);
                named.put(net.tensorName(i) + "/v", second[i]);
            }
            named.put("adam/iterations", iterations);
        }

        @Override
        public void apply(float[][] gradients, float gradientScale, float learningRate) {
            iterations[0] += 1f;
            double step = iterations[0];
            float rate = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step)));
            float[][] tensors = net.tensors();
            for (int t = 0; t < tensors.length; t++) {
                float[] w = tensors[t];
                float[] g = gradients[t];
                float[] m = first[t];
                float[] v = second[t];
                for (int i = 0; i < w.length; i++) {
                    float gi = g[i] * gradientScale;
                    float mi = beta1 * m[i] + (1f - beta1) * gi;
                    float vi = beta2 * v[i] + (1f - beta2) * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    w[i] -= rate * mi / ((float) Math.sqrt(vi) + epsilon);
                }
            }
        }
    }
}
