package dev.textgen.api.spi;

import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.io.TensorLayout;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optimizer update and its state, the same on every backend, so that a checkpoint resumes on any of them.
 * With {@code g} a weight's gradient times the clipping scale ({@link #gradientScale}), in float32 as Keras
 * computes them:
 * <ul>
 *   <li>RMSprop: {@code ms = rho ms + (1 - rho) g^2; w -= lr g / (sqrt(ms) + epsilon)}, state
 *       {@code <tensor>/rms} per weight tensor;</li>
 *   <li>Adam: {@code t += 1; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 *       w -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + epsilon)}, state {@code <tensor>/m},
 *       {@code <tensor>/v} per weight tensor and {@code adam/iterations} (one value, {@code t});</li>
 *   <li>SGD: {@code w -= lr g}, no state.</li>
 * </ul>
 * {@code <tensor>} is the weight's {@link TensorLayout} name, e.g. {@code lstm_0/kernel/rms}. A backend passes
 * its weights and gradients either as arrays in parameter order ({@link #apply}) or as one flat vector, the
 * tensors back to back in parameter order ({@link #applyFlat}). Mutable, used by one thread.
 */
public abstract sealed class Optimizer {
    /** RMSprop's mean square. */
    public static final String RMS = "rms";
    /** Adam's first moment. */
    public static final String FIRST_MOMENT = "m";
    /** Adam's second moment. */
    public static final String SECOND_MOMENT = "v";
    /** Adam's step count, one value. */
    public static final String ITERATIONS = "adam/iterations";

    private final String type;
    private final int[] lengths;
    /** The state tensors by name, live. */
    private final Map<String, float[]> named = new LinkedHashMap<>();

    private Optimizer(String type, int[] lengths) {
        this.type = type;
        this.lengths = lengths.clone();
    }

    /**
     * The optimizer {@code config} describes, for weight tensors of these lengths in parameter order, with a zero
     * state.
     *
     * @param config the optimizer and its hyper-parameters
     * @param tensorLengths the number of values of each weight tensor, 3 per LSTM layer plus 2 Dense ones
     * @return a new optimizer with zero state
     * @throws IllegalArgumentException when the tensor count does not fit the layout
     */
    public static Optimizer of(OptimizerConfig config, int[] tensorLengths) {
        if ((tensorLengths.length - 2) % 3 != 0 || tensorLengths.length < 5) {
            throw new IllegalArgumentException(tensorLengths.length + " tensors are not 3 per LSTM layer plus 2 Dense ones");
        }
        if (config instanceof OptimizerConfig.RmsProp rms) {
            return new RmsProp(tensorLengths, (float) rms.rho(), (float) rms.epsilon());
        }
        if (config instanceof OptimizerConfig.Adam adam) {
            return new Adam(tensorLengths, (float) adam.beta1(), (float) adam.beta2(), (float) adam.epsilon());
        }
        if (config instanceof OptimizerConfig.Sgd) {
            return new Sgd(tensorLengths);
        }
        throw new IllegalArgumentException("training.optimizer: unsupported optimizer " + config
                + "; allowed: " + OptimizerConfig.TYPES);
    }

    /**
     * The factor the gradient is multiplied by: {@code clipNorm / norm} when the global L2 norm exceeds it, else 1.
     *
     * @param clipNorm the clipping norm, or null for no clipping
     * @param norm the gradient's global L2 norm
     * @return the scale, in (0, 1]
     */
    public static float gradientScale(Double clipNorm, double norm) {
        return clipNorm != null && norm > clipNorm ? (float) (clipNorm / norm) : 1f;
    }

    /**
     * Updates every weight tensor ({@code weights[k]}, parameter order) with its gradient {@code gradients[k]}.
     *
     * @param weights the weight tensors in parameter order, updated in place
     * @param gradients their gradients, same shapes
     * @param gradientScale multiplies every gradient first, as {@link #gradientScale} gives it
     * @param learningRate the step size of this update
     */
    public final void apply(float[][] weights, float[][] gradients, float gradientScale, float learningRate) {
        float rate = step(learningRate);
        for (int k = 0; k < lengths.length; k++) {
            update(k, weights[k], gradients[k], 0, gradientScale, rate);
        }
    }

    /**
     * As {@link #apply}, with all tensors back to back in parameter order in {@code weights} and {@code gradients}.
     *
     * @param weights all weight tensors back to back, updated in place
     * @param gradients their gradients, same layout
     * @param gradientScale multiplies every gradient first, as {@link #gradientScale} gives it
     * @param learningRate the step size of this update
     */
    public final void applyFlat(float[] weights, float[] gradients, float gradientScale, float learningRate) {
        float rate = step(learningRate);
        int offset = 0;
        for (int k = 0; k < lengths.length; k++) {
            update(k, weights, gradients, offset, gradientScale, rate);
            offset += lengths[k];
        }
    }

    /** Starts an update: counts it and returns the step size this update uses. */
    abstract float step(float learningRate);

    /** Updates tensor {@code k}, found at {@code offset} of {@code w} and {@code g}. */
    abstract void update(int k, float[] w, float[] g, int offset, float gradientScale, float rate);

    /**
     * A copy of the state tensors by name.
     *
     * @return the state tensors (e.g. {@code lstm_0/kernel/rms}), copied, in parameter order
     */
    public final Map<String, float[]> state() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        named.forEach((name, values) -> copy.put(name, values.clone()));
        return copy;
    }

    /**
     * Restores {@link #state()}; an empty map resets.
     *
     * @param state tensors by name as {@link #state()} gives them, or an empty map
     * @throws IllegalArgumentException naming a missing, unknown or mis-sized tensor; nothing is changed then
     */
    public final void setState(Map<String, float[]> state) {
        if (state.isEmpty()) {
            named.values().forEach(values -> Arrays.fill(values, 0f));
            return;
        }
        for (String name : state.keySet()) {
            if (!named.containsKey(name)) {
                throw new IllegalArgumentException("optimizer state tensor \"" + name + "\" is not one of " + type + "'s: "
                        + named.keySet());
            }
        }
        for (Map.Entry<String, float[]> entry : named.entrySet()) {
            float[] values = state.get(entry.getKey());
            if (values == null) {
                throw new IllegalArgumentException("optimizer state tensor \"" + entry.getKey() + "\" of " + type
                        + " is missing");
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

    /** One zero state tensor per weight tensor, named {@code <tensor>/<slot>}. */
    float[][] slot(String slot) {
        int layers = (lengths.length - 2) / 3;
        float[][] tensors = new float[lengths.length][];
        for (int k = 0; k < lengths.length; k++) {
            tensors[k] = new float[lengths[k]];
            named.put(TensorLayout.name(layers, k) + "/" + slot, tensors[k]);
        }
        return tensors;
    }

    /** A state tensor of its own, e.g. Adam's step count. */
    float[] single(String name, int length) {
        float[] values = new float[length];
        named.put(name, values);
        return values;
    }

    /** The number of values of weight tensor {@code k}. */
    final int length(int k) {
        return lengths[k];
    }

    private static final class Sgd extends Optimizer {
        Sgd(int[] lengths) {
            super("sgd", lengths);
        }

        @Override
        float step(float learningRate) {
            return learningRate;
        }

        @Override
        void update(int k, float[] w, float[] g, int offset, float gradientScale, float learningRate) {
            for (int i = offset, end = offset + length(k); i < end; i++) {
                w[i] -= learningRate * (g[i] * gradientScale);
            }
        }
    }

    private static final class RmsProp extends Optimizer {
        private final float rho;
        private final float epsilon;
        private final float[][] meanSquare;

        RmsProp(int[] lengths, float rho, float epsilon) {
            super("rmsprop", lengths);
            this.rho = rho;
            this.epsilon = epsilon;
            this.meanSquare = slot(RMS);
        }

        @Override
        float step(float learningRate) {
            return learningRate;
        }

        @Override
        void update(int k, float[] w, float[] g, int offset, float gradientScale, float learningRate) {
            float[] ms = meanSquare[k];
            float decay = 1f - rho;
            for (int i = 0; i < ms.length; i++) {
                float gi = g[offset + i] * gradientScale;
                float m = rho * ms[i] + decay * gi * gi;
                ms[i] = m;
                w[offset + i] -= learningRate * gi / ((float) Math.sqrt(m) + epsilon);
            }
        }
    }

    private static final class Adam extends Optimizer {
        private final float beta1;
        private final float beta2;
        private final float epsilon;
        private final float[][] first;
        private final float[][] second;
        private final float[] iterations;

        Adam(int[] lengths, float beta1, float beta2, float epsilon) {
            super("adam", lengths);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
            this.first = slot(FIRST_MOMENT);
            this.second = slot(SECOND_MOMENT);
            this.iterations = single(ITERATIONS, 1);
        }

        @Override
        float step(float learningRate) {
            iterations[0] += 1f;
            double t = iterations[0];
            return (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        }

        @Override
        void update(int k, float[] w, float[] g, int offset, float gradientScale, float rate) {
            float[] m = first[k];
            float[] v = second[k];
            for (int i = 0; i < m.length; i++) {
                float gi = g[offset + i] * gradientScale;
                float mi = beta1 * m[i] + (1f - beta1) * gi;
                float vi = beta2 * v[i] + (1f - beta2) * gi * gi;
                m[i] = mi;
                v[i] = vi;
                w[offset + i] -= rate * mi / ((float) Math.sqrt(vi) + epsilon);
            }
        }
    }
}
