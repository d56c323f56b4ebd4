package example;

import dev.textgen.api.TextGenerator;
import dev.textgen.api.Trainer;
import dev.textgen.api.TrainingHistory;
import dev.textgen.api.TrainingListener;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.corpus.Corpus;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Trains the config's model (args: config file, model file to write), writes and reads a checkpoint, generates
 * from the model, and reports what the module system lets it see: one {@code key=value} line each.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        TextgenConfig config = ConfigLoader.load(Path.of(args[0]));
        Corpus corpus = Corpus.load(config.corpus());
        Backend backend = Backends.installed().get(config.model().backend());
        Path modelFile = Path.of(args[1]);
        try (Trainer trainer = backend.newTrainer(config, corpus.vocabulary(), corpus.randomWindow(new SplittableRandom(1)))) {
            TrainingHistory history = trainer.fit(corpus.trainWindows(), corpus.validationWindows(), TrainingListener.NONE);
            System.out.println("epochs=" + history.epochs().size());
            trainer.model().save(modelFile);
            Path checkpoint = modelFile.resolveSibling("checkpoint.safetensors");
            ModelFile.write(checkpoint, new StoredModel(config, corpus.vocabulary(), trainer.model().weights(), null,
                    trainer.state()));
            System.out.println("checkpointEpoch=" + ModelFile.read(checkpoint).training().epoch());
        }
        String text = TextGenerator.load(modelFile).generate(corpus.randomWindow(new SplittableRandom(2)), 40);
        System.out.println("generated=" + text.length());
        System.out.println("backendModule=" + backend.getClass().getModule().getName());
        System.out.println("apiModule=" + Backend.class.getModule().getName());
        System.out.println("backendExported=" + backend.getClass().getModule().isExported(backend.getClass().getPackageName()));
        Module api = Backend.class.getModule();
        System.out.println("internalExported=" + api.isExported("dev.textgen.api.internal"));
        System.out.println("spiExported=" + api.isExported("dev.textgen.api.spi"));
    }
}
