package dev.textgen.api.training;

import dev.textgen.api.config.TrainingConfig.OnNonFinite;
import dev.textgen.api.ConfigException;
import dev.textgen.api.EpochResult;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingDivergedException;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.CorpusConfig;
import dev.textgen.api.config.EarlyStoppingConfig;
import dev.textgen.api.config.OptimizerConfig;
import dev.textgen.api.config.PlateauConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;
import dev.textgen.api.testing.BackendContractTest;
import dev.textgen.api.testing.TestDoubleBackend;
import dev.textgen.api.testing.TestDoubleProvider;
import dev.textgen.api.testing.TinyCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import static dev.textgen.api.config.TrainingConfig.OnNonFinite.ROLLBACK;
import static dev.textgen.api.config.TrainingConfig.OnNonFinite.STOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The loop's bookkeeping, on a scripted engine whose losses and weights the tests choose. */
class TrainingLoopTest {
    /** 45 windows in batches of 16: 16, 16 and a partial 13, so 3 batches per epoch. */
    private static final int WINDOWS = 45;
    private static final int BATCH = 16;
    private static final int PER_EPOCH = 3;

    private final WindowSet windows = ScriptedBackend.indexWindows(WINDOWS);
    private final Vocabulary vocabulary = Vocabulary.of(IntStream.range(0, WINDOWS).map(i -> 'A' + i).toArray());

    @Test
    void eachEpochTrainsTheSeededShuffleIncludingThePartialLastBatch() {
        ScriptedBackend backend = new ScriptedBackend((batch, updates, lr) -> batch.size(), (batch, updates, lr) -> 0);
        Trainer trainer = TrainingLoop.start(backend, config(2, 0.01, STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, null, TrainingListener.NONE);

        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.COMPLETED);
        assertThat(backend.calls).hasSize(2 * PER_EPOCH);
        for (int epoch = 0; epoch < 2; epoch++) {
            Batches expected = Batches.shuffled(windows, BATCH, 7L, epoch);
            Batch batch = new Batch(BATCH, 1, WINDOWS, false);
            for (int b = 0; b < PER_EPOCH; b++) {
                assertThat(expected.next(batch)).isTrue();
                ScriptedBackend.Call call = backend.calls.get(epoch * PER_EPOCH + b);
                assertThat(call.targets()).containsExactly(Arrays.copyOf(batch.targets(), batch.size()));
                assertThat(call.seed()).isEqualTo(batch.seed());
            }
        }
        assertThat(backend.calls.get(2).targets()).hasSize(13);
        // Window-weighted: (16*16 + 16*16 + 13*13) / 45, not the plain mean of the batch losses (15).
        assertThat(history.trainLosses()).containsExactly(681.0 / 45, 681.0 / 45);
        assertThat(history.validationLosses()).allMatch(v -> Double.isNaN(v));
        assertThat(history.secondsPerEpoch()).allMatch(s -> s >= 0 && s < 60);
        assertThat(history.bestEpoch()).as("an equal loss is no improvement: the first epoch stays best").isEqualTo(1);
    }

    @Test
    void heldOutLossIsTheWindowWeightedMeanOverEveryValidationWindow() {
        ScriptedBackend backend = new ScriptedBackend((batch, updates, lr) -> 1,
                (batch, updates, lr) -> IntStream.of(Arrays.copyOf(batch.targets(), batch.size())).average().orElseThrow());
        Trainer trainer = TrainingLoop.start(backend, config(1, 0.01, STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        // Targets 0..44 in sequence: the window-weighted mean is 22; the mean of batch means would be 23.
        assertThat(history.epochs().get(0).validationLoss()).isCloseTo(22.0, within(1e-12));
    }

    @Test
    void listenersHearEveryBatchAndEpochWithAConsistentState() {
        ScriptedBackend backend = new ScriptedBackend((batch, updates, lr) -> 10 - updates, (batch, updates, lr) -> 5);
        Trainer trainer = TrainingLoop.start(backend, config(2, 0.01, STOP), vocabulary, null);
        List<String> heard = new ArrayList<>();

        TrainingHistory history = trainer.fit(windows, windows, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                heard.add("batch " + epoch + "." + batch + "/" + batchesPerEpoch + " " + loss);
            }

            @Override
            public void onEpoch(EpochResult result, Trainer t) {
                TrainingState state = t.state();
                heard.add("epoch " + result.epoch() + " state " + state.epoch() + "." + state.batch() + " history "
                        + state.history().size() + " updates " + ScriptedBackend.updates(t.model().weights()));
            }
        });

        assertThat(heard).containsExactly(
                "batch 1.1/3 10.0", "batch 1.2/3 9.0", "batch 1.3/3 8.0", "epoch 1 state 1.0 history 1 updates 3",
                "batch 2.1/3 7.0", "batch 2.2/3 6.0", "batch 2.3/3 5.0", "epoch 2 state 2.0 history 2 updates 6");
        assertThat(history.epochs()).extracting(EpochResult::epoch).containsExactly(1, 2);
        assertThat(history.epochs()).extracting(EpochResult::validationLoss).containsExactly(5.0, 5.0);
    }

