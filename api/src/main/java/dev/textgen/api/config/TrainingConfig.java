package dev.textgen.api.config;

import java.util.List;

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
 *                          only, the seed's) or {@code all-steps} (every step predicts the next character, the
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
        String onNonFinite,
        int keepCheckpoints,
        int checkpointEveryBatches,
        String loss) {

    public static final List<String> NON_FINITE_POLICIES = List.of("stop", "rollback");
    public static final String LAST_STEP = "last-step";
    public static final String ALL_STEPS = "all-steps";
    public static final List<String> LOSSES = List.of(LAST_STEP, ALL_STEPS);

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
        Require.oneOf("training.onNonFinite", onNonFinite, NON_FINITE_POLICIES);
        Require.atLeast("training.keepCheckpoints", keepCheckpoints, 1);
        Require.atLeast("training.checkpointEveryBatches", checkpointEveryBatches, 0);
        Require.oneOf("training.loss", loss, LOSSES);
    }

    /** The seed's: 60 epochs of batch 128 with RMSprop(0.01), no clipping, last-step loss. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(60, 128, 42L, 0, null, OptimizerConfig.RmsProp.defaults(), PreviewConfig.defaults(),
                EarlyStoppingConfig.defaults(), PlateauConfig.defaults(), "stop", 3, 0, LAST_STEP);
    }

    /** This config with another {@link #loss()}. */
    public TrainingConfig withLoss(String newLoss) {
        return new TrainingConfig(epochs, batchSize, seed, threads, clipNorm, optimizer, preview, earlyStopping,
                reduceLrOnPlateau, onNonFinite, keepCheckpoints, checkpointEveryBatches, newLoss);
    }

    /** The thread count to use: {@link #threads()} or, when 0, the available processors. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
