package dev.textgen.scratch.nn;

/** The softmax of a row of logits, computed in double so that the probabilities sum to 1 within float rounding. */
final class Softmax {
    private Softmax() {
    }

    /**
     * Replaces {@code x[off, off + n)} with its softmax and returns the log of the normaliser
     * ({@code log sum exp x}), from which a cross-entropy follows as {@code lse - x[target]}.
     */
    static double inPlace(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[off + i] - max);
        }
        double lse = max + Math.log(sum);
        for (int i = 0; i < n; i++) {
            x[off + i] = (float) Math.exp(x[off + i] - lse);
        }
        return lse;
    }
}
