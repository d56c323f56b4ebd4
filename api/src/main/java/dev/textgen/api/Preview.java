package dev.textgen.api;

/**
 * Text the model in training generated after an epoch, as the reference notebook prints it: {@code text}
 * drawn at {@code temperature} right after {@code prompt}, a random window of the training text.
 *
 * @param epoch one-based epoch after which it was generated
 * @param prompt the window of the training text generation continued
 * @param temperature the sampling temperature
 * @param text the generated characters, without the prompt
 */
public record Preview(int epoch, String prompt, double temperature, String text) {
}
