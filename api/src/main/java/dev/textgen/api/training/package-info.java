/**
 * The training loop shared by all backends, built on a backend's {@link dev.textgen.api.spi.TrainingEngine}.
 */
package dev.textgen.api.training;
