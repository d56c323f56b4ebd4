package dev.textgen.dl4j;

import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.TensorLayout;
import dev.textgen.api.spi.DropoutMasks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link LstmGradient}'s hand-written backpropagation through time checked against central finite
 * differences: of the float64 {@link ReferenceLstm} loss without dropout and with the batch's recurrent dropout
 * masks (every tensor of every layer), and of its own float32 loss with fixed dropout masks; for the last-step
 * and the all-steps loss.
 */
class LstmGradientTest {
    private static final int V = 11;
    private static final int MAXLEN = 7;
    private static final int BATCH = 9;
    private static WindowSet windows;

    @BeforeAll
    static void startBackend() {
        Dl4jBackend.start();
        windows = Fixtures.windows(Fixtures.text(300, V, 41), MAXLEN, 2, V);
    }

    @ParameterizedTest(name = "{0} x LSTM {1}, {2}, recurrent dropout {3}, all steps {4}")
    @CsvSource({"1, 6, sigmoid, 0, false", "2, 5, sigmoid, 0, false", "2, 5, hard_sigmoid, 0, false", "3, 4, sigmoid, 0, false",
            "1, 6, sigmoid, 0.3, false", "2, 5, hard_sigmoid, 0.3, false", "2, 5, sigmoid, 0.3, true", "3, 4, sigmoid, 0.3, false"})
    void gradientMatchesFiniteDifferencesOfTheReferenceLossInEveryTensor(int layers, int hidden, String gates,
                                                                        double recurrentDropout, boolean allSteps) {
        boolean hard = gates.equals("hard_sigmoid");
        ModelWeights weights = Fixtures.weights(V, hidden, layers, 0.5, 42 + layers);
        Batch batch = Fixtures.batch(windows, BATCH);
        LstmGradient network = new LstmGradient(
                Fixtures.config(hidden, layers, gates, 0, MAXLEN).model().withRecurrentDropout(recurrentDropout), V, allSteps);
        network.setWeights(weights);
        assertThat(network.forward(batch, false)).as("evaluation: the last step, no recurrent dropout")
                .isCloseTo(referenceLoss(weights, hard, batch), within(1e-5));
        double loss = network.forward(batch, true);
        assertThat(loss).isCloseTo(referenceLoss(weights, hard, batch, recurrentDropout, allSteps), within(1e-5));
        if (recurrentDropout > 0) { // the batch's masks: one per layer and window, the same at every step
            assertThat(loss).as("recurrent dropout changes the loss by more than the tolerance")
                    .isNotCloseTo(referenceLoss(weights, hard, batch, 0, allSteps), within(1e-4));
        }
        network.backward();
        List<float[]> gradient = tensors(network, network.gradient);
        SplittableRandom random = new SplittableRandom(7);

        int checked = 0;
        for (int k = 0; k < gradient.size(); k++) {
            float[] tensor = gradient.get(k);
            for (int sample = 0; sample < 6; sample++) {
                int index = k == 0 ? batch.inputs()[sample] * 4 * hidden + random.nextInt(4 * hidden) // a row that occurs
                        : random.nextInt(tensor.length);
                double numeric = (referenceLoss(perturb(weights, k, index, 1e-4), hard, batch, recurrentDropout, allSteps)
                        - referenceLoss(perturb(weights, k, index, -1e-4), hard, batch, recurrentDropout, allSteps)) / 2e-4;
                assertThat((double) tensor[index]).as("%s[%d]", TensorLayout.name(layers, k), index)
                        .isCloseTo(numeric, within(2e-5 + 1e-3 * Math.abs(numeric)));
                checked += numeric != 0 ? 1 : 0;
            }
        }
        assertThat(checked).isGreaterThan(gradient.size() * 4);
    }

    @ParameterizedTest(name = "{0} x LSTM {1}, dropout {2}")
    @CsvSource({"1, 6, 0", "2, 5, 0", "2, 5, 0.3"})
    void allStepsLossAndGradientMatchTheMeanOverEveryStep(int layers, int hidden, double dropout) {
        ModelWeights weights = Fixtures.weights(V, hidden, layers, 0.5, 45 + layers);
        Batch batch = Fixtures.batch(windows, BATCH);
        LstmGradient network = new LstmGradient(Fixtures.config(hidden, layers, "sigmoid", dropout, MAXLEN).model(), V, true);
        network.setWeights(weights);
        assertThat(network.forward(batch, false)).as("evaluation is the last-step loss")
                .isCloseTo(referenceLoss(weights, false, batch), within(1e-5));
        double loss = network.forward(batch, true);
        if (dropout == 0) {
            assertThat(loss).isCloseTo(allStepsReferenceLoss(weights, batch), within(1e-5));
        }
        network.backward();
        List<float[]> gradient = tensors(network, network.gradient);
        SplittableRandom random = new SplittableRandom(10);
        for (int k = 0; k < gradient.size(); k++) {
            for (int sample = 0; sample < 4; sample++) {
                int index = k == 0 ? batch.inputs()[sample] * 4 * hidden + random.nextInt(4 * hidden)
                        : random.nextInt(gradient.get(k).length);
                double numeric;
                if (dropout == 0) {
                    numeric = (allStepsReferenceLoss(perturb(weights, k, index, 1e-4), batch)
                            - allStepsReferenceLoss(perturb(weights, k, index, -1e-4), batch)) / 2e-4;
                } else { // the same masks: float32 differences of the network's own loss
                    network.setWeights(perturb(weights, k, index, 1e-2));
                    double up = network.forward(batch, true);
                    network.setWeights(perturb(weights, k, index, -1e-2));
                    numeric = (up - network.forward(batch, true)) / 2e-2;
                }
                double tolerance = dropout == 0 ? 2e-5 + 1e-3 * Math.abs(numeric) : 2e-4 + 0.01 * Math.abs(numeric);
                assertThat((double) gradient.get(k)[index]).as("%s[%d]", TensorLayout.name(layers, k), index)
                        .isCloseTo(numeric, within(tolerance));
            }
        }
    }

