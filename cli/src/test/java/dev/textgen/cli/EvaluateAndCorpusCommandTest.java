package dev.textgen.cli;

import dev.textgen.api.testing.TinyCorpus;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EvaluateAndCorpusCommandTest {
    private static double number(String text, String label) {
        Matcher m = Pattern.compile(label + ": (\\d+\\.\\d+)").matcher(text);
        assertThat(m.find()).as("%s in %s", label, text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void evaluatePrintsLossBitsPerCharAndPerplexity() {
        Cli.Result all = Cli.run("evaluate", "--model", TrainedModel.model(), "--corpus", TrainedModel.corpus());
        Cli.Result heldOut = Cli.run("evaluate", "--model", TrainedModel.model(), "--corpus", TrainedModel.corpus(),
                "--part", "validation");

        assertThat(all.code()).as(all.err()).isZero();
        assertThat(heldOut.code()).as(heldOut.err()).isZero();
        int chars = TinyCorpus.TEXT.length() * 3;
        // maxlen 10, step 3: a window starts at every multiple of 3 with 11 symbols left.
        assertThat(all.out()).contains(String.format("(all part): %,d windows of 10 chars", (chars - 11) / 3 + 1));
        double loss = number(all.out(), "loss");
        assertThat(loss).isBetween(0.1, Math.log(TinyCorpus.vocabulary().size()) + 0.5);
        assertThat(number(all.out(), "bits per char")).isCloseTo(loss / Math.log(2), within(1e-3));
        assertThat(number(all.out(), "perplexity")).isCloseTo(Math.exp(loss), within(Math.exp(loss) * 1e-3));
        assertThat(heldOut.out()).contains("(validation part)");
        // The training run reported the same held-out loss for its last epoch.
        assertThat(number(heldOut.out(), "loss")).isPositive();
    }

    @Test
    void evaluateStepOverridesTheModelsWindowSpacing() {
        Cli.Result every = Cli.run("evaluate", "--model", TrainedModel.model(), "--corpus", TrainedModel.corpus(),
                "--step", "1");
        Cli.Result bad = Cli.run("evaluate", "--model", TrainedModel.model(), "--corpus", TrainedModel.corpus(),
                "--step", "0");

        assertThat(every.code()).as(every.err()).isZero();
        int chars = TinyCorpus.TEXT.length() * 3;
        assertThat(every.out()).contains(String.format("(all part): %,d windows of 10 chars", chars - 10));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("corpus.step", "0", "--step");
    }

    @Test
    void corpusPrintsSizesSymbolsWindowsAndSplit() {
        Cli.Result result = Cli.run("corpus", TrainedModel.corpus(), "--maxlen", "10", "--step", "3", "--validation-fraction", "0.2");

        assertThat(result.code()).as(result.err()).isZero();
        int chars = TinyCorpus.TEXT.length() * 3;
        int trainChars = (int) Math.floor(chars * 0.8);
        assertThat(result.out()).contains(
                String.format("chars: %,d (after decoding UTF-8, lowercasing)", chars),
                "symbols: " + TinyCorpus.vocabulary().size(),
                String.format("windows: %,d training, %,d held-out (maxlen 10, step 3)", (trainChars - 11) / 3 + 1,
                        (chars - trainChars - 11) / 3 + 1),
                String.format("split: %,d training chars, %,d held-out chars (validationFraction 0.2)", trainChars, chars - trainChars),
                "vocabulary: \"" + TinyCorpus.vocabulary().symbols() + "\"");
    }

    @Test
    void corpusKeepsCaseWhenAsked() {
        Cli.Result result = Cli.run("corpus", TrainedModel.corpus(), "--no-lowercase");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("(after decoding UTF-8)", "maxlen 60, step 3");
    }
}
