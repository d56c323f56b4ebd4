package dev.textgen.sampling;

import dev.textgen.api.Sampler;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The stochastic samplers: repetition penalty, then temperature, then a {@link Truncation}, then one
 * categorical draw (the structure of llama3.java, with the temperature as a transform in front of the draw).
 * Top-k and min-p run before the temperature instead, keeping the same ids, so that only the kept ids pay
 * for the logarithms.
 *
 * <p>In double, with q the probabilities after the penalty: w[i] = exp((log q[i] - log max q) / T), so
 * the most likely id weighs exactly 1 and a zero stays exactly zero (never log 0). When 1 / T is a whole number n
 * up to {@value #MAX_POWER} (T = 1, 0.5, 0.25, 0.2, ...), w[i] = (q[i] / max q)^n by products instead, with no
 * logarithm or exponential at all; T = 0 gives the argmax weight 1 and every other id 0 (lowest id on a tie), which makes
 * every stochastic sampler greedy. A draw takes exactly one {@code random.nextDouble()}, also at T = 0,
 * scales it by the exact sum of the weights and walks their cumulative sum.
 */
final class TemperedSampler implements Sampler {
    /** The largest whole 1 / T whose power is taken by products. */
    static final int MAX_POWER = 8;

    private final double temperature;
    /** 1 / T when it is a whole number up to {@link #MAX_POWER}, else 0. */
    private final int power;
    private final RepetitionPenalty penalty;
    private final Truncation truncation;
    /** Scratch for the weights and for q / max q, reused by every draw; grow with the vocabulary. */
    private double[] weights = new double[0];
    private double[] ratios = new double[0];

    TemperedSampler(double temperature, RepetitionPenalty penalty, Truncation truncation) {
        this.temperature = temperature;
        double inverse = 1 / temperature;
        this.power = inverse == Math.rint(inverse) && inverse <= MAX_POWER ? (int) inverse : 0;
        this.penalty = penalty;
        this.truncation = truncation;
    }

    @Override
    public int sample(float[] probabilities, RandomGenerator random) {
        Probabilities.checkShape(probabilities);
        Objects.requireNonNull(random, "random");
        int size = probabilities.length;
        if (weights.length < size) {
            weights = new double[size];
            ratios = new double[size];
        }
        int argmax = penalise(probabilities, size);
        if (truncation.beforeTemperature()) {
            truncation.apply(weights, size);
        }
        temper(size, argmax);
        if (!truncation.beforeTemperature()) {
            truncation.apply(weights, size);
        }
        return draw(weights, size, random.nextDouble());
    }

    @Override
    public void observe(int id) {
        penalty.observe(id);
    }

    @Override
    public void reset() {
        penalty.reset();
    }

    /**
     * Checks the probabilities as {@link Probabilities#check} does and fills the weights with the penalised
     * probabilities q; returns the most likely id (the lowest on a tie).
     */
    private int penalise(float[] probabilities, int size) {
        int argmax = 0;
        boolean anyMass = false;
        for (int id = 0; id < size; id++) {
            float p = Probabilities.checked(probabilities, id);
            anyMass |= p > 0;
            double q = penalty.apply(id, p);
            weights[id] = q;
            if (q > weights[argmax]) {
                argmax = id;
            }
        }
        Probabilities.checkMass(probabilities, anyMass);
        return argmax;
    }

    private void temper(int size, int argmax) {
        double max = weights[argmax];
        if (temperature == 0) {
            Arrays.fill(weights, 0, size, 0);
            weights[argmax] = 1;
        } else if (power > 0) {
            // whole passes over the ids, which the JIT vectorizes: (q / max)^n as ((r * r) * r) ...
            double inverse = 1 / max;
            for (int id = 0; id < size; id++) {
                weights[id] *= inverse;
            }
            if (power > 1) {
                System.arraycopy(weights, 0, ratios, 0, size);
            }
            for (int i = 1; i < power; i++) {
                for (int id = 0; id < size; id++) {
                    weights[id] *= ratios[id];
                }
            }
        } else {
            double logMax = Math.log(max);
            for (int id = 0; id < size; id++) {
                double q = weights[id];
                weights[id] = q == 0 ? 0 : Math.exp((Math.log(q) - logMax) / temperature);
            }
        }
    }

    /**
     * The id whose cumulative weight first exceeds {@code u} times the total. Only ids of positive weight
     * can be returned: when rounding leaves the target at the total, the last such id.
     */
    static int draw(double[] weights, int size, double u) {
        double total = 0;
        for (int id = 0; id < size; id++) {
            total += weights[id];
        }
        double target = u * total;
        double cumulative = 0;
        int last = -1;
        for (int id = 0; id < size; id++) {
            double w = weights[id];
            if (w > 0) {
                cumulative += w;
                last = id;
                if (target < cumulative) {
                    return id;
                }
            }
        }
        return last;
    }
}
