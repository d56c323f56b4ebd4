/**
 * The scratch backend's neural network in plain Java: the parameters in the Keras layout
 * ({@link dev.textgen.scratch.nn.Network}), the batched forward pass and backpropagation through time
 * split over a fixed set of workers ({@link dev.textgen.scratch.nn.TrainingPass} and its parts), and the
 * one-symbol-at-a-time stepper behind inference. Everything here is float32 and allocation-free per step.
 */
package dev.textgen.scratch.nn;
