package dev.textgen.cli;

import dev.textgen.api.io.ModelFile;
import dev.textgen.sdk.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateCommandTest {
    @TempDir
    Path dir;

    private static String generated(Cli.Result result) {
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).endsWith("\n");
        return result.out().substring(0, result.out().length() - 1);
    }

    @Test
    void printsExactlyTheGeneratedTextNotTheSeed() {
        String text = generated(Cli.run("generate", "--model", TrainedModel.model(), "--seed-text", "the cat sat on ",
                "--length", "30", "--seed", "1"));

        assertThat(text).hasSize(30).doesNotStartWith("the cat sat on ");
        assertThat(text.chars()).allMatch(c -> TrainedModelSymbols.contains(c));
    }

    @Test
    void theSameSeedGivesTheSameTextAndContextsBothWork() {
        String a = generated(Cli.run("generate", "--model", TrainedModel.model(), "--length", "25", "--seed", "9"));
        String b = generated(Cli.run("generate", "--model", TrainedModel.model(), "--length", "25", "--seed", "9"));
        String stateful = generated(Cli.run("generate", "--model", TrainedModel.model(), "--length", "25", "--seed", "9",
                "--context", "stateful"));
        String greedy = generated(Cli.run("generate", "--model", TrainedModel.model(), "--length", "25", "--temperature", "0"));
        String greedyAgain = generated(Cli.run("generate", "--model", TrainedModel.model(), "--length", "25", "--temperature", "0",
                "--seed", "123"));

        assertThat(a).hasSize(25).isEqualTo(b);
        assertThat(stateful).hasSize(25);
        assertThat(greedy).isEqualTo(greedyAgain);
    }

    @Test
    void samplerFlagsAndStopSequences() {
        String topK = generated(Cli.run("generate", "--model", TrainedModel.model(), "--length", "40", "--top-k", "3", "--seed", "2"));
        String topP = generated(Cli.run("generate", "--model", TrainedModel.model(), "--length", "40", "--top-p", "0.5", "--seed", "2"));
        String stopped = generated(Cli.run("generate", "--model", TrainedModel.model(), "--length", "400", "--seed", "3",
                "--stop", " "));

        assertThat(topK).hasSize(40);
        assertThat(topP).hasSize(40);
        assertThat(stopped).endsWith(" ").hasSizeLessThan(400);
        assertThat(stopped.indexOf(' ')).isEqualTo(stopped.length() - 1);
    }

    @Test
    void seedFileAndUppercaseSeedOfALowercasedModel() throws Exception {
        Path seed = Files.writeString(dir.resolve("seed.txt"), "The Dog Sat");

        String fromFile = generated(Cli.run("generate", "--model", TrainedModel.model(), "--seed-file", seed.toString(),
                "--length", "10", "--seed", "4"));
        String fromText = generated(Cli.run("generate", "--model", TrainedModel.model(), "--seed-text", "the dog sat",
                "--length", "10", "--seed", "4"));

        assertThat(fromFile).isEqualTo(fromText).hasSize(10);
    }

    @Test
    void aCheckpointIsAModelToo() {
        Path checkpoint = RunDirectory.latestCheckpoint(TrainedModel.folder().resolve("run")).orElseThrow();
        assertThat(ModelFile.read(checkpoint).trainingState()).isPresent();

        assertThat(generated(Cli.run("generate", "--model", checkpoint.toString(), "--length", "12", "--seed", "5"))).hasSize(12);
    }

    /** The symbols of the tiny corpus (lowercase already). */
    private static final class TrainedModelSymbols {
        static boolean contains(int c) {
            return dev.textgen.api.testing.TinyCorpus.TEXT.indexOf(c) >= 0;
        }
    }
}
