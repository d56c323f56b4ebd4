package dev.textgen.cli.reliability;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.UnknownChars;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.spi.Backends;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 point 5, the accepted side of the prompt rows in {@link BadInputTest}: under {@code skip}
 * and {@code replace} a prompt with unknown characters generates exactly what the cleaned prompt does; a
 * long prompt uses its last maxlen symbols; an empty prompt starts from the stored default prompt.
 */
class PromptPolicyTest {
    private static final int LENGTH = 30;

    @TempDir
    Path dir;

    private LanguageModel model;

    @BeforeEach
    void loadModel() throws IOException {
        model = Backends.installed().get("scratch").load(ModelFile.read(Fixtures.trainedModel(dir)));
    }

    @Test
    void skipDropsTheUnknownCharacters() {
        TextGenerator generator = generator(UnknownChars.SKIP, " ", GenerationConfig.Context.WINDOW);
        assertThat(generator.generate("the #c@at", LENGTH)).isEqualTo(generator.generate("the cat", LENGTH));
    }

    @Test
    void replaceSubstitutesTheConfiguredCharacter() {
        TextGenerator generator = generator(UnknownChars.REPLACE, " ", GenerationConfig.Context.WINDOW);
        assertThat(generator.generate("the#cat@", LENGTH)).isEqualTo(generator.generate("the cat ", LENGTH));
    }

    @Test
    void aLongPromptUsesItsLastMaxlenSymbolsInBothContexts() {
        String tail = "the dog sat".substring(1);
        assertThat(tail).hasSize(model.maxlen());
        for (GenerationConfig.Context context : GenerationConfig.Context.values()) {
            TextGenerator generator = generator(UnknownChars.ERROR, " ", context);
            assertThat(generator.generate("a cat and a dog met on a mat by " + tail, LENGTH)).as(context.jsonName())
                    .isEqualTo(generator.generate(tail, LENGTH));
        }
    }

    @Test
    void anEmptyPromptStartsFromTheStoredDefaultPrompt() {
        TextGenerator generator = generator(UnknownChars.ERROR, " ", GenerationConfig.Context.WINDOW);
        String window = model.defaultPrompt().orElseThrow();
        assertThat(generator.generate("", LENGTH)).isEqualTo(generator.generate(window, LENGTH)).hasSize(LENGTH);
    }

    private TextGenerator generator(UnknownChars policy, String replacement, GenerationConfig.Context context) {
        GenerationConfig base = model.config().generation();
        return new TextGenerator(model, base.withLength(LENGTH).withContext(context).withUnknownChars(policy)
                .withReplacement(replacement).withSeed(5L).withStop(List.of()));
    }
}
