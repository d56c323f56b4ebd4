/**
 * The {@code dl4j} backend: the textgen LSTM model (stacked LSTM layers and a Dense softmax) on
 * Deeplearning4j's ND4J with its native CPU backend. Training computes the loss and the gradient with ND4J
 * ops written out per time step on arrays allocated once per batch shape ({@code LstmGradient}), with the
 * parameters in the portable Keras layout (gate order input, forget, cell candidate, output), and applies
 * RMSprop, Adam and global-norm clipping with Keras' formulas. Trained and loaded models run libnd4j's
 * fused {@code lstmLayer} op, which takes the same layout. ND4J is loaded only when the provider's
 * {@code create()} is first called.
 */
package dev.textgen.dl4j;
