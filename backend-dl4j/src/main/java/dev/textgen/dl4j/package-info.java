/**
 * The {@code dl4j} backend: the textgen LSTM model (stacked LSTM layers and a Dense softmax) on
 * Deeplearning4j and ND4J's native CPU backend. Training runs a DL4J {@code MultiLayerNetwork}, whose LSTM
 * keeps its gate blocks in the order (cell candidate, forget, output, input); the engine converts to and
 * from the portable Keras order (input, forget, cell candidate, output) whenever weights or optimizer
 * state cross the SPI, and applies RMSprop, Adam and global-norm clipping itself with Keras' formulas.
 * Trained and loaded models run libnd4j's fused {@code lstmLayer} op, which takes the portable layout
 * as it is. ND4J is loaded only when the provider's {@code create()} is first called.
 */
package dev.textgen.dl4j;
