/**
 * The JSON configuration as immutable records, one per section (corpus, model, training, generation),
 * whose defaults reproduce the reference notebook, and the {@link dev.textgen.api.config.ConfigLoader} that merges a
 * document and its {@link dev.textgen.api.config.ConfigOverrides} over those defaults and reports a bad
 * value with its JSON path, line:column (or where else it came from) and a "did you mean".
 */
package dev.textgen.api.config;
