/**
 * The {@code scratch} backend: a pure-Java character LSTM with no dependency beyond the JDK and the textgen
 * API. {@link dev.textgen.scratch.ScratchBackendProvider} registers it with {@link java.util.ServiceLoader};
 * it loads models as immutable thread-safe {@link dev.textgen.api.LanguageModel}s and supplies the training
 * engine the shared training loop drives.
 */
package dev.textgen.scratch;
