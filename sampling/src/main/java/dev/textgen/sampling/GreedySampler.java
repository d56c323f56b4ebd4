package dev.textgen.sampling;

import dev.textgen.api.Sampler;

import java.util.Objects;
import java.util.random.RandomGenerator;

/** The most likely id, the lowest on a tie; it takes nothing from the random generator. */
final class GreedySampler implements Sampler {

    @Override
    public int sample(float[] probabilities, RandomGenerator random) {
        Probabilities.check(probabilities);
        Objects.requireNonNull(random, "random");
        int argmax = 0;
        for (int id = 1; id < probabilities.length; id++) {
            if (probabilities[id] > probabilities[argmax]) {
                argmax = id;
            }
        }
        return argmax;
    }
}
