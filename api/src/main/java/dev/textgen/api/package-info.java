/**
 * The textgen API: vocabularies and vectorizers, the {@link dev.textgen.api.LanguageModel} and its
 * stateful {@link dev.textgen.api.Session}s, {@link dev.textgen.api.Trainer}, {@link dev.textgen.api.Sampler}
 * and the {@link dev.textgen.api.TextGenerator} facade that assembles them from a configuration. It depends on
 * nothing but the JDK and Jackson; backends and samplers plug in through {@link dev.textgen.api.spi}.
 */
package dev.textgen.api;
