package dev.textgen.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** One LSTM layer's arrays for one batch shape, all {@code [time, features, batch]}. */
final class Layer {
    final INDArray z;
    final INDArray a;
    final INDArray dz;
    final INDArray da;
    /** A step's activation derivatives, {@code [4H, B]}, and its candidate block. */
    final INDArray derivative;
    final INDArray derivativeCandidate;
    /** c[t + 1] and h[t + 1] are the state after step t; c[0] and h[0] stay zero. */
    final INDArray[] c;
    final INDArray[] h;
    final INDArray[] tanhC;
    final INDArray outputs;
    final INDArray mask;
    final INDArray dropped;
    /** The recurrent dropout mask, {@code [H, B]}: one column per window for all its steps. */
    final INDArray recurrentMask;
    /**
     * What step t multiplies by the recurrent kernel with recurrent dropout, {@code h[t] * recurrentMask}
     * ({@code [H, B]} each), kept for the recurrent kernel's gradient.
     */
    final INDArray[] maskedStates;
    /** The gradient of the loss by this layer's (dropped) output sequence, from the layer above. */
    final INDArray dOutputs;
    final INDArray scratch;
    final INDArray scratch2;
    final INDArray dh;
    final INDArray[] dc;
    final Step[] steps;

    /**
     * The arrays for {@code size} windows of {@code steps} symbols and {@code hidden} units; those of dropout only
     * with {@code drop}, those of recurrent dropout only with {@code recurrentDrop}.
     */
    Layer(Buffers owner, int size, int steps, int hidden, boolean drop, boolean recurrentDrop) {
        this.z = owner.zeros(steps, 4L * hidden, size);
        this.a = owner.zeros(steps, 4L * hidden, size);
        this.dz = owner.zeros(steps, 4L * hidden, size);
        this.da = owner.zeros(4L * hidden, size);
        this.derivative = owner.zeros(4L * hidden, size);
        this.derivativeCandidate = derivative.get(NDArrayIndex.interval(2L * hidden, 3L * hidden), NDArrayIndex.all());
        INDArray cells = owner.zeros(steps + 1, hidden, size);
        INDArray states = owner.zeros(steps + 1, hidden, size);
        INDArray tanhCells = owner.zeros(steps, hidden, size);
        this.c = new INDArray[steps + 1];
        this.h = new INDArray[steps + 1];
        this.tanhC = new INDArray[steps];
        for (int t = 0; t <= steps; t++) {
            c[t] = cells.slice(t);
            h[t] = states.slice(t);
        }
        for (int t = 0; t < steps; t++) {
            tanhC[t] = tanhCells.slice(t);
        }
        this.outputs = states.get(NDArrayIndex.interval(1, steps + 1), NDArrayIndex.all(), NDArrayIndex.all());
        this.mask = drop ? owner.zeros(steps, hidden, size) : null;
        this.dropped = drop ? owner.zeros(steps, hidden, size) : null;
        this.recurrentMask = recurrentDrop ? owner.zeros(hidden, size) : null;
        this.maskedStates = recurrentDrop ? new INDArray[steps] : null;
        if (recurrentDrop) {
            INDArray masked = owner.zeros(steps, hidden, size);
            for (int t = 0; t < steps; t++) {
                maskedStates[t] = masked.slice(t);
            }
        }
        this.dOutputs = owner.zeros(steps, hidden, size);
        this.scratch = owner.zeros(hidden, size);
        this.scratch2 = owner.zeros(hidden, size);
        this.dh = owner.zeros(hidden, size);
        this.dc = new INDArray[]{owner.zeros(hidden, size), owner.zeros(hidden, size)};
        this.steps = new Step[steps];
        for (int t = 0; t < steps; t++) {
            this.steps[t] = new Step(z.slice(t), a.slice(t), dz.slice(t), da, hidden);
        }
    }

    /** The output at step t as the next layer or the Dense layer sees it. */
    INDArray output(int t, boolean drop) {
        return drop ? dropped.slice(t) : h[t + 1];
    }

    /** The state step t multiplies by the recurrent kernel: {@code h[t]}, masked with {@code recurrentDrop}. */
    INDArray fedBack(int t, boolean recurrentDrop) {
        return recurrentDrop ? maskedStates[t] : h[t];
    }
}