    @Test
    void earlyStoppingEndsOnThePlateauAndRestoresTheBestEpochsWeights() {
        ScriptedBackend backend = heldOutCurve(3.0, 2.0, 1.5, 1.6, 1.7, 1.8, 1.0);
        Trainer trainer = TrainingLoop.start(backend, config(7, 0.01, new EarlyStoppingConfig(2, 0.0, true),
                PlateauConfig.defaults(), STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.STOPPED_EARLY);
        assertThat(history.validationLosses()).containsExactly(3.0, 2.0, 1.5, 1.6, 1.7);
        assertThat(history.bestEpoch()).isEqualTo(3);
        assertThat(ScriptedBackend.updates(trainer.model().weights())).isEqualTo(3 * PER_EPOCH);
        assertThat(ScriptedBackend.updates(trainer.state().bestWeights())).isEqualTo(3 * PER_EPOCH);
        assertThat(trainer.fit(windows, windows, TrainingListener.NONE).outcome())
                .as("fitting again after an early stop trains nothing").isEqualTo(TrainingHistory.Outcome.STOPPED_EARLY);
        assertThat(backend.calls).hasSize(5 * PER_EPOCH);
    }

    @Test
    void withoutRestoreTheLastEpochsWeightsRemain() {
        ScriptedBackend backend = heldOutCurve(3.0, 2.0, 2.5, 2.6);
        Trainer trainer = TrainingLoop.start(backend, config(4, 0.01, new EarlyStoppingConfig(2, 0.0, false),
                PlateauConfig.defaults(), STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.STOPPED_EARLY);
        assertThat(history.bestEpoch()).isEqualTo(2);
        assertThat(ScriptedBackend.updates(trainer.model().weights())).isEqualTo(4 * PER_EPOCH);
        assertThat(trainer.state().bestWeights()).isNull();
    }

    @Test
    void improvementsSmallerThanMinDeltaDoNotCount() {
        ScriptedBackend backend = heldOutCurve(3.0, 2.95, 2.9, 2.85);
        Trainer trainer = TrainingLoop.start(backend, config(4, 0.01, new EarlyStoppingConfig(2, 0.1, true),
                PlateauConfig.defaults(), STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.STOPPED_EARLY);
        assertThat(history.epochs()).hasSize(3);
        assertThat(history.bestEpoch()).isEqualTo(1);
        assertThat(ScriptedBackend.updates(trainer.model().weights())).isEqualTo(PER_EPOCH);
    }

    @Test
    void theBestWeightsAreRestoredWhenAllEpochsRan() {
        ScriptedBackend backend = heldOutCurve(3.0, 2.0, 2.5);
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.01, new EarlyStoppingConfig(5, 0.0, true),
                PlateauConfig.defaults(), STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.COMPLETED);
        assertThat(history.bestEpoch()).isEqualTo(2);
        assertThat(ScriptedBackend.updates(trainer.model().weights())).isEqualTo(2 * PER_EPOCH);
    }

    @Test
    void schedulesThatWatchTheHeldOutLossNeedHeldOutWindows() {
        ScriptedBackend backend = constantLosses();
        Trainer early = TrainingLoop.start(backend, config(3, 0.01, new EarlyStoppingConfig(2, 0.0, true),
                PlateauConfig.defaults(), STOP), vocabulary, null);
        Trainer plateau = TrainingLoop.start(backend, config(3, 0.01, EarlyStoppingConfig.defaults(),
                new PlateauConfig(2, 0.5, 0), STOP), vocabulary, null);

        assertThatThrownBy(() -> early.fit(windows, null, TrainingListener.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("training.earlyStopping.patience")
                .hasMessageContaining("corpus.validationFraction");
        assertThatThrownBy(() -> plateau.fit(windows, ScriptedBackend.indexWindows(0), TrainingListener.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("training.reduceLrOnPlateau.patience");
    }

    @Test
    void reduceOnPlateauLowersTheLearningRateAfterPatienceEpochsDownToTheFloor() {
        ScriptedBackend backend = heldOutCurve(3, 2, 2.5, 2.6, 2.7, 1, 1.1, 1.2, 1.3, 1.4);
        Trainer trainer = TrainingLoop.start(backend, config(10, 0.1, EarlyStoppingConfig.defaults(),
                new PlateauConfig(2, 0.5, 0.03), STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        // No improvement after epochs 3 and 4: lower to 0.05 from epoch 5; epoch 6 improves; after 7 and 8
        // lower again, to the floor 0.03 rather than 0.025; at the floor it stays.
        assertThat(history.epochs()).extracting(EpochResult::learningRate)
                .containsExactly(0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.03, 0.03);
        for (int call = 0; call < backend.calls.size(); call++) {
            assertThat(backend.calls.get(call).learningRate()).isEqualTo(history.epochs().get(call / PER_EPOCH)
                    .learningRate());
        }
        assertThat(trainer.state().learningRate()).isEqualTo(0.03);
    }

    @Test
    void decayDividesTheBaseRateByOnePlusDecayTimesTheUpdatesSoFar() {
        ScriptedBackend backend = constantLosses();
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.1, 0.5, EarlyStoppingConfig.defaults(),
                PlateauConfig.defaults(), STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        assertThat(backend.calls).extracting(ScriptedBackend.Call::learningRate).containsExactly(
                0.1, 0.1 / 1.5, 0.1 / 2, 0.1 / 2.5, 0.1 / 3, 0.1 / 3.5, 0.1 / 4, 0.1 / 4.5, 0.1 / 5);
        // An epoch shows the rate of its last batch; the state keeps the base rate.
        assertThat(history.epochs()).extracting(EpochResult::learningRate).containsExactly(0.1 / 2, 0.1 / 3.5, 0.1 / 5);
        assertThat(trainer.state().learningRate()).isEqualTo(0.1);
    }

    @Test
    void theFloorBoundsTheBaseRateSoThePlateauScheduleLowersItEvenWhenTheDecayedRateIsBelow() {
        ScriptedBackend backend = heldOutCurve(3, 2, 2.5, 2.6, 2.7, 1, 1.1, 1.2, 1.3, 1.4);
        Trainer trainer = TrainingLoop.start(backend, config(10, 0.1, 0.25, EarlyStoppingConfig.defaults(),
                new PlateauConfig(2, 0.5, 0.03), STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        // The base rates of reduceOnPlateauLowersTheLearningRateAfterPatienceEpochsDownToTheFloor, although from
        // epoch 4 on every decayed rate is below the floor 0.03; at the floor the base rate stays.
        double[] base = {0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.03, 0.03};
        assertThat(history.epochs().get(3).learningRate()).isLessThan(0.03);
        for (int call = 0; call < backend.calls.size(); call++) {
            assertThat(backend.calls.get(call).learningRate()).as("call %d", call)
                    .isEqualTo(base[call / PER_EPOCH] / (1 + 0.25 * call));
        }
        assertThat(history.epochs()).extracting(EpochResult::learningRate).containsExactly(
                IntStream.range(0, base.length).mapToObj(e -> base[e] / (1 + 0.25 * (PER_EPOCH * (e + 1) - 1)))
                        .toArray(Double[]::new));
        assertThat(trainer.state().learningRate()).isEqualTo(0.03);
    }

    @Test
    void aNonFiniteLossStopsNamingTheOneBasedEpochAndBatch() {
        ScriptedBackend backend = new ScriptedBackend(
                (batch, updates, lr) -> updates == PER_EPOCH + 2 ? Double.NaN : 1, (batch, updates, lr) -> 1);
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.01, STOP), vocabulary, null);
        List<String> batches = new ArrayList<>();

        assertThatThrownBy(() -> trainer.fit(windows, windows, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                batches.add(epoch + "." + batch);
            }
        }))
                .isInstanceOfSatisfying(TrainingDivergedException.class, e -> {
                    assertThat(e.epoch()).isEqualTo(2);
                    assertThat(e.batch()).isEqualTo(3);
                })
                .hasMessageContaining("epoch 2, batch 3")
                .hasMessageContaining("the loss is NaN")
                .hasMessageContaining("training.onNonFinite");
        assertThat(batches).containsExactly("1.1", "1.2", "1.3", "2.1", "2.2");
        TrainingState state = trainer.state();
        assertThat(state.epoch()).isEqualTo(1);
        assertThat(state.batch()).isEqualTo(2);
        assertThat(trainer.model().weights().allFinite()).isTrue();
        assertThat(ScriptedBackend.updates(trainer.model().weights())).isEqualTo(PER_EPOCH + 2);
    }

    @Test
    void aNonFiniteWeightIsNeverHandedOut() {
        ScriptedBackend backend = new ScriptedBackend((batch, updates, lr) -> 1, (batch, updates, lr) -> 1,
                PER_EPOCH + 2);
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.01, STOP), vocabulary, null);

        assertThatThrownBy(() -> trainer.fit(windows, windows, TrainingListener.NONE))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("epoch 2, batch 3: a weight is not finite");
        assertThat(trainer.model().weights().allFinite()).isTrue();
        assertThat(ScriptedBackend.updates(trainer.model().weights())).as("back at the start of epoch 2")
                .isEqualTo(PER_EPOCH);
        assertThat(trainer.state().epoch()).isEqualTo(1);
        assertThat(trainer.state().batch()).isZero();
        assertThat(trainer.state().partialWindows()).isZero();
    }

    @Test
    void aCancelledRunNeverEndsOnNonFiniteWeights() {
        ScriptedBackend backend = new ScriptedBackend((batch, updates, lr) -> 1, (batch, updates, lr) -> 1, 2);
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.01, STOP), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                if (batch == 2) {
                    trainer.requestStop();
                }
            }
        });

        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.CANCELLED);
        assertThat(trainer.model().weights().allFinite()).isTrue();
        assertThat(trainer.state().batch()).isZero();
    }

    @Test
    void rollbackReturnsToTheEpochStartWithHalfTheLearningRate() {
        // Diverges whenever the learning rate is above 0.03: 0.1 and 0.05 fail, 0.025 trains.
        ScriptedBackend backend = new ScriptedBackend(
                (batch, updates, lr) -> updates >= PER_EPOCH + 1 && lr > 0.03 ? Double.POSITIVE_INFINITY : 1,
                (batch, updates, lr) -> 1);
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.1, ROLLBACK), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.COMPLETED);
        assertThat(history.epochs()).extracting(EpochResult::learningRate).containsExactly(0.1, 0.025, 0.025);
        assertThat(history.trainLosses()).containsExactly(1.0, 1.0, 1.0);
        assertThat(backend.calls).extracting(ScriptedBackend.Call::updatesBefore)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 3L, 4L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(ScriptedBackend.updates(trainer.model().weights())).isEqualTo(3 * PER_EPOCH);
        assertThat(trainer.state().optimizerState().get("updates")[0]).as("optimizer state rolled back too")
                .isEqualTo(3f * PER_EPOCH);
    }

    @Test
    void aRollbackReplaysTheEpochAtTheSameUpdateNumbersWithHalfTheBaseRate() {
        // Update 4 diverges above a rate of 0.02: at 0.1 / 3 it fails, after the rollback 0.05 / 3 trains.
        ScriptedBackend backend = new ScriptedBackend(
                (batch, updates, lr) -> updates == PER_EPOCH + 1 && lr > 0.02 ? Double.POSITIVE_INFINITY : 1,
                (batch, updates, lr) -> 1);
        Trainer trainer = TrainingLoop.start(backend, config(2, 0.1, 0.5, EarlyStoppingConfig.defaults(),
                PlateauConfig.defaults(), ROLLBACK), vocabulary, null);

        TrainingHistory history = trainer.fit(windows, windows, TrainingListener.NONE);

        assertThat(backend.calls).extracting(ScriptedBackend.Call::updatesBefore)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 3L, 4L, 5L);
        assertThat(backend.calls).extracting(ScriptedBackend.Call::learningRate).containsExactly(
                0.1, 0.1 / 1.5, 0.1 / 2, 0.1 / 2.5, 0.1 / 3, 0.05 / 2.5, 0.05 / 3, 0.05 / 3.5);
        assertThat(history.epochs()).extracting(EpochResult::learningRate).containsExactly(0.1 / 2, 0.05 / 3.5);
        assertThat(trainer.state().learningRate()).isEqualTo(0.05);
    }

    @Test
    void rollbackGivesUpAfterThreeAttempts() {
        ScriptedBackend backend = new ScriptedBackend(
                (batch, updates, lr) -> updates == PER_EPOCH ? Double.NaN : 1, (batch, updates, lr) -> 1);
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.08, ROLLBACK), vocabulary, null);

        assertThatThrownBy(() -> trainer.fit(windows, windows, TrainingListener.NONE))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("epoch 2, batch 1: the loss is NaN even after 3 rollbacks")
                .hasMessageContaining("0.01");
        assertThat(backend.calls).hasSize(PER_EPOCH + 1 + TrainingLoop.MAX_ROLLBACKS);
        assertThat(trainer.state().learningRate()).isEqualTo(0.01);
    }

    @Test
    void aNonFiniteHeldOutLossIsAFaultToo() {
        ScriptedBackend backend = new ScriptedBackend((batch, updates, lr) -> 1,
                (batch, updates, lr) -> Double.POSITIVE_INFINITY);
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.01, STOP), vocabulary, null);

        assertThatThrownBy(() -> trainer.fit(windows, windows, TrainingListener.NONE))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("epoch 1, batch 3: the held-out loss is Infinity");
    }

    @Test
    void aStopRequestedFromAnotherThreadEndsAfterTheBatchInProgress() throws Exception {
        ScriptedBackend backend = constantLosses();
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.01, STOP), vocabulary, null);
        CountDownLatch inBatch = new CountDownLatch(1);
        CountDownLatch requested = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            try {
                inBatch.await();
                trainer.requestStop();
                requested.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();

        TrainingHistory history = trainer.fit(windows, windows, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                if (epoch == 2 && batch == 1) {
                    inBatch.countDown();
                    try {
                        requested.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        stopper.join();

        assertThat(history.outcome()).isEqualTo(TrainingHistory.Outcome.CANCELLED);
        assertThat(history.epochs()).hasSize(1);
        assertThat(trainer.state().epoch()).isEqualTo(1);
        assertThat(trainer.state().batch()).isEqualTo(1);
        assertThat(trainer.state().partialWindows()).isEqualTo(BATCH);
        assertThat(trainer.fit(windows, windows, TrainingListener.NONE).outcome())
                .as("the request is consumed; fitting again continues").isEqualTo(TrainingHistory.Outcome.COMPLETED);
        assertThat(backend.calls).hasSize(3 * PER_EPOCH);
    }

    @Test
    void aStopRequestedBeforeFitTrainsNothing() {
        ScriptedBackend backend = constantLosses();
        Trainer trainer = TrainingLoop.start(backend, config(3, 0.01, STOP), vocabulary, null);
        trainer.requestStop();

        assertThat(trainer.fit(windows, null, TrainingListener.NONE).outcome())
                .isEqualTo(TrainingHistory.Outcome.CANCELLED);
        assertThat(backend.calls).isEmpty();
    }

    @ParameterizedTest(name = "decay {0}")
    @ValueSource(doubles = {0.0, 0.1})
    void resumingReplaysSchedulesExactlyFromAnyStopPoint(double decay) {
        // The plateau schedule halves the rate after epochs 4 and 8; early stopping ends after epoch 10.
        ScriptedBackend.Script validation = heldOut(3, 2, 2.5, 2.6, 2.7, 1.9, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5);
        TextgenConfig config = config(12, 0.1, decay, new EarlyStoppingConfig(4, 0.0, true),
                new PlateauConfig(2, 0.5, 0), STOP);
        ScriptedBackend straight = new ScriptedBackend((batch, updates, lr) -> 1 + updates, validation);
        Trainer uninterrupted = TrainingLoop.start(straight, config, vocabulary, null);
        TrainingHistory expected = uninterrupted.fit(windows, windows, TrainingListener.NONE);
        assertThat(expected.outcome()).isEqualTo(TrainingHistory.Outcome.STOPPED_EARLY);
        assertThat(expected.bestEpoch()).isEqualTo(6);
        double[] base = {0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025};
        assertThat(expected.epochs()).extracting(EpochResult::learningRate).containsExactly(
                IntStream.range(0, base.length).mapToObj(e -> base[e] / (1 + decay * (PER_EPOCH * (e + 1) - 1)))
                        .toArray(Double[]::new));

        for (int stopAt = 1; stopAt <= straight.calls.size(); stopAt++) {
            ScriptedBackend backend = new ScriptedBackend((batch, updates, lr) -> 1 + updates, validation);
            TrainingHistory history = runWithStops(backend, config, stopAt);
            assertThat(history.outcome()).isEqualTo(expected.outcome());
            assertThat(history.bestEpoch()).isEqualTo(expected.bestEpoch());
            assertThat(history.epochs()).as("stopped after call %d", stopAt).usingRecursiveComparison()
                    .ignoringFields("seconds").isEqualTo(expected.epochs());
            assertThat(backend.calls).usingRecursiveComparison().isEqualTo(straight.calls);
        }
    }

    @ParameterizedTest(name = "decay {0}")
    @ValueSource(doubles = {0.0, 0.05})
    void resumingRealTrainingIsBitForBitFromAnyStopPoint(double decay) {
        TextgenConfig config = realTraining(4, decay);
        Vocabulary tiny = TinyCorpus.vocabulary();
        WindowSet train = TinyCorpus.train();
        WindowSet validation = TinyCorpus.validation();
        TestDoubleBackend backend = new TestDoubleBackend();
        Trainer straight = TrainingLoop.start(backend, config, tiny, TinyCorpus.defaultPrompt());
        TrainingHistory expected = straight.fit(train, validation, TrainingListener.NONE);
        int perEpoch = (train.size() + 15) / 16;

        for (int stopAt : new int[] {1, perEpoch + 7, 3 * perEpoch}) {
            Trainer first = TrainingLoop.start(backend, config, tiny, TinyCorpus.defaultPrompt());
            int[] batches = {0};
            first.fit(train, validation, new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                    if (++batches[0] == stopAt) {
                        first.requestStop();
                    }
                }
            });
            StoredModel checkpoint = new StoredModel(config, tiny, first.model().weights(), TinyCorpus.defaultPrompt(),
                    first.state());
            Trainer resumed = TrainingLoop.resume(backend, checkpoint);
            TrainingHistory history = resumed.fit(train, validation, TrainingListener.NONE);

            assertThat(history.outcome()).isEqualTo(expected.outcome());
            assertThat(history.bestEpoch()).isEqualTo(expected.bestEpoch());
            assertThat(history.epochs()).as("stopped after batch %d", stopAt).usingRecursiveComparison()
                    .ignoringFields("seconds").isEqualTo(expected.epochs());
            BackendContractTest.assertSameWeights(resumed.model().weights(), straight.model().weights(), 0);
            assertThat(resumed.state().optimizerState()).usingRecursiveComparison()
                    .isEqualTo(straight.state().optimizerState());
        }
    }

    @Test
    void aStateTakenInsideOnBatchWhileTrainingGoesOnResumesBitForBit() {
        TextgenConfig config = realTraining(3, 0);
        Vocabulary tiny = TinyCorpus.vocabulary();
        WindowSet train = TinyCorpus.train();
        WindowSet validation = TinyCorpus.validation();
        TestDoubleBackend backend = new TestDoubleBackend();
        int perEpoch = (train.size() + 15) / 16;
        int takeAt = perEpoch + 2;
        Trainer straight = TrainingLoop.start(backend, config, tiny, TinyCorpus.defaultPrompt());
        StoredModel[] taken = new StoredModel[1];
        int[] batches = {0};

        TrainingHistory expected = straight.fit(train, validation, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                if (++batches[0] == takeAt) {
                    taken[0] = new StoredModel(config, tiny, straight.model().weights(), TinyCorpus.defaultPrompt(),
                            straight.state());
                }
            }
        });
        Trainer resumed = TrainingLoop.resume(backend, taken[0]);
        TrainingHistory history = resumed.fit(train, validation, TrainingListener.NONE);

        assertThat(taken[0].training().epoch()).isEqualTo(1);
        assertThat(taken[0].training().batch()).isEqualTo(2);
        assertThat(history.epochs()).usingRecursiveComparison().ignoringFields("seconds").isEqualTo(expected.epochs());
        BackendContractTest.assertSameWeights(resumed.model().weights(), straight.model().weights(), 0);
        assertThat(resumed.state().optimizerState()).usingRecursiveComparison()
                .isEqualTo(straight.state().optimizerState());
    }

    @Test
    void aPlainModelCannotBeResumed() {
        ScriptedBackend backend = constantLosses();
        Trainer trainer = TrainingLoop.start(backend, config(1, 0.01, STOP), vocabulary, null);
        StoredModel plain = new StoredModel(config(1, 0.01, STOP), vocabulary, trainer.model().weights(), null, null);

        assertThatThrownBy(() -> TrainingLoop.resume(backend, plain))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no training state");
    }

    @Test
    void windowsOfAnotherShapeAreRejected() {
        ScriptedBackend backend = constantLosses();
        Trainer trainer = TrainingLoop.start(backend, config(1, 0.01, STOP), vocabulary, null);

        assertThatThrownBy(() -> trainer.fit(ScriptedBackend.indexWindows(10), null, TrainingListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 symbols")
                .hasMessageContaining("45-symbol vocabulary");
    }

    /** The test double's real training on the tiny corpus, with dropout, early stopping and the plateau schedule. */
    private static TextgenConfig realTraining(int epochs, double decay) {
        return TinyCorpus.withDropout(TinyCorpus.config(TestDoubleProvider.NAME, 8), 0.2)
                .withTraining(TinyCorpus.training(epochs, 16, new OptimizerConfig.RmsProp(0.02, 0.9, 1e-7, decay),
                        new EarlyStoppingConfig(2, 0.0, true), new PlateauConfig(1, 0.5, 0), STOP));
    }

    /** Trains, stopping after the {@code stopAt}-th batch, and resumes from a checkpoint of that point. */
    private TrainingHistory runWithStops(ScriptedBackend backend, TextgenConfig config, int stopAt) {
        Trainer first = TrainingLoop.start(backend, config, vocabulary, null);
        TrainingHistory cancelled = first.fit(windows, windows, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                if (backend.calls.size() == stopAt) {
                    first.requestStop();
                }
            }
        });
        if (cancelled.outcome() != TrainingHistory.Outcome.CANCELLED) {
            return cancelled;
        }
        StoredModel checkpoint = new StoredModel(config, vocabulary, first.model().weights(), null, first.state());
        return TrainingLoop.resume(backend, checkpoint).fit(windows, windows, TrainingListener.NONE);
    }

    /** Training losses of 1 and the given held-out loss after each epoch. */
    private static ScriptedBackend heldOutCurve(double... perEpoch) {
        return new ScriptedBackend((batch, updates, lr) -> 1, heldOut(perEpoch));
    }

    /** The given held-out loss after each epoch. */
    private static ScriptedBackend.Script heldOut(double... perEpoch) {
        return (batch, updates, lr) -> perEpoch[(int) (updates / PER_EPOCH) - 1];
    }

    private static ScriptedBackend constantLosses() {
        return new ScriptedBackend((batch, updates, lr) -> 1, (batch, updates, lr) -> 1);
    }

    /** Without early stopping or a schedule. */
    private static TextgenConfig config(int epochs, double learningRate, OnNonFinite onNonFinite) {
        return config(epochs, learningRate, EarlyStoppingConfig.defaults(), PlateauConfig.defaults(), onNonFinite);
    }

    private static TextgenConfig config(int epochs, double learningRate, EarlyStoppingConfig earlyStopping,
                                        PlateauConfig plateau, OnNonFinite onNonFinite) {
        return config(epochs, learningRate, 0, earlyStopping, plateau, onNonFinite);
    }

    private static TextgenConfig config(int epochs, double learningRate, double decay, EarlyStoppingConfig earlyStopping,
                                        PlateauConfig plateau, OnNonFinite onNonFinite) {
        TextgenConfig base = TinyCorpus.config("scripted", 1);
        CorpusConfig c = base.corpus();
        return base
                .withCorpus(new CorpusConfig(c.source(), null, null, c.charset(), c.malformed(), false, false, false,
                        1, 1, 0.2, c.maxVocabulary()))
                .withTraining(TinyCorpus.training(epochs, BATCH, new OptimizerConfig.RmsProp(learningRate, 0.9, 1e-7, decay),
                        earlyStopping, plateau, onNonFinite));
    }
}
