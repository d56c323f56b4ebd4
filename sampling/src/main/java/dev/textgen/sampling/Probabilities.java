package dev.textgen.sampling;

import java.util.Objects;

/** Checks of the distributions handed to a sampler, with messages that name the offending entry. */
final class Probabilities {

    private Probabilities() {
    }

    /**
     * Rejects a distribution that cannot be sampled: empty, an entry that is NaN, infinite or negative,
     * or no mass at all. Any positive finite sum is accepted, because the samplers renormalise exactly.
     */
    static void check(float[] probabilities) {
        checkShape(probabilities);
        boolean anyMass = false;
        for (int id = 0; id < probabilities.length; id++) {
            anyMass |= checked(probabilities, id) > 0;
        }
        checkMass(probabilities, anyMass);
    }

    /** The first part of {@link #check}, for samplers that check the entries in their own pass. */
    static void checkShape(float[] probabilities) {
        Objects.requireNonNull(probabilities, "probabilities");
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("probabilities is empty; a sampler needs at least one symbol");
        }
    }

    /** Entry {@code id}, rejected as {@link #check} does when it is NaN, infinite or negative. */
    static float checked(float[] probabilities, int id) {
        float p = probabilities[id];
        if (!(p >= 0) || p == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("probabilities[" + id + "] = " + p
                    + " is invalid; every probability must be finite and >= 0");
        }
        return p;
    }

    /** The last part of {@link #check}: rejects a distribution whose entries were all 0. */
    static void checkMass(float[] probabilities, boolean anyMass) {
        if (!anyMass) {
            throw new IllegalArgumentException("probabilities sum to 0 over " + probabilities.length
                    + " symbols; at least one must be > 0");
        }
    }
}
