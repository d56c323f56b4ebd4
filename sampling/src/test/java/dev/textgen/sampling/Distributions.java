package dev.textgen.sampling;

/** Test distributions and the exact tempered distribution the samplers must reproduce. */
final class Distributions {
    /**
     * How often each of the 57 symbols occurs in the reference notebook's lowercased nietzsche.txt (600,893 chars), in
     * sorted character order "\n !\"'(),-.0123456789:;=?[]_abcdefghijklmnopqrstuvwxyzäæéë": a realistic
     * char-level distribution with a heavy tail (its rarest symbol occurs once).
     */
    private static final int[] NIETZSCHE_COUNTS = {
            9934, 91208, 409, 1990, 271, 308, 308, 8201, 3740, 2787, 79, 285, 209, 107, 100, 97, 95, 92, 96, 86,
            667, 627, 277, 400, 92, 92, 110, 36796, 5944, 13655, 16943, 59595, 12222, 8843, 26940, 37548, 557,
            2147, 20336, 11829, 35598, 36591, 9484, 547, 27224, 34500, 44450, 13221, 5273, 8329, 888, 8497, 261,
            3, 2, 2, 1};

    private Distributions() {
    }

    /** The nietzsche symbol frequencies as float probabilities, as a softmax would hand them over. */
    static float[] nietzsche() {
        double total = 0;
        for (int count : NIETZSCHE_COUNTS) {
            total += count;
        }
        float[] p = new float[NIETZSCHE_COUNTS.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (NIETZSCHE_COUNTS[i] / total);
        }
        return p;
    }

    /** A Zipf distribution (p ~ 1/rank) over {@code size} ids, shuffled by a fixed permutation. */
    static float[] zipf(int size) {
        double total = 0;
        for (int rank = 1; rank <= size; rank++) {
            total += 1.0 / rank;
        }
        float[] p = new float[size];
        for (int rank = 1; rank <= size; rank++) {
            // 7919 is prime, hence coprime with any size that is not a multiple of it: a permutation
            p[(int) ((rank * 7919L) % size)] = (float) (1.0 / rank / total);
        }
        return p;
    }

    /** p^(1/T) renormalised, computed directly with pow (T > 0). */
    static double[] tempered(float[] probabilities, double temperature) {
        double[] t = new double[probabilities.length];
        double total = 0;
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.pow(probabilities[i], 1 / temperature);
            total += t[i];
        }
        for (int i = 0; i < t.length; i++) {
            t[i] /= total;
        }
        return t;
    }

    /** {@code distribution} restricted to {@code kept} ids and renormalised. */
    static double[] restricted(double[] distribution, boolean[] kept) {
        double[] r = new double[distribution.length];
        double total = 0;
        for (int i = 0; i < r.length; i++) {
            r[i] = kept[i] ? distribution[i] : 0;
            total += r[i];
        }
        for (int i = 0; i < r.length; i++) {
            r[i] /= total;
        }
        return r;
    }

    /** Ids sorted by decreasing probability, the lower id first on a tie. */
    static int[] ranked(double[] distribution) {
        return java.util.stream.IntStream.range(0, distribution.length).boxed()
                .sorted((a, b) -> distribution[a] != distribution[b]
                        ? Double.compare(distribution[b], distribution[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }
}
