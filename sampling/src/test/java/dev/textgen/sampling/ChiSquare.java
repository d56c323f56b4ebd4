package dev.textgen.sampling;

import java.util.ArrayList;
import java.util.List;

/** Pearson's goodness-of-fit test of observed counts against a distribution. */
record ChiSquare(double statistic, int degreesOfFreedom) {
    /** The standard normal quantile at 0.999. */
    private static final double Z_0999 = 3.090232306167813;
    private static final double MIN_EXPECTED = 5;

    /**
     * The statistic over {@code counts} against {@code expected} probabilities. Cells expected fewer than
     * 5 times are pooled (into the smallest other cell if the pool itself stays below 5), the usual
     * condition for the chi-square approximation to hold.
     */
    static ChiSquare of(long[] counts, double[] expected) {
        long draws = 0;
        for (long c : counts) {
            draws += c;
        }
        List<double[]> cells = new ArrayList<>(); // {observed, expected}
        double pooledObserved = 0;
        double pooledExpected = 0;
        for (int i = 0; i < counts.length; i++) {
            double e = expected[i] * draws;
            if (e >= MIN_EXPECTED) {
                cells.add(new double[] {counts[i], e});
            } else {
                pooledObserved += counts[i];
                pooledExpected += e;
            }
        }
        if (pooledExpected >= MIN_EXPECTED) {
            cells.add(new double[] {pooledObserved, pooledExpected});
        } else if (pooledExpected > 0 || pooledObserved > 0) {
            double[] smallest = cells.stream().min((a, b) -> Double.compare(a[1], b[1])).orElseThrow();
            smallest[0] += pooledObserved;
            smallest[1] += pooledExpected;
        }
        double statistic = 0;
        for (double[] cell : cells) {
            statistic += (cell[0] - cell[1]) * (cell[0] - cell[1]) / cell[1];
        }
        return new ChiSquare(statistic, cells.size() - 1);
    }

    /** The 0.999 quantile of the chi-square distribution, by the Wilson–Hilferty approximation. */
    double quantile999() {
        double k = degreesOfFreedom;
        double c = 2 / (9 * k);
        return k * Math.pow(1 - c + Z_0999 * Math.sqrt(c), 3);
    }
}
