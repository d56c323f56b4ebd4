package dev.textgen.api.internal;

/**
 * SplitMix64 seed derivation, shared so that every place that derives randomness from the training
 * seed and a position (shuffles, batch seeds, dropout masks) does it the same way: neighbouring
 * positions get unrelated seeds, and the result depends on nothing but its inputs.
 */
public final class SplitMix {
    /** SplitMix64's increment, the golden ratio in 64 bits. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix() {
    }

    /** The seed of item {@code index} of the stream seeded with {@code seed}. */
    public static long mix(long seed, long index) {
        return finish(seed + GAMMA * (index + 1));
    }

    /** SplitMix64's output function: a bijection that scatters every input bit over the result. */
    public static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
