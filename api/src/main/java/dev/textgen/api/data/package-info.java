/**
 * Training data as backends see it: {@link dev.textgen.api.data.WindowSet}s of ids over one compact array, and
 * {@link dev.textgen.api.data.Batches} that refill a reusable {@link dev.textgen.api.data.Batch} in a seeded order.
 */
package dev.textgen.api.data;
