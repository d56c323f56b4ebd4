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

    /** The reference notebook's: 60 epochs of batch 128 with RMSprop(0.01), no clipping, last-step loss. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(60, 128, 42L, 0, null, OptimizerConfig.RmsProp.defaults(), PreviewConfig.defaults(),
                EarlyStoppingConfig.defaults(), PlateauConfig.defaults(), OnNonFinite.STOP, 3, 0, Loss.LAST_STEP);
    }

    /** This config with another {@link #epochs()}. */
    public TrainingConfig withEpochs(int value) {
        return new TrainingConfig(value, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #batchSize()}. */
    public TrainingConfig withBatchSize(int value) {
        return new TrainingConfig(epochs, value, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #seed()}. */
    public TrainingConfig withSeed(long value) {
        return new TrainingConfig(epochs, batchSize, value, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #threads()}. */
    public TrainingConfig withThreads(int value) {
        return new TrainingConfig(epochs, batchSize, seed, value, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #clipNorm()}. */
    public TrainingConfig withClipNorm(Double value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, value, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #optimizer()}. */
    public TrainingConfig withOptimizer(OptimizerConfig value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, value, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #preview()}. */
    public TrainingConfig withPreview(PreviewConfig value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, value, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #earlyStopping()}. */
    public TrainingConfig withEarlyStopping(EarlyStoppingConfig value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, value,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #reduceLrOnPlateau()}. */
    public TrainingConfig withReduceLrOnPlateau(PlateauConfig value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                value, onNonFinite, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #onNonFinite()}. */
    public TrainingConfig withOnNonFinite(OnNonFinite value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, value, keepCheckpoints, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #keepCheckpoints()}. */
    public TrainingConfig withKeepCheckpoints(int value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, value, checkpointEveryBatches, loss);
    }

    /** This config with another {@link #checkpointEveryBatches()}. */
    public TrainingConfig withCheckpointEveryBatches(int value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, value, loss);
    }

    /** This config with another {@link #loss()}. */
    public TrainingConfig withLoss(Loss value) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, value);
    }

    /** The thread count to use: {@link #threads()} or, when 0, the available processors. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
