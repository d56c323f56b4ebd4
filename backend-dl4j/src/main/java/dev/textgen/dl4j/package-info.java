/**
 * The {@code dl4j} backend: the textgen LSTM model (stacked LSTM layers and a Dense softmax) on
 * Deeplearning4j's {@code MultiLayerNetwork} with the ND4J native CPU backend. Weights are converted
 * between DL4J's gate order (cell candidate, forget, output, input) and the portable Keras order (input,
 * forget, cell candidate, output) on every load and save, so a model file trained on any backend runs here
 * and the reverse. The optimizer update (RMSprop, Adam, gradient clipping by global norm) is applied by
 * this package on the network's flattened gradient, with Keras' exact formulas; ND4J is loaded only when
 * the provider's {@code create()} is first called.
 */
package dev.textgen.dl4j;
