package dev.textgen.dl4j;

import dev.textgen.api.EpochResult;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.WindowSet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Issue 6's quality check as a benchmark: the reference notebook's setup on the dl4j backend, trained on the first 90%
 * of the lowercased corpus, held-out loss on windows (every 3 chars) of the last 10%, after
 * {@code epochs} epochs. Prints progress every 100 batches and one JSON line per epoch.
 * Usage: {@code Dl4jQualityRun [corpus] [epochs]}.
 */
public final class Dl4jQualityRun {
    private Dl4jQualityRun() {
    }

    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args.length > 0 ? args[0] : "/work/shared/corpora/nietzsche.txt");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String text = Files.readString(corpus, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        Vocabulary vocabulary = Vocabulary.fromText(text);
        int[] ids = text.codePoints().map(vocabulary::id).toArray();
        int split = (int) (ids.length * 0.9);
        int maxlen = 60;
        WindowSet train = Fixtures.windows(Arrays.copyOfRange(ids, 0, split), maxlen, 3, vocabulary.size());
        WindowSet heldOut = Fixtures.windows(Arrays.copyOfRange(ids, split, ids.length), maxlen, 3, vocabulary.size());
        TextgenConfig reference = Fixtures.config(128, 1, "sigmoid", 0, maxlen);
        TextgenConfig config = reference.withTraining(reference.training().withEpochs(epochs).withSeed(42).withThreads(1));
        Trainer trainer = new Dl4jBackendProvider().create().newTrainer(config, vocabulary, text.substring(0, maxlen));
        long started = System.nanoTime();
        TrainingHistory history = trainer.fit(train, heldOut, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss) {
                if (batch % 100 == 0) {
                    System.out.printf(Locale.ROOT, "epoch %d batch %d/%d loss %.4f (%.0f s)%n", epoch, batch,
                            batchesPerEpoch, loss, (System.nanoTime() - started) / 1e9);
                }
            }

            @Override
            public void onEpoch(EpochResult result, Trainer t) {
                System.out.printf(Locale.ROOT, "{\"backend\":\"dl4j\",\"epoch\":%d,\"trainLoss\":%.4f,\"heldOutLoss\":%.4f,"
                                + "\"seconds\":%.0f,\"trainWindows\":%d,\"heldOutWindows\":%d}%n", result.epoch(),
                        result.trainLoss(), result.validationLoss(), result.seconds(), train.size(), heldOut.size());
            }
        });
        System.out.println("history: " + history);
    }
}
