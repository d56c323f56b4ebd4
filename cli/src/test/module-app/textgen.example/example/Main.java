package example;

import dev.textgen.api.TextGenerator;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.corpus.Corpus;
import dev.textgen.sdk.RunDirectory;
import dev.textgen.sdk.TrainingRun;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Trains the config's model in a run folder (args: config file, run folder), resumes the finished run, generates
 * from the model, and reports what the module system lets it see: one {@code key=value} line each.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        TextgenConfig config = ConfigLoader.load(Path.of(args[0]));
        Path runDir = Path.of(args[1]);
        try (TrainingRun run = TrainingRun.start(config, runDir)) {
            System.out.println("epochs=" + run.fit().epochs().size());
        }
        try (TrainingRun run = TrainingRun.resume(runDir)) {
            System.out.println("resumedEpochs=" + run.fit().epochs().size());
        }
        Path checkpoint = RunDirectory.latestCheckpoint(runDir).orElseThrow();
        System.out.println("checkpointEpoch=" + ModelFile.read(checkpoint).training().epoch());
        Corpus corpus = Corpus.load(config.corpus());
        String text = TextGenerator.load(runDir.resolve("model.safetensors"))
                .generate(corpus.randomWindow(new SplittableRandom(2)), 40);
        System.out.println("generated=" + text.length());
        Backend backend = Backends.installed().get(config.model().backend());
        System.out.println("backendModule=" + backend.getClass().getModule().getName());
        System.out.println("apiModule=" + Backend.class.getModule().getName());
        System.out.println("sdkModule=" + TrainingRun.class.getModule().getName());
        System.out.println("backendExported=" + backend.getClass().getModule().isExported(backend.getClass().getPackageName()));
        Module api = Backend.class.getModule();
        System.out.println("internalExported=" + api.isExported("dev.textgen.api.internal"));
        System.out.println("spiExported=" + api.isExported("dev.textgen.api.spi"));
    }
}
