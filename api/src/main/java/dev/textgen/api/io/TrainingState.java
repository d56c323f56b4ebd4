package dev.textgen.api.io;

import dev.textgen.api.EpochResult;

import java.util.List;
import java.util.Map;

/**
 * Everything besides the weights that a checkpoint holds so that a resumed run continues exactly:
 * the optimizer's state tensors, the position, the learning rate and the history so far. Shuffling
 * and dropout are derived from {@code seed} and the position, so no generator state is needed beyond it.
 *
 * @param optimizerState      optimizer tensors by name (e.g. {@code lstm_0/kernel/rms}); copied in
 * @param epoch               zero-based epoch in progress (equal to the number of finished epochs when {@code batch} is 0)
 * @param batch               batches finished within that epoch
 * @param seed                the training seed
 * @param learningRate        the current learning rate (schedules change it)
 * @param partialLossSum      sum of per-window losses over the finished batches of the epoch in progress
 * @param partialWindows      windows in those batches
 * @param history             finished epochs
 * @param bestWeights         the best epoch's weights, kept for early stopping's restore; null if none
 */
public record TrainingState(
        Map<String, float[]> optimizerState,
        int epoch,
        int batch,
        long seed,
        double learningRate,
        double partialLossSum,
        long partialWindows,
        List<EpochResult> history,
        ModelWeights bestWeights) {

    /**
     * Copies the map and the list, and checks that the position is not negative.
     *
     * @param optimizerState optimizer tensors by name
     * @param epoch at least 0
     * @param batch at least 0
     * @param seed the training seed
     * @param learningRate the current learning rate
     * @param partialLossSum the loss sum over the finished batches of the epoch in progress
     * @param partialWindows the windows in those batches
     * @param history the finished epochs
     * @param bestWeights the best epoch's weights, or null
     * @throws IllegalArgumentException when {@code epoch} or {@code batch} is negative
     */
    public TrainingState {
        optimizerState = Map.copyOf(optimizerState);
        history = List.copyOf(history);
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("training position must be >= 0: epoch " + epoch + ", batch " + batch);
        }
    }
}
