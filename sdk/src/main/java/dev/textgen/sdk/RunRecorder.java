package dev.textgen.sdk;

import dev.textgen.api.EpochResult;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.Preview;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.PreviewConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.io.TrainingState;
import dev.textgen.corpus.Corpus;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a run writes as it trains: a checkpoint after every epoch and every
 * {@code training.checkpointEveryBatches} batches, {@code metrics.csv} and the chart after every epoch,
 * and the previews it hands to the caller's listener.
 */
final class RunRecorder {
    private final TextgenConfig config;
    private final Corpus corpus;
    private final RunDirectory folder;
    private final Trainer trainer;
    private volatile Path lastCheckpoint;

    RunRecorder(TextgenConfig config, Corpus corpus, RunDirectory folder, Trainer trainer) {
        this.config = config;
        this.corpus = corpus;
        this.folder = folder;
        this.trainer = trainer;
    }

    /**
     * A listener that passes every event to {@code caller} first, then records; previews are generated only
     * for a caller other than {@link TrainingListener#NONE}, which would ignore them.
     */
    TrainingListener recording(TrainingListener caller) {
        boolean previews = caller != TrainingListener.NONE;
        return new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                caller.onBatch(epoch, batch, batchesPerEpoch, loss);
                int every = config.training().checkpointEveryBatches();
                // The last batch is left to the end-of-epoch checkpoint that follows it.
                if (every > 0 && batch % every == 0 && batch < batchesPerEpoch) {
                    LanguageModel model = trainer.model();
                    // An update can overflow before the loss shows it; the loop catches that at the next batch.
                    if (model.weights().allFinite()) {
                        saveCheckpoint(trainer.state(), model);
                    }
                }
            }

            @Override
            public void onEpoch(EpochResult result, Trainer trainer) {
                caller.onEpoch(result, trainer);
                if (previews) {
                    preview(trainer.model(), result.epoch(), caller);
                }
                TrainingState state = trainer.state();
                saveCheckpoint(state, trainer.model());
                writeMetrics(state.history());
            }
        };
    }

    /** Writes a checkpoint of {@code model} at {@code state}'s position and prunes the older ones. */
    Path saveCheckpoint(TrainingState state, LanguageModel model) {
        StoredModel checkpoint = new StoredModel(config, model.vocabulary(), model.weights(), model.seedWindow().orElse(null),
                state);
        Path saved = folder.saveCheckpoint(checkpoint, config.training().keepCheckpoints());
        lastCheckpoint = saved;
        return saved;
    }

    /** The checkpoint written last, or null before the first. */
    Path lastCheckpoint() {
        return lastCheckpoint;
    }

    void writeMetrics(List<EpochResult> history) {
        folder.writeMetrics("textgen: " + config.model().layers() + " x LSTM(" + config.model().hiddenSize() + ") on "
                + corpus.name(), history);
    }

    /**
     * Like the reference notebook: {@code training.preview.length} chars at each preview temperature after a
     * random window of the training text; the window and the sampling are seeded by the training seed and
     * the epoch, so a resumed run previews what the uninterrupted one would.
     */
    private void preview(LanguageModel model, int epoch, TrainingListener caller) {
        PreviewConfig preview = config.training().preview();
        if (preview.length() == 0 || preview.temperatures().isEmpty()) {
            return;
        }
        long seed = config.training().seed() * 31 + epoch;
        String prompt = corpus.randomWindow(new SplittableRandom(seed));
        GenerationConfig base = config.generation();
        for (double temperature : preview.temperatures()) {
            GenerationConfig generation = new GenerationConfig(SamplerConfig.of("temperature", "temperature", temperature),
                    preview.length(), base.context(), base.unknownChars(), base.replacement(), seed, List.of());
            String text = new TextGenerator(model, generation).generate(prompt, preview.length());
            caller.onPreview(new Preview(epoch, prompt, temperature, text));
        }
    }
}
