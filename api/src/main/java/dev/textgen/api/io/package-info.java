/**
 * The portable model: weights in the Keras layout, training state, and the safetensors model file that every
 * backend reads and writes.
 */
package dev.textgen.api.io;
