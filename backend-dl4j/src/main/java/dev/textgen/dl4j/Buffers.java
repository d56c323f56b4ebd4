package dev.textgen.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/** The arrays for batches of one shape: activations kept for the backward pass, and its scratch space. */
final class Buffers {
    final int size;
    final int steps;
    /** Input ids, time-major {@code [T][B]}. */
    final int[] ids;
    /** One {@code [T, 4H, B]} array in Java, for the first layer's input term and kernel gradient. */
    final float[] staging;
    /** The first layer's kernel (plus bias) or its gradient, transposed to {@code [4H][V]}. */
    final float[] kernelByGate;
    final INDArray ones;
    final Layer[] layers;
    /** Logits and their gradient, {@code [predictions, V, B]}: one prediction, or one per step (all-steps). */
    final INDArray logits;
    final INDArray dLogits;
    final INDArray[] inputsOfPrediction;
    /** The target of each prediction and window, {@code [predictions][B]}. */
    final int[] targets;
    final INDArray dTop;
    /** A layer's dropout mask in Java, {@code [T, H, B]}; null without dropout. */
    final float[] maskStaging;
    /** A layer's recurrent dropout mask in Java, {@code [H, B]}; null without recurrent dropout. */
    final float[] recurrentMaskStaging;
    int predictions;
    private final List<INDArray> owned = new ArrayList<>();

    /**
     * For batches of {@code size} windows of {@code steps} symbols, {@code layers} LSTM layers of {@code hidden}
     * units over {@code vocabularySize} symbols; {@code allSteps} when every step predicts, {@code dropout} when
     * training drops the layers' outputs, {@code recurrentDropout} when it drops the state they feed back.
     */
    Buffers(int size, int steps, int layers, int hidden, int vocabularySize, boolean allSteps, boolean dropout,
            boolean recurrentDropout) {
        this.size = size;
        this.steps = steps;
        this.kernelByGate = new float[4 * hidden * vocabularySize];
        this.layers = new Layer[layers];
        this.ids = new int[steps * size];
        this.staging = new float[steps * 4 * hidden * size];
        this.ones = zeros(size, 1).assign(1);
        for (int n = 0; n < layers; n++) {
            this.layers[n] = new Layer(this, size, steps, hidden, dropout, recurrentDropout);
        }
        int most = allSteps ? steps : 1;
        this.logits = zeros(most, vocabularySize, size);
        this.dLogits = zeros(most, vocabularySize, size);
        this.inputsOfPrediction = new INDArray[most];
        this.targets = new int[most * size];
        this.dTop = zeros(hidden, size);
        this.maskStaging = dropout ? new float[steps * hidden * size] : null;
        this.recurrentMaskStaging = recurrentDropout ? new float[hidden * size] : null;
    }

    INDArray zeros(long... shape) {
        INDArray array = Nd4j.zeros(DataType.FLOAT, shape);
        owned.add(array);
        return array;
    }

    void close() {
        owned.forEach(INDArray::close);
    }
}
