package dev.textgen.spark;

import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;

import java.util.SplittableRandom;

/** Generated text and a tiny model config, so that Spark tests train in seconds on a shared machine. */
final class TestCorpus {
    private static final String[] WORDS = {"the", "will", "to", "power", "is", "a", "free", "spirit", "of", "truth",
            "and", "man", "must", "overcome", "himself", "morality", "good", "evil", "beyond"};

    private TestCorpus() {
    }

    /** About {@code length} characters of lowercase words and punctuation, the same for the same seed. */
    static String text(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(length + 16);
        while (text.length() < length) {
            text.append(WORDS[random.nextInt(WORDS.length)]);
            text.append(random.nextInt(8) == 0 ? ". " : " ");
        }
        text.setLength(length);
        return text.toString();
    }

    /**
     * A tiny LSTM on 10-symbol windows every 3 symbols with 10% held out, one thread, 2 epochs of batches
     * of 16, with more {@code training} fields (e.g. {@code "epochs": 3}) and a {@code spark} section.
     */
    static TextgenConfig config(String training, String spark) {
        return config(0.1, training, spark);
    }

    static TextgenConfig config(double validationFraction, String training, String spark) {
        String json = """
                {"corpus": {"source": "generated", "maxlen": 10, "step": 3, "validationFraction": %s},
                 "model": {"hiddenSize": 12},
                 "training": {"threads": 1%s%s%s},
                 "spark": %s}
                """.formatted(validationFraction, training.contains("\"epochs\"") ? "" : ", \"epochs\": 2",
                training.contains("\"batchSize\"") ? "" : ", \"batchSize\": 16", training.isEmpty() ? "" : ", " + training,
                spark);
        return ConfigLoader.parse(json, "test config");
    }
}
