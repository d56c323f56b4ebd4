package dev.textgen.api.config;

/**
 * How to train.
 *
 * @param epochs            passes over the training windows
 * @param batchSize         windows per gradient step
 * @param seed              seeds initialisation, shuffling and dropout: the same seed gives the same run
 * @param threads           worker threads; 0 means all available processors
 * @param clipNorm          clip the gradient to this global L2 norm; null disables clipping
 * @param optimizer         the optimizer and its hyper-parameters
 * @param preview           samples printed after each epoch
 * @param earlyStopping     stop on a held-out loss plateau (needs corpus.validationFraction > 0)
 * @param reduceLrOnPlateau lower the learning rate on a held-out loss plateau
 * @param onNonFinite       {@code stop} (fail naming epoch and batch) or {@code rollback} (return to the
 *                          last good weights with half the learning rate, at most 3 times)
 * @param keepCheckpoints   how many of the latest per-epoch checkpoints to keep (the best is kept too)
 * @param checkpointEveryBatches also checkpoint every this many batches within an epoch, so that a crash
 *                          loses at most that many batches; 0 checkpoints only at the end of each epoch
 * @param loss              the training objective: {@code last-step} (cross-entropy of each window's target
 *                          only, the reference notebook's) or {@code all-steps} (every step predicts the next character, the
 *                          last step the window's target; the mean over all predictions). Held-out evaluation
 *                          is always the last-step loss.
 */
public record TrainingConfig(
        int epochs,
        int batchSize,
        long seed,
        int threads,
        Double clipNorm,
        OptimizerConfig optimizer,
        PreviewConfig preview,
        EarlyStoppingConfig earlyStopping,
        PlateauConfig reduceLrOnPlateau,
        OnNonFinite onNonFinite,
        int keepCheckpoints,
        int checkpointEveryBatches,
        Loss loss) {

    /** The training objective, see {@link TrainingConfig#loss()}. */
    public enum Loss implements ConfigChoice {
        /** The cross-entropy of each window's target only, the reference notebook's. */
        LAST_STEP,
        /** Every step predicts the next character; the mean over all predictions. */
        ALL_STEPS;
    }

    /** What a non-finite loss or gradient does, see {@link TrainingConfig#onNonFinite()}. */
    public enum OnNonFinite implements ConfigChoice {
        /** Fail naming the epoch and batch. */
        STOP,
        /** Return to the last good weights with half the learning rate. */
        ROLLBACK;
    }

    /**
     * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param epochs at least 1
     * @param batchSize at least 1
     * @param seed any value
     * @param threads at least 0
     * @param clipNorm greater than 0, or null
     * @param optimizer not null
     * @param preview not null
     * @param earlyStopping not null
     * @param reduceLrOnPlateau not null
     * @param onNonFinite not null
     * @param keepCheckpoints at least 1
     * @param checkpointEveryBatches at least 0
     * @param loss not null
     */
    public TrainingConfig {
        Require.atLeast("training.epochs", epochs, 1);
        Require.atLeast("training.batchSize", batchSize, 1);
        Require.atLeast("training.threads", threads, 0);
        if (clipNorm != null) {
            Require.positive("training.clipNorm", clipNorm);
        }
        Require.present("training.optimizer", optimizer);
        Require.present("training.preview", preview);
        Require.present("training.earlyStopping", earlyStopping);
        Require.present("training.reduceLrOnPlateau", reduceLrOnPlateau);
        Require.present("training.onNonFinite", onNonFinite);
        Require.atLeast("training.keepCheckpoints", keepCheckpoints, 1);
        Require.atLeast("training.checkpointEveryBatches", checkpointEveryBatches, 0);
        Require.present("training.loss", loss);
    }

    /**
     * The reference notebook's: 60 epochs of batch 128 with RMSprop(0.01), no clipping, last-step loss.
     *
     * @return the defaults
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(60, 128, 42L, 0, null, OptimizerConfig.RmsProp.defaults(), PreviewConfig.defaults(),
                EarlyStoppingConfig.defaults(), PlateauConfig.defaults(), OnNonFinite.STOP, 3, 0, Loss.LAST_STEP);
    }

    /**
     * This config with another {@link #epochs()}.
     *
     * @param value passes over the training windows, at least 1
     * @return a copy with {@code epochs} replaced
     */
    public TrainingConfig withEpochs(int value) {
        return new TrainingConfig(value, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #batchSize()}.
     *
     * @param value windows per gradient step, at least 1
     * @return a copy with {@code batchSize} replaced
     */
    public TrainingConfig withBatchSize(int value) {
        return new TrainingConfig(epochs, value, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #seed()}.
     *
     * @param value the RNG seed for initialisation, shuffling and dropout
     * @return a copy with {@code seed} replaced
     */
    public TrainingConfig withSeed(long value) {
        return new TrainingConfig(epochs, batchSize, value, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #threads()}.
     *
     * @param value worker threads, at least 0 (0: all available processors)
     * @return a copy with {@code threads} replaced
     */
    public TrainingConfig withThreads(int value) {
        return new TrainingConfig(epochs, batchSize, seed, value, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #clipNorm()}.
     *
     * @param value the global L2 norm to clip to, greater than 0, or null for no clipping
     * @return a copy with {@code clipNorm} replaced
     */
    public TrainingConfig withClipNorm(Double value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, value, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #optimizer()}.
     *
     * @param value the optimizer and its hyper-parameters
     * @return a copy with {@code optimizer} replaced
     */
    public TrainingConfig withOptimizer(OptimizerConfig value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, value, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #preview()}.
     *
     * @param value the per-epoch preview settings
     * @return a copy with {@code preview} replaced
     */
    public TrainingConfig withPreview(PreviewConfig value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, value, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #earlyStopping()}.
     *
     * @param value the early stopping settings
     * @return a copy with {@code earlyStopping} replaced
     */
    public TrainingConfig withEarlyStopping(EarlyStoppingConfig value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, value,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #reduceLrOnPlateau()}.
     *
     * @param value the reduce-on-plateau settings
     * @return a copy with {@code reduceLrOnPlateau} replaced
     */
    public TrainingConfig withReduceLrOnPlateau(PlateauConfig value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                value, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #onNonFinite()}.
     *
     * @param value {@code STOP} or {@code ROLLBACK}
     * @return a copy with {@code onNonFinite} replaced
     */
    public TrainingConfig withOnNonFinite(OnNonFinite value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, value, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #keepCheckpoints()}.
     *
     * @param value how many latest checkpoints to keep, at least 1
     * @return a copy with {@code keepCheckpoints} replaced
     */
    public TrainingConfig withKeepCheckpoints(int value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, value, checkpointEveryBatches, loss);
    }

    /**
     * This config with another {@link #checkpointEveryBatches()}.
     *
     * @param value batches between checkpoints within an epoch, at least 0 (0: only at epoch ends)
     * @return a copy with {@code checkpointEveryBatches} replaced
     */
    public TrainingConfig withCheckpointEveryBatches(int value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, value, loss);
    }

    /**
     * This config with another {@link #loss()}.
     *
     * @param value {@code LAST_STEP} or {@code ALL_STEPS}
     * @return a copy with {@code loss} replaced
     */
    public TrainingConfig withLoss(Loss value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, value);
    }

    /**
     * The thread count to use: {@link #threads()} or, when 0, the available processors.
     *
     * @return at least 1
     */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
