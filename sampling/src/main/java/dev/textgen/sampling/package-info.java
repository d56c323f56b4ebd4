/**
 * The built-in samplers, registered through {@link dev.textgen.api.spi.SamplerProvider} by their config
 * {@code "type"}: {@code temperature}, {@code greedy}, {@code top-k}, {@code top-p} and {@code min-p}.
 * The stochastic ones share one pipeline: an optional CTRL-style repetition penalty on the probabilities,
 * the temperature as p^(1/T) computed in double in log space (temperature 0 is greedy), a truncation,
 * and a categorical draw that takes exactly one {@code nextDouble()} from the caller's generator and
 * can only return an id of positive weight, so the same seed gives the same ids on every backend.
 * Samplers never modify the caller's array and reuse per-instance scratch buffers instead of allocating
 * per draw; use one instance per thread.
 */
package dev.textgen.sampling;