    /** The all-steps loss: after each prefix of a window, the next input (the window's target after the last). */
    static double allStepsReferenceLoss(ModelWeights weights, Batch batch) {
        return referenceLoss(weights, false, batch, 0, true);
    }

    @Test
    void batchesOfChangingSizesKeepTheirLossesWhileOldBuffersAreFreed() {
        ModelWeights weights = Fixtures.weights(V, 5, 2, 0.5, 46);
        LstmGradient network = new LstmGradient(Fixtures.config(5, 2, "sigmoid", 0, MAXLEN).model(), V, false);
        network.setWeights(weights);
        for (int size : new int[]{BATCH, 5, 3, BATCH, 3, 5, 1, BATCH}) { // more shapes than are kept
            Batch batch = Fixtures.batch(windows, size);
            assertThat(network.forward(batch, true)).as("batch of %d", size)
                    .isCloseTo(referenceLoss(weights, false, batch), within(1e-5));
            network.backward();
        }
    }

    @Test
    void gradientWithDropoutMatchesFiniteDifferencesOfTheSameMaskedLoss() {
        TextgenConfig config = Fixtures.config(6, 2, "sigmoid", 0.3, MAXLEN);
        ModelWeights weights = Fixtures.weights(V, 6, 2, 0.5, 44);
        Batch batch = Fixtures.batch(windows, BATCH);
        LstmGradient network = new LstmGradient(config.model(), V, false);
        network.setWeights(weights);
        double loss = network.forward(batch, true);
        assertThat(loss).as("dropout changes the loss").isNotCloseTo(network.forward(batch, false), within(1e-3));
        assertThat(network.forward(batch, true)).as("same seed, same masks").isEqualTo(loss);
        network.backward();
        List<float[]> gradient = tensors(network, network.gradient);
        SplittableRandom random = new SplittableRandom(8);
        for (int k = 0; k < gradient.size(); k++) {
            for (int sample = 0; sample < 4; sample++) {
                int index = k == 0 ? batch.inputs()[sample] * 24 + random.nextInt(24) : random.nextInt(gradient.get(k).length);
                double h = 1e-2;
                network.setWeights(perturb(weights, k, index, h));
                double up = network.forward(batch, true);
                network.setWeights(perturb(weights, k, index, -h));
                double down = network.forward(batch, true);
                double numeric = (up - down) / (2 * h);
                assertThat((double) gradient.get(k)[index]).as("%s[%d]", TensorLayout.name(2, k), index)
                        .isCloseTo(numeric, within(2e-4 + 0.01 * Math.abs(numeric)));
            }
        }
    }

    private static List<float[]> tensors(LstmGradient network, org.nd4j.linalg.api.ndarray.INDArray flat) {
        List<float[]> values = new ArrayList<>();
        for (var tensor : network.tensors(flat)) {
            values.add(Parameters.values(tensor));
        }
        return values;
    }

    static double referenceLoss(ModelWeights weights, boolean hardSigmoid, Batch batch) {
        return referenceLoss(weights, hardSigmoid, batch, 0, false);
    }

    /**
     * The float64 reference loss of {@code batch} with the batch's recurrent dropout masks of rate
     * {@code recurrentDropout} (none at 0): of the last step, or with {@code allSteps} the mean over every step
     * (step t predicts input t + 1, the last step the window's target).
     */
    static double referenceLoss(ModelWeights weights, boolean hardSigmoid, Batch batch, double recurrentDropout,
                                boolean allSteps) {
        ReferenceLstm reference = new ReferenceLstm(weights, hardSigmoid);
        DropoutMasks masks = new DropoutMasks(recurrentDropout);
        int layers = weights.lstm().size();
        int steps = batch.maxlen();
        double sum = 0;
        for (int b = 0; b < batch.size(); b++) {
            if (recurrentDropout > 0) {
                float[][] windowMasks = new float[layers][];
                for (int n = 0; n < layers; n++) {
                    int hidden = weights.lstm().get(n).hiddenSize();
                    windowMasks[n] = new float[hidden];
                    masks.fill(batch.seed(), n, DropoutMasks.RECURRENT_STEP, b, windowMasks[n], 0, hidden);
                }
                reference.dropRecurrent(windowMasks);
            }
            reference.reset();
            for (int t = 0; t < steps; t++) {
                double[] p = reference.step(batch.inputs()[b * steps + t]);
                if (allSteps || t == steps - 1) {
                    sum -= Math.log(p[t < steps - 1 ? batch.inputs()[b * steps + t + 1] : batch.targets()[b]]);
                }
            }
        }
        return sum / (batch.size() * (allSteps ? steps : 1));
    }

    /** {@code weights} with element {@code index} of tensor {@code k} (parameter order) moved by {@code delta}. */
    static ModelWeights perturb(ModelWeights weights, int k, int index, double delta) {
        ModelWeights moved = weights.copy();
        TensorLayout.arrays(moved)[k][index] += (float) delta;
        return moved;
    }
}
