package dev.textgen.api.config;

import java.util.List;

/**
 * What the trainer prints after each epoch, like the reference notebook: {@code length} chars at each temperature,
 * from a random window of the training text.
 *
 * @param length       chars per preview; 0 turns previews off
 * @param temperatures sampling temperatures, each >= 0 (0 means greedy)
 */
public record PreviewConfig(int length, List<Double> temperatures) {
    /**
     * Checks every field, naming the first invalid one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param length at least 0
     * @param temperatures finite numbers, each at least 0; copied
     */
    public PreviewConfig {
        Require.atLeast("training.preview.length", length, 0);
        Require.present("training.preview.temperatures", temperatures);
        for (int i = 0; i < temperatures.size(); i++) {
            Double t = temperatures.get(i);
            if (t == null || !Double.isFinite(t) || t < 0) {
                throw dev.textgen.api.ConfigException.invalid("training.preview.temperatures[" + i + "]", t,
                        "a finite number >= 0");
            }
        }
        temperatures = List.copyOf(temperatures);
    }

    /**
     * The reference notebook's: 400 chars at 0.2, 0.5, 1.0 and 1.2.
     *
     * @return the defaults
     */
    public static PreviewConfig defaults() {
        return new PreviewConfig(400, List.of(0.2, 0.5, 1.0, 1.2));
    }
}
