package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.spi.Samplers;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Creating samplers the way applications do, and counting their draws. */
final class Draws {
    static final int DRAWS = 100_000;
    private static final Samplers INSTALLED = Samplers.installed();

    private Draws() {
    }

    /** A sampler created through the SPI, e.g. {@code sampler("top-k", "k", 5, "temperature", 0.5)}. */
    static Sampler sampler(String type, Object... parameters) {
        return INSTALLED.create(SamplerConfig.of(type, parameters));
    }

    /** How often each id is drawn in {@code draws} draws from a generator seeded with {@code seed}. */
    static long[] counts(Sampler sampler, float[] probabilities, int draws, long seed) {
        long[] counts = new long[probabilities.length];
        RandomGenerator random = new SplittableRandom(seed);
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(probabilities, random)]++;
        }
        return counts;
    }

    /** The ids of {@code draws} draws from a generator seeded with {@code seed}. */
    static int[] ids(Sampler sampler, float[] probabilities, int draws, long seed) {
        int[] ids = new int[draws];
        RandomGenerator random = new SplittableRandom(seed);
        for (int i = 0; i < draws; i++) {
            ids[i] = sampler.sample(probabilities, random);
        }
        return ids;
    }

    /** A generator that returns {@code u} from every nextDouble() and refuses everything else. */
    static RandomGenerator fixed(double u) {
        return new RandomGenerator() {
            @Override
            public double nextDouble() {
                return u;
            }

            @Override
            public long nextLong() {
                throw new AssertionError("samplers may only call nextDouble()");
            }
        };
    }
}
