package dev.textgen.api.spi;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;

import java.util.Map;

/**
 * A backend's half of training: the forward pass, backpropagation through time and the optimizer
 * update for one batch. Mutable and used by one thread; {@link dev.textgen.api.training.TrainingLoop}
 * drives it.
 */
public interface TrainingEngine extends AutoCloseable {

    /**
     * Whether batches should carry their one-hot form.
     *
     * @return true when {@link dev.textgen.api.data.Batch#oneHot()} should be filled for this engine
     */
    default boolean wantsOneHot() {
        return false;
    }

    /**
     * Trains on one batch: forward, backward, gradient clipping when configured, then the optimizer
     * update with {@code learningRate}. Dropout masks come from {@code batch.seed()}.
     *
     * @param batch the windows and their targets, over this engine's vocabulary
     * @param learningRate the step size of this update, greater than 0
     * @return the batch's mean cross-entropy in nats per symbol, computed before the update. When it or
     *         the gradient is not finite, nothing is updated and a non-finite value is returned.
     * @throws IllegalArgumentException when the batch is empty, over another vocabulary or holds an id outside
     *                                  it ({@link ModelArguments#checkBatch})
     */
    double trainBatch(Batch batch, double learningRate);

    /**
     * The batch's mean cross-entropy without dropout or any update.
     *
     * @param batch the windows and their targets, over this engine's vocabulary
     * @return the mean cross-entropy of the windows' targets in nats per symbol
     * @throws IllegalArgumentException as {@link #trainBatch}
     */
    double evaluateBatch(Batch batch);

    /**
     * A copy of the current weights in the portable layout.
     *
     * @return the weights, independent of further training
     */
    ModelWeights weights();

    /**
     * Replaces the weights (restore best, roll back, resume).
     *
     * @param weights weights of this engine's architecture and vocabulary
     */
    void setWeights(ModelWeights weights);

    /**
     * A copy of the optimizer's state tensors by name.
     *
     * @return the state tensors, independent of further training
     */
    Map<String, float[]> optimizerState();

    /**
     * Restores optimizer state written by {@link #optimizerState()}; an empty map resets it.
     *
     * @param state tensors by name, or an empty map
     */
    void setOptimizerState(Map<String, float[]> state);

    /**
     * An immutable model of the current weights, independent of later training.
     *
     * @param defaultPrompt the text generation starts from when no prompt is given, or null
     * @return a model of the current weights
     */
    LanguageModel snapshot(String defaultPrompt);

    @Override
    default void close() {
    }
}
