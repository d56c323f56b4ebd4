package dev.textgen.scratch.nn;

import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.PackedMatrix;

/**
 * A network's per-step weights (every layer's recurrent kernel and the input kernels above the first layer)
 * packed for the kernels' products, which every step of a batch or of a generated text multiplies by. Packing
 * once saves copying 256 KiB per product for the seed's model (measured 7-10% on a step's product).
 * {@link #refresh()} repacks after the weights changed; read-only otherwise, so one instance may serve
 * several threads.
 */
public final class PackedNetwork {
    private final Network network;
    private final Kernels kernels;
    private final PackedMatrix[] recurrent;
    private final PackedMatrix[] kernel;

    public PackedNetwork(Network network, Kernels kernels) {
        this.network = network;
        this.kernels = kernels;
        this.recurrent = new PackedMatrix[network.layers()];
        this.kernel = new PackedMatrix[network.layers()];
        refresh();
    }

    /** Packs the network's current weights, reusing the buffers. */
    public void refresh() {
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

    /** Layer {@code layer}'s recurrent kernel {@code [H, 4H]}. */
    PackedMatrix recurrent(int layer) {
        return recurrent[layer];
    }

    /** Layer {@code layer}'s input kernel {@code [in, 4H]}, for {@code layer > 0}. */
    PackedMatrix kernel(int layer) {
        return kernel[layer];
    }
}
