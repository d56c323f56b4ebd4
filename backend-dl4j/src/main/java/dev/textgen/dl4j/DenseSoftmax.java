package dev.textgen.dl4j;

import dev.textgen.api.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * The Dense layer, the softmax and the cross-entropy on top of the LSTM layers: the logits as matrix products,
 * the softmax cross-entropy in Java on each prediction's {@code V x B} logits (of the last step, or of every step
 * for the all-steps loss), and backwards the Dense gradients and the gradient by the top layer's output.
 */
final class DenseSoftmax {
    private final int layers;
    private final int vocabularySize;
    private float[] probabilities = new float[0];
    private final float[] denseBias;

    DenseSoftmax(int layers, int vocabularySize) {
        this.layers = layers;
        this.vocabularySize = vocabularySize;
        this.denseBias = new float[vocabularySize];
    }

    /**
     * The mean cross-entropy of {@code s.predictions} predictions of the top layer's (dropped, with {@code drop})
     * output: the last step's, or every step's; keeps the probabilities and targets for {@link #backward}.
     */
    double forward(Buffers s, Batch batch, Parameters parameters, boolean drop) {
        Layer top = s.layers[layers - 1];
        for (int p = 0; p < s.predictions; p++) {
            int t = s.predictions == 1 ? s.steps - 1 : p;
            Nd4j.gemm(parameters.denseKernel(), top.output(t, drop), s.logits.slice(p), true, false, 1, 0); // [V, B]
            s.inputsOfPrediction[p] = top.output(t, drop);
        }
        return softmaxCrossEntropy(s, batch, parameters);
    }

    /**
     * Softmax over each column of the logits ({@code [predictions, V, B]}) plus the Dense bias, and the mean
     * cross-entropy; keeps the probabilities and targets for the backward pass.
     */
    private double softmaxCrossEntropy(Buffers s, Batch batch, Parameters parameters) {
        int size = s.size;
        int v = vocabularySize;
        int block = v * size;
        INDArray bias = parameters.denseBias();
        bias.data().asNioFloat().get((int) bias.offset(), denseBias);
        if (probabilities.length != s.predictions * block) {
            probabilities = new float[s.predictions * block];
        }
        s.logits.data().asNioFloat().get(0, probabilities);
        double loss = 0;
        for (int p = 0; p < s.predictions; p++) {
            for (int b = 0; b < size; b++) {
                int first = p * block + b;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    float logit = probabilities[first + j * size] + denseBias[j];
                    probabilities[first + j * size] = logit;
                    max = Math.max(max, logit);
                }
                int target = p < s.predictions - 1 ? batch.inputs()[b * s.steps + p + 1] : batch.targets()[b];
                s.targets[p * size + b] = target;
                double targetLogit = probabilities[first + target * size];
                double sum = 0;
                for (int j = 0; j < v; j++) {
                    float e = (float) Math.exp(probabilities[first + j * size] - max);
                    probabilities[first + j * size] = e;
                    sum += e;
                }
                loss += Math.log(sum) + max - targetLogit;
                for (int j = 0; j < v; j++) {
                    probabilities[first + j * size] = (float) (probabilities[first + j * size] / sum);
                }
            }
        }
        return loss / (s.predictions * size);
    }

    /**
     * The Dense kernel's and bias' gradients of the last {@link #forward}, and the gradient by the top layer's
     * output (after its dropout mask, with {@code drop}): into {@code s.dTop} for the last step, or into the top
     * layer's {@code dOutputs} at every step.
     */
    void backward(Buffers s, Parameters parameters, boolean drop) {
        int size = s.size;
        int predictions = s.predictions;
        // d loss / d logits = (p - onehot(target)) / (predictions B)
        float scale = 1f / (predictions * size);
        FloatBuffer dLogits = s.dLogits.data().asNioFloat();
        for (int i = 0; i < probabilities.length; i++) {
            dLogits.put(i, probabilities[i] * scale);
        }
        for (int p = 0; p < predictions; p++) {
            for (int b = 0; b < size; b++) {
                int index = (p * vocabularySize + s.targets[p * size + b]) * size + b;
                dLogits.put(index, dLogits.get(index) - scale);
            }
        }
        Layer top = s.layers[layers - 1];
        for (int p = 0; p < predictions; p++) {
            INDArray dLogitsOfPrediction = s.dLogits.slice(p);
            Nd4j.gemm(s.inputsOfPrediction[p], dLogitsOfPrediction, parameters.gradient(3 * layers), false, true, 1, 1);
            Nd4j.gemm(parameters.denseKernel(), dLogitsOfPrediction, predictions == 1 ? s.dTop : top.dOutputs.slice(p),
                    false, false, 1, 0);
        }
        s.dLogits.sum(parameters.gradient(3 * layers + 1), 0, 2);
        if (drop) {
            if (predictions == 1) {
                Nd4j.exec(new MulOp(s.dTop, top.mask.slice(s.steps - 1), s.dTop));
            } else {
                Nd4j.exec(new MulOp(top.dOutputs, top.mask, top.dOutputs));
            }
        }
    }
}
