package dev.textgen.api;

import java.util.List;

/**
 * One finished epoch.
 *
 * @param epoch          one-based epoch number
 * @param trainLoss      mean cross-entropy over the epoch's training windows, nats per symbol
 * @param validationLoss mean cross-entropy over the held-out windows, or NaN without a validation set
 * @param seconds        wall-clock seconds of the epoch's training (validation excluded)
 * @param learningRate   the learning rate of the epoch's last batch (constant over the epoch unless
 *                       {@code training.optimizer.decay} is set)
 */
public record EpochResult(int epoch, double trainLoss, double validationLoss, double seconds, double learningRate) {

    private static final double LN2 = Math.log(2);

    /**
     * Held-out loss in bits per character.
     *
     * @return {@link #validationLoss()} over ln 2, NaN without a validation set
     */
    public double validationBitsPerChar() {
        return validationLoss / LN2;
    }

    /**
     * Training loss in bits per character.
     *
     * @return {@link #trainLoss()} over ln 2
     */
    public double trainBitsPerChar() {
        return trainLoss / LN2;
    }

    /**
     * Whether the epoch was scored on held-out windows.
     *
     * @return true when {@link #validationLoss()} is not NaN
     */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }

    /**
     * The one-based epoch with the lowest held-out loss (the training loss for epochs without one), the
     * first of equals; 0 for an empty history.
     *
     * @param history the epochs in order
     * @return the best epoch's number, or 0
     */
    public static int best(List<EpochResult> history) {
        int best = 0;
        double lowest = Double.POSITIVE_INFINITY;
        for (EpochResult e : history) {
            double loss = e.hasValidation() ? e.validationLoss() : e.trainLoss();
            if (loss < lowest) {
                lowest = loss;
                best = e.epoch();
            }
        }
        return best;
    }
}
