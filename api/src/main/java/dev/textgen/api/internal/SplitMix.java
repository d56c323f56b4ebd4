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

    /**
     * The seed of item {@code index} of the stream seeded with {@code seed}.
     *
     * @param seed the stream's seed
     * @param index the item's index in the stream
     * @return the item's seed
     */
    public static long mix(long seed, long index) {
        return finish(seed + GAMMA * (index + 1));
    }

    /** The first multiplier of {@link #finish}. */
    public static final long MIX1 = 0xBF58476D1CE4E5B9L;
    /** The second multiplier of {@link #finish}. */
    public static final long MIX2 = 0x94D049BB133111EBL;

    /**
     * SplitMix64's output function: a bijection that scatters every input bit over the result.
     *
     * @param z a state of the stream
     * @return the output for that state
     */
    public static long finish(long z) {
        z = (z ^ (z >>> 30)) * MIX1;
        z = (z ^ (z >>> 27)) * MIX2;
        return z ^ (z >>> 31);
    }
}
