package dev.textgen.scratch.nn;

import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.PackedMatrix;

/**
 * A network's per-step weights in the form every step of a batch or of a generated text uses them: every
 * layer's recurrent kernel and the input kernels above the first layer packed for the kernels' products
 * (packing once saves copying the kernel, 256 KiB for the reference notebook's model, in every product),
 * and the first layer's gathered input rows with the bias already added, so a step's gate pre-activations
 * start as one copy per row. {@link #refresh()} redoes both after the weights changed; read-only otherwise, so
 * one instance may serve several threads.
 */
public final class PackedNetwork {
    private final Network network;
    private final Kernels kernels;
    private final PackedMatrix[] recurrent;
    private final PackedMatrix[] kernel;
    private final float[] biasedInput;

    public PackedNetwork(Network network, Kernels kernels) {
        this.network = network;
        this.kernels = kernels;
        this.recurrent = new PackedMatrix[network.layers()];
        this.kernel = new PackedMatrix[network.layers()];
        this.biasedInput = new float[network.kernel(0).length];
        refresh();
    }

    /** Packs the network's current weights, reusing the buffers. */
    public void refresh() {
        float[] bias = network.bias(0);
        float[] input = network.kernel(0);
        for (int row = 0; row < input.length; row += bias.length) {
            // the same sum, in the same order, as adding the gathered row to a copy of the bias
            for (int j = 0; j < bias.length; j++) {
                biasedInput[row + j] = bias[j] + input[row + j];
            }
        }
        for (int l = 0; l < recurrent.length; l++) {
            int gates = 4 * network.hiddenSize(l);
            recurrent[l] = kernels.pack(network.recurrentKernel(l), 0, gates, network.hiddenSize(l), gates, recurrent[l]);
            if (l > 0) {
                kernel[l] = kernels.pack(network.kernel(l), 0, gates, network.inputSize(l), gates, kernel[l]);
            }
        }
    }

    public Network network() {
        return network;
    }

    /** The first layer's input kernel plus its bias, row {@code id} at {@code id * 4H}. */
    float[] biasedInput() {
        return biasedInput;
    }

    /** Layer {@code layer}'s recurrent kernel {@code [H, 4H]}. */
    PackedMatrix recurrent(int layer) {
        return recurrent[layer];
    }

    /** Layer {@code layer}'s input kernel {@code [in, 4H]}, for {@code layer > 0}. */
    PackedMatrix kernel(int layer) {
        return kernel[layer];
    }
}
