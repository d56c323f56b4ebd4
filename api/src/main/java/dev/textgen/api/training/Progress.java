package dev.textgen.api.training;

import dev.textgen.api.EpochResult;
import dev.textgen.api.config.TrainingConfig;

import java.util.List;

/**
 * What the finished epochs say about the run: the best epoch, whether early stopping triggers and
 * whether the plateau schedule lowers the learning rate after the last epoch. Derived by replaying the
 * whole history with Keras' rules (EarlyStopping, ReduceLROnPlateau), so that a resumed run, which
 * has only the history, decides exactly as the uninterrupted one.
 *
 * <p>The best epoch is the last one that beat the best before it by more than
 * {@code earlyStopping.minDelta} (so it is the epoch whose weights early stopping restores); the plateau
 * schedule counts any decrease as an improvement (Keras' default min_delta is 1e-4) and keeps counting
 * without a reset once the learning rate is at its floor.
 *
 * <p>The floor {@code minLearningRate} bounds the base rate, as in Keras, where ReduceLROnPlateau reads the
 * optimizer's undecayed {@code lr}. The history holds each epoch's decayed rate (of its last batch), so it is
 * compared with the floor divided by the same {@code 1 + decay * i}: a base rate at the floor gives exactly the
 * decayed floor, a base rate above it (by more than rounding) a larger rate.
 */
record Progress(int bestEpoch, boolean stop, boolean reduceLearningRate) {

    /**
     * Replays {@code history}.
     *
     * @param history         the finished epochs in order
     * @param training        the schedules' settings and the optimizer's decay
     * @param batchesPerEpoch the updates per epoch, so that epoch {@code e}'s last batch is update
     *                        {@code e * batchesPerEpoch - 1} of the run
     * @return what the history says
     */
    static Progress of(List<EpochResult> history, TrainingConfig training, int batchesPerEpoch) {
        double minDelta = training.earlyStopping().minDelta();
        int patience = training.earlyStopping().patience();
        int plateauPatience = training.reduceLrOnPlateau().patience();
        double minLearningRate = training.reduceLrOnPlateau().minLearningRate();

        int bestEpoch = 0;
        double best = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        double plateauBest = Double.POSITIVE_INFINITY;
        int plateauWait = 0;
        boolean reduce = false;
        for (EpochResult epoch : history) {
            double monitored = monitored(epoch);
            if (monitored < best - minDelta) {
                best = monitored;
                bestEpoch = epoch.epoch();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            reduce = false;
            if (monitored < plateauBest) {
                plateauBest = monitored;
                plateauWait = 0;
            } else if (++plateauWait >= plateauPatience && plateauPatience > 0
                    && epoch.learningRate() > training.optimizer().decayedLearningRate(minLearningRate,
                    (long) epoch.epoch() * batchesPerEpoch - 1)) {
                reduce = true;
                plateauWait = 0;
            }
        }
        boolean stop = patience > 0 && sinceBest >= patience;
        return new Progress(bestEpoch, stop, reduce);
    }

    /** The held-out loss, or the training loss of an epoch without validation. */
    static double monitored(EpochResult epoch) {
        return epoch.hasValidation() ? epoch.validationLoss() : epoch.trainLoss();
    }
}
