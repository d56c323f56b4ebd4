/**
 * The portable model: weights in the Keras layout, training state, the safetensors model file that every
 * backend reads and writes ({@link dev.textgen.api.io.ModelFile}), and {@link dev.textgen.api.io.AtomicFiles},
 * which writes any file through a temporary file and an atomic move so that a crash never leaves a part.
 */
package dev.textgen.api.io;
