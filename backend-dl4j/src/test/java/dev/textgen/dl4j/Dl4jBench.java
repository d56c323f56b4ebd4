package dev.textgen.dl4j;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.data.WindowSet;
import dev.textgen.api.spi.TrainingEngine;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark of the reference notebook's setup on the dl4j backend (LSTM 128, batch 128 x 60 x 57, RMSprop): median ms per
 * training batch; window generation (predict on the last 60 chars) and stateful generation (one step per
 * char) in chars/s, through the backend's models (the fused lstmLayer op) and, for comparison, through a
 * MultiLayerNetwork's output() and rnnTimeStep(). Prints one JSON line.
 *
 * <p>Usage: {@code Dl4jBench [corpus] [trainBatches] [chars]}; threads via {@code -Dtextgen.dl4j.threads=N}.
 */
public final class Dl4jBench {
    private Dl4jBench() {
    }

    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args.length > 0 ? args[0] : "/work/shared/corpora/nietzsche.txt");
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int chars = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String text = Files.readString(corpus, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        Vocabulary vocabulary = Vocabulary.fromText(text);
        int[] ids = text.codePoints().map(vocabulary::id).toArray();
        int maxlen = 60;
        TextgenConfig config = Fixtures.config(128, 1, "sigmoid", 0, maxlen);
        WindowSet windows = Fixtures.windows(ids, maxlen, 3, vocabulary.size());

        long started = System.nanoTime();
        Dl4jBackend backend = Dl4jBackend.start();
        double startupMs = (System.nanoTime() - started) / 1e6;

        double[] trainMs = new double[batches];
        double loss;
        try (TrainingEngine engine = backend.newEngine(config, vocabulary, null)) {
            Batch batch = new Batch(128, maxlen, vocabulary.size(), engine.wantsOneHot());
            Batches order = Batches.shuffled(windows, 128, 42, 0);
            for (int warmup = 0; warmup < 3; warmup++) {
                order.next(batch);
                engine.trainBatch(batch, 0.01);
            }
            loss = Double.NaN;
            for (int b = 0; b < batches; b++) {
                order.next(batch);
                long t0 = System.nanoTime();
                loss = engine.trainBatch(batch, 0.01);
                trainMs[b] = (System.nanoTime() - t0) / 1e6;
            }
            LanguageModel model = engine.snapshot(null);
            double windowCharsPerSecond = windowGeneration(model, ids, maxlen, chars);
            double statefulCharsPerSecond = statefulGeneration(model, ids, chars * 10);
            // the same through MultiLayerNetwork, for comparison: output() on the window and rnnTimeStep()
            MultiLayerNetwork network = Networks.build(config.model(), model.weights());
            double networkWindowCharsPerSecond = networkWindowGeneration(network, ids, maxlen, vocabulary.size(), chars / 10);
            double rnnTimeStepCharsPerSecond = rnnTimeStepGeneration(network, ids, vocabulary.size(), chars);
            System.out.printf(Locale.ROOT, "{\"backend\":\"dl4j\",\"ompThreads\":%d,\"startupMs\":%.0f,\"trainBatches\":%d,"
                            + "\"trainMsMedian\":%.1f,\"trainMsMin\":%.1f,\"lastLoss\":%.4f,\"windowCharsPerSecond\":%.1f,"
                            + "\"statefulCharsPerSecond\":%.1f,\"networkOutputWindowCharsPerSecond\":%.1f,"
                            + "\"rnnTimeStepCharsPerSecond\":%.1f}%n",
                    NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(), startupMs, batches, median(trainMs),
                    Arrays.stream(trainMs).min().orElse(Double.NaN), loss, windowCharsPerSecond, statefulCharsPerSecond,
                    networkWindowCharsPerSecond, rnnTimeStepCharsPerSecond);
        }
    }

    private static double windowGeneration(LanguageModel model, int[] ids, int maxlen, int chars) {
        int[] generated = Arrays.copyOf(ids, maxlen + chars + 20);
        float[] out = new float[model.vocabulary().size()];
        for (int t = maxlen; t < maxlen + 20; t++) { // warm-up
            generated[t] = LayoutTest.argmax(model.predict(generated, t - maxlen, t, out));
        }
        long t0 = System.nanoTime();
        for (int t = maxlen + 20; t < generated.length; t++) {
            generated[t] = LayoutTest.argmax(model.predict(generated, t - maxlen, t, out));
        }
        return chars / ((System.nanoTime() - t0) / 1e9);
    }

    private static double statefulGeneration(LanguageModel model, int[] ids, int chars) {
        float[] out = new float[model.vocabulary().size()];
        try (Session session = model.newSession()) {
            for (int t = 0; t < 60; t++) {
                session.feed(ids[t]);
            }
            long t0 = System.nanoTime();
            for (int t = 0; t < chars; t++) {
                session.feed(LayoutTest.argmax(session.probabilities(out)));
            }
            return chars / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static double networkWindowGeneration(MultiLayerNetwork network, int[] ids, int maxlen, int v, int chars) {
        int[] generated = Arrays.copyOf(ids, maxlen + chars + 2);
        long t0 = 0;
        for (int t = maxlen; t < generated.length; t++) {
            if (t == maxlen + 2) {
                t0 = System.nanoTime(); // after two warm-up chars
            }
            float[] oneHot = new float[maxlen * v];
            for (int s = 0; s < maxlen; s++) {
                oneHot[s * v + generated[t - maxlen + s]] = 1f;
            }
            INDArray out = network.output(Nd4j.create(oneHot, new long[]{1, maxlen, v}, 'c'), false);
            generated[t] = LayoutTest.argmax(out.get(NDArrayIndex.point(0), NDArrayIndex.point(maxlen - 1), NDArrayIndex.all())
                    .toFloatVector());
        }
        return chars / ((System.nanoTime() - t0) / 1e9);
    }

    private static double rnnTimeStepGeneration(MultiLayerNetwork network, int[] ids, int v, int chars) {
        network.rnnClearPreviousState();
        int id = ids[0];
        long t0 = 0;
        for (int t = 0; t < chars + 20; t++) {
            if (t == 20) {
                t0 = System.nanoTime();
            }
            float[] oneHot = new float[v];
            oneHot[id] = 1f;
            INDArray out = network.rnnTimeStep(Nd4j.create(oneHot, new long[]{1, 1, v}, 'c'));
            id = LayoutTest.argmax(out.reshape(v).toFloatVector());
        }
        return chars / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
