package dev.textgen.dl4j;

import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * Times one forward+backward pass of the reference notebook's batch (128 x 60 x 57, LSTM 128) for several ways to compute
 * it on DL4J/ND4J, interleaved round by round so that a noisy shared machine affects them alike: a
 * {@code MultiLayerNetwork}'s {@code computeGradientAndScore} in four configurations, libnd4j's fused
 * {@code lstmLayer} + {@code lstmLayer_bp} ops (the LSTM only, without the Dense layer), and the backend's
 * {@link LstmGradient}. Prints one JSON line of median ms per variant.
 * Usage: {@code Dl4jTrainingVariants [rounds]}.
 */
public final class Dl4jTrainingVariants {
    private static final int B = 128;
    private static final int T = 60;
    private static final int V = 57;
    private static final int H = 128;

    private Dl4jTrainingVariants() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Dl4jBackend.start();
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("nwc_rnnOutput_mask_workspaces", new NetworkVariant(RNNFormat.NWC, false, WorkspaceMode.ENABLED));
        variants.put("nwc_rnnOutput_mask_noWorkspaces", new NetworkVariant(RNNFormat.NWC, false, WorkspaceMode.NONE));
        variants.put("ncw_rnnOutput_mask_workspaces", new NetworkVariant(RNNFormat.NCW, false, WorkspaceMode.ENABLED));
        variants.put("nwc_lastTimeStep_output_workspaces", new NetworkVariant(RNNFormat.NWC, true, WorkspaceMode.ENABLED));
        variants.put("fused_lstmLayer_and_lstmLayer_bp", new FusedOpsVariant());
        variants.put("lstmGradient", new LstmGradientVariant());
        Map<String, double[]> times = new LinkedHashMap<>();
        variants.keySet().forEach(name -> times.put(name, new double[rounds]));
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            for (Map.Entry<String, Variant> variant : variants.entrySet()) {
                double ms = variant.getValue().time();
                if (round >= 0) {
                    times.get(variant.getKey())[round] = ms;
                }
            }
        }
        StringJoiner json = new StringJoiner(",", "{", "}");
        json.add("\"threads\":" + Nd4j.getEnvironment().maxThreads());
        json.add("\"ompThreads\":" + NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        json.add("\"rounds\":" + rounds);
        times.forEach((name, ms) -> {
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            json.add(String.format(Locale.ROOT, "\"%sMs\":%.1f", name, sorted[sorted.length / 2]));
        });
        System.out.println(json);
    }

    private interface Variant {
        /** Milliseconds for one forward and backward pass. */
        double time();
    }

    /** libnd4j's lstmLayer (last h) then lstmLayer_bp from a gradient by the last h; both in the portable layout. */
    private static final class FusedOpsVariant implements Variant {
        private final DynamicCustomOp forward;
        private final DynamicCustomOp backward;

        FusedOpsVariant() {
            SplittableRandom random = new SplittableRandom(3);
            INDArray x = Nd4j.zeros(DataType.FLOAT, B, T, V);
            for (int i = 0; i < B * T; i++) {
                x.putScalar(new long[]{i / T, i % T, random.nextInt(V)}, 1f);
            }
            INDArray kernel = Nd4j.create(Fixtures.uniform(random, V * 4 * H, 0.1), new long[]{V, 4 * H}, 'c');
            INDArray recurrent = Nd4j.create(Fixtures.uniform(random, H * 4 * H, 0.1), new long[]{H, 4 * H}, 'c');
            INDArray bias = Nd4j.zeros(DataType.FLOAT, 4 * H);
            INDArray dLastH = Nd4j.create(Fixtures.uniform(random, B * H, 0.01), new long[]{B, H}, 'c');
            // iArgs: NTS, forward, sigmoid gates, tanh cell and output; no cell clipping
            forward = DynamicCustomOp.builder("lstmLayer").addInputs(x, kernel, recurrent, bias)
                    .addOutputs(Nd4j.zeros(DataType.FLOAT, B, H), Nd4j.zeros(DataType.FLOAT, B, H))
                    .addIntegerArguments(1, 0, 2, 0, 0).addFloatingPointArguments(0.0)
                    // bias, sequence lengths, initial h, initial c, peepholes, full sequence, last h, last c
                    .addBooleanArguments(true, false, false, false, false, false, true, true).build();
            backward = DynamicCustomOp.builder("lstmLayer_bp").addInputs(x, kernel, recurrent, bias, dLastH)
                    .addOutputs(x.ulike(), kernel.ulike(), recurrent.ulike(), bias.ulike())
                    .addIntegerArguments(1, 0, 2, 0, 0).addFloatingPointArguments(0.0)
                    .addBooleanArguments(true, false, false, false, false, false, true, false).build();
        }

        @Override
        public double time() {
            long t0 = System.nanoTime();
            Nd4j.exec(forward);
            Nd4j.exec(backward);
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /** The backend's hand-written forward and backward pass, as the engine runs it (without the optimizer). */
    private static final class LstmGradientVariant implements Variant {
        private final LstmGradient network;
        private final Batch batch = new Batch(B, T, V, false);

        LstmGradientVariant() {
            network = new LstmGradient(Fixtures.config(H, 1, "sigmoid", 0, T).model(), V, false);
            network.setWeights(Fixtures.weights(V, H, 1, 0.1, 4));
            Batches.shuffled(Fixtures.windows(Fixtures.text(20_000, V, 5), T, 3, V), B, 6, 0).next(batch);
        }

        @Override
        public double time() {
            long t0 = System.nanoTime();
            network.forward(batch, true);
            network.backward();
            network.gradient.norm2Number(); // as the engine does
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static final class NetworkVariant implements Variant {
        private final MultiLayerNetwork network;
        private final RNNFormat format;
        private final boolean lastTimeStep;

        NetworkVariant(RNNFormat format, boolean lastTimeStep, WorkspaceMode workspaces) {
            this.format = format;
            this.lastTimeStep = lastTimeStep;
            LSTM lstm = new LSTM.Builder().nIn(V).nOut(H).activation(Activation.TANH)
                    .gateActivationFunction(Activation.SIGMOID).forgetGateBiasInit(1.0).dataFormat(format).build();
            NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                    .updater(new NoOp()).trainingWorkspaceMode(workspaces).inferenceWorkspaceMode(workspaces).list();
            if (lastTimeStep) {
                list.layer(new LastTimeStep(lstm)).layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(H).nOut(V).activation(Activation.SOFTMAX).build());
            } else {
                list.layer(lstm).layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(H).nOut(V)
                        .activation(Activation.SOFTMAX).dataFormat(format).build());
            }
            network = new MultiLayerNetwork(list.build());
            network.init();
            SplittableRandom random = new SplittableRandom(2);
            float[] input = new float[B * T * V];
            float[] labels = new float[lastTimeStep ? B * V : B * T * V];
            float[] mask = new float[B * T];
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < T; t++) {
                    input[format == RNNFormat.NWC ? (b * T + t) * V + random.nextInt(V) : (b * V + random.nextInt(V)) * T + t] = 1f;
                }
                int target = random.nextInt(V);
                if (lastTimeStep) {
                    labels[b * V + target] = 1f;
                } else {
                    labels[format == RNNFormat.NWC ? (b * T + T - 1) * V + target : (b * V + target) * T + T - 1] = 1f;
                    mask[b * T + T - 1] = 1f;
                }
            }
            long[] shape = format == RNNFormat.NWC ? new long[]{B, T, V} : new long[]{B, V, T};
            network.setInput(Nd4j.create(input, shape, 'c'));
            if (lastTimeStep) {
                network.setLabels(Nd4j.create(labels, new long[]{B, V}, 'c'));
            } else {
                network.setLabels(Nd4j.create(labels, shape, 'c'));
                network.setLayerMaskArrays(null, Nd4j.create(mask, new long[]{B, T}, 'c'));
            }
        }

        @Override
        public double time() {
            long t0 = System.nanoTime();
            network.computeGradientAndScore();
            INDArray gradient = network.getFlattenedGradients();
            gradient.norm2Number(); // as the engine does
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
