/**
 * The JSON configuration as immutable records, one per section (corpus, model, training, generation),
 * whose defaults reproduce the seed, and the {@link dev.textgen.api.config.ConfigLoader} that reports a bad
 * value with its JSON path, line:column and a "did you mean".
 */
package dev.textgen.api.config;
