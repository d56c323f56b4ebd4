package dev.textgen.api.testing;

import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.TensorLayout;

/** Weights as one vector, for tests that compare two models element by element. */
public final class Weights {
    private Weights() {
    }

    /** Every tensor of {@code weights} in parameter order ({@link TensorLayout}), one after the other, copied. */
    public static float[] flat(ModelWeights weights) {
        return concat(TensorLayout.arrays(weights));
    }

    /** {@code tensors} one after the other, copied into one array. */
    public static float[] concat(float[][] tensors) {
        int length = 0;
        for (float[] tensor : tensors) {
            length += tensor.length;
        }
        float[] values = new float[length];
        int offset = 0;
        for (float[] tensor : tensors) {
            System.arraycopy(tensor, 0, values, offset, tensor.length);
            offset += tensor.length;
        }
        return values;
    }
}
