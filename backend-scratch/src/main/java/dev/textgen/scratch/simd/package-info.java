/**
 * The numeric kernels of the scratch backend (matrix products, fused LSTM cell steps) in two
 * implementations: portable scalar loops, and Vector API ones loaded by reflection only when the
 * {@code jdk.incubator.vector} module is present. {@link dev.textgen.scratch.simd.VectorizationProvider}
 * picks one per JVM and says which in one log line.
 */
package dev.textgen.scratch.simd;
