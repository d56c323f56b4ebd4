package dev.textgen.sampling;

/**
 * Keeps the ids whose tempered probability is at least minP times the highest. It runs before the
 * temperature, where that reads q[i] >= minP^T * max q, so the ids it drops cost no logarithms.
 */
final class MinP implements Truncation {
    private final double minP;
    private final double temperature;

    MinP(double minP, double temperature) {
        this.minP = minP;
        this.temperature = temperature;
    }

    @Override
    public boolean beforeTemperature() {
        return true;
    }

    @Override
    public void apply(double[] weights, int size) {
        double max = 0;
        for (int id = 0; id < size; id++) {
            max = Math.max(max, weights[id]);
        }
        double threshold = Math.pow(minP, temperature) * max;
        for (int id = 0; id < size; id++) {
            if (weights[id] < threshold) {
                weights[id] = 0;
            }
        }
    }
}
