package dev.textgen.scratch.nn;

import dev.textgen.api.data.Batch;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.DropoutMasks;
import dev.textgen.scratch.TestData;
import dev.textgen.scratch.simd.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The float32 production pass against the double-precision reference: loss within 1e-5 relative, every
 * gradient entry within 1e-4 of the tensor's largest gradient (plus 1e-7), for odd sizes, one and two
 * layers, dropout with and without recurrent dropout, both recurrent activations, each kernel implementation, one or two workers, and the
 * last-step and all-steps losses.
 */
class TrainingPassTest {
    static final int VOCABULARY = 11;
    static final int HIDDEN = 9;
    static final int STEPS = 7;
    static final int BATCH = 5;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Kernels kernels : KernelChoices.all()) {
            for (boolean hard : new boolean[] {false, true}) {
                for (int threads : new int[] {1, 2}) {
                    cases.add(Arguments.of(kernels, hard, threads, 2, false, 0.0));
                    cases.add(Arguments.of(kernels, hard, threads, 2, false, 0.25));
                    cases.add(Arguments.of(kernels, hard, threads, 1, true, 0.25));
                    cases.add(Arguments.of(kernels, hard, threads, 2, true, 0.0));
                    cases.add(Arguments.of(kernels, hard, threads, 2, true, 0.25));
                }
            }
        }
        return cases.stream();
    }

    static Network smallNetwork(long seed) {
        return smallNetwork(seed, 2);
    }

    static Network smallNetwork(long seed, int layers) {
        Network net = Network.of(ModelWeights.initialize(VOCABULARY, HIDDEN, layers, seed));
        SplittableRandom random = new SplittableRandom(seed);
        for (float[] tensor : net.tensors()) {
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) random.nextDouble(-0.5, 0.5);
            }
        }
        return net;
    }

    @ParameterizedTest(name = "{0} hardSigmoid={1} threads={2} layers={3} allSteps={4} recurrentDropout={5}")
    @MethodSource("cases")
    void lossAndGradientsMatchTheDoubleReference(Kernels kernels, boolean hard, int threads, int layers, boolean allSteps,
                                                 double recurrentDropout) {
        Network net = smallNetwork(3L, layers);
        Batch batch = TestData.batch(TestData.windows(200, VOCABULARY, STEPS, 2, 5L), BATCH, 9L, 0);
        try (Workers workers = new Workers(threads)) {
            // Slices of two windows, so that the sum over the slices' gradients is checked too.
            TrainingPass pass = new TrainingPass(net, kernels, workers, hard, 0.3, recurrentDropout, allSteps, 2);
            double loss = pass.forward(batch, true);
            pass.backward();

            int[][] ids = new int[BATCH][STEPS];
            for (int b = 0; b < BATCH; b++) {
                System.arraycopy(batch.inputs(), b * STEPS, ids[b], 0, STEPS);
            }
            float[][] state = new float[layers][];
            for (int l = 0; l < layers; l++) {
                state[l] = pass.stateMask(l);
                assertThat(state[l] != null).as("layer %d has recurrent masks", l).isEqualTo(recurrentDropout > 0);
            }
            ReferenceLstm.Masks masks = new ReferenceLstm.Masks(
                    layers == 2 ? new float[][] {null, pass.inputMask(1)} : new float[][] {null}, pass.denseMask(), state);
            ReferenceLstm ref = ReferenceLstm.of(net, hard, allSteps);
            double expected = ref.loss(ids, batch.targets(), masks);
            assertThat(loss).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5 * expected));
            double[][] grad = ref.gradient(ids, batch.targets(), masks);
            for (int p = 0; p < grad.length; p++) {
                double largest = 0;
                for (double g : grad[p]) {
                    largest = Math.max(largest, Math.abs(g));
                }
                assertThat(largest).as("tensor %s has a gradient", net.tensorName(p)).isGreaterThan(0);
                for (int i = 0; i < grad[p].length; i++) {
                    assertThat((double) pass.gradients()[p][i]).as("%s[%d]", net.tensorName(p), i)
                            .isCloseTo(grad[p][i], org.assertj.core.data.Offset.offset(1e-4 * largest + 1e-7));
                }
            }
        }
    }

    /**
     * With dropout and recurrent dropout, each worker adds up its own slices' weight gradients and the slices are summed afterwards; with slices of
     * two windows (5 windows: slices of 1, 2 and 2) or the default slices (130 windows: 43, 43, 44) the result
     * must not depend on the number of workers, also when some workers have no slice.
     */
    @ParameterizedTest(name = "{0} windows={1} sliceWindows={2}")
    @MethodSource("workerCounts")
    void gradientsAreIdenticalForAnyNumberOfWorkersEvenWithoutWindowsForSome(Kernels kernels, int windows,
                                                                            int sliceWindows) {
        Network net = smallNetwork(5L, 2);
        Batch batch = TestData.batch(TestData.windows(400, VOCABULARY, STEPS, 2, 5L), windows, 9L, 0);
        assertThat(batch.size()).isEqualTo(windows);
        float[][] expected = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (Workers workers = new Workers(threads)) {
                TrainingPass pass = new TrainingPass(net, kernels, workers, false, 0.3, 0.2, true, sliceWindows);
                pass.forward(batch, true);
                pass.backward();
                if (expected == null) {
                    expected = pass.gradients();
                    continue;
                }
                for (int p = 0; p < expected.length; p++) {
                    assertThat(pass.gradients()[p]).as("%s with %d workers", net.tensorName(p), threads)
                            .containsExactly(expected[p]);
                }
            }
        }
    }

    static Stream<Arguments> workerCounts() {
        return KernelChoices.all().stream().flatMap(k -> Stream.of(Arguments.of(k, 1, 2), Arguments.of(k, BATCH, 2),
                Arguments.of(k, 130, TrainingPass.SLICE_WINDOWS)));
    }

    @Test
    void aBatchKeepsOneWorkerPerSliceOf64WindowsBusy() {
        assertThat(TrainingPass.usefulWorkers(1)).isEqualTo(1);
        assertThat(TrainingPass.usefulWorkers(64)).isEqualTo(1);
        assertThat(TrainingPass.usefulWorkers(65)).isEqualTo(2);
        assertThat(TrainingPass.usefulWorkers(128)).isEqualTo(2);
        assertThat(TrainingPass.usefulWorkers(130)).isEqualTo(3);
    }

    @Test
    void dropoutMasksAreInvertedAndSeeded() {
        Network net = Network.of(ModelWeights.initialize(VOCABULARY, 64, 2, 1L));
        Batch batch = TestData.batch(TestData.windows(2000, VOCABULARY, 20, 1, 5L), 32, 9L, 0);
        try (Workers workers = new Workers(2)) {
            TrainingPass pass = new TrainingPass(net, KernelChoices.all().get(0), workers, false, 0.25, 0.4, false);
            pass.forward(batch, true);
            float[] mask = pass.inputMask(1).clone();
            float[] state = pass.stateMask(1).clone();
            long stateZeros = 0;
            for (float m : state) {
                assertThat(m).isIn(0f, 1f / 0.6f);
                stateZeros += m == 0f ? 1 : 0;
            }
            // 32 * 64 = 2,048 draws at rate 0.4: the standard deviation of the fraction is about 0.011.
            assertThat((double) stateZeros / state.length).isCloseTo(0.4, org.assertj.core.data.Offset.offset(0.04));
            float[] row = new float[64];
            new DropoutMasks(0.4).fill(batch.seed(), 1, DropoutMasks.RECURRENT_STEP, 7, row, 0, 64);
            assertThat(java.util.Arrays.copyOfRange(state, 7 * 64, 8 * 64)).as("window 7's row of the shared masks")
                    .containsExactly(row);
            long zeros = 0;
            for (float m : mask) {
                assertThat(m).isIn(0f, 1f / 0.75f);
                zeros += m == 0f ? 1 : 0;
            }
            // 20 * 32 * 64 = 40,960 draws at rate 0.25: the standard deviation of the fraction is about 0.002.
            assertThat((double) zeros / mask.length).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.01));
            pass.forward(batch, true);
            assertThat(pass.inputMask(1)).as("same batch seed, same mask").containsExactly(mask);
            assertThat(pass.stateMask(1)).as("same batch seed, same recurrent mask").containsExactly(state);
            Batch other = TestData.batch(TestData.windows(2000, VOCABULARY, 20, 1, 5L), 32, 9L, 1);
            pass.forward(other, true);
            assertThat(pass.inputMask(1)).as("another batch seed").isNotEqualTo(mask);
            assertThat(pass.stateMask(1)).as("another batch seed, recurrent").isNotEqualTo(state);
        }
    }

    @Test
    void dropoutIsOffWhenNotTraining() {
        Network net = smallNetwork(4L);
        Batch batch = TestData.batch(TestData.windows(200, VOCABULARY, STEPS, 2, 5L), BATCH, 9L, 0);
        try (Workers workers = new Workers(1)) {
            Kernels kernels = KernelChoices.all().get(0);
            double withDropout = new TrainingPass(net, kernels, workers, false, 0.5, 0.0, false).forward(batch, false);
            double without = new TrainingPass(net, kernels, workers, false, 0.0, 0.0, false).forward(batch, false);
            double training = new TrainingPass(net, kernels, workers, false, 0.5, 0.0, false).forward(batch, true);
            TrainingPass recurrentOnly = new TrainingPass(net, kernels, workers, false, 0.0, 0.5, false);
            assertThat(withDropout).isEqualTo(without);
            assertThat(training).isNotEqualTo(without);
            assertThat(recurrentOnly.forward(batch, false)).isEqualTo(without);
            assertThat(recurrentOnly.forward(batch, true)).isNotEqualTo(without);
        }
    }

    @Test
    void evaluationIsTheLastStepLossWhateverTheTrainingLoss() {
        Network net = smallNetwork(4L);
        Batch batch = TestData.batch(TestData.windows(200, VOCABULARY, STEPS, 2, 5L), BATCH, 9L, 0);
        try (Workers workers = new Workers(2)) {
            Kernels kernels = KernelChoices.all().get(0);
            TrainingPass allSteps = new TrainingPass(net, kernels, workers, false, 0.0, 0.0, true);
            double lastStep = new TrainingPass(net, kernels, workers, false, 0.0, 0.0, false).forward(batch, false);
            double everyStep = allSteps.forward(batch, true);
            assertThat(allSteps.forward(batch, false)).isEqualTo(lastStep);
            assertThat(everyStep).isNotEqualTo(lastStep);
        }
    }
}
