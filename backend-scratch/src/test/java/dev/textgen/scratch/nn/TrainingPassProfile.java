package dev.textgen.scratch.nn;

import dev.textgen.api.data.Batch;
import dev.textgen.api.data.Batches;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.DropoutMasks;
import dev.textgen.scratch.TestData;
import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.PackedMatrix;
import dev.textgen.scratch.simd.VectorizationProvider;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Where a training batch's time goes: runs {@link TrainingPass} (forward, backward, gradient norm) on seeded
 * synthetic windows with every kernel call timed, and prints one JSON line with the wall-clock milliseconds per
 * batch and, per pass and kernel, the thread-milliseconds per batch summed over the workers and, for products,
 * the GFLOP/s they ran at inside the batch. The products are told apart by their B operand: {@code recurrent}
 * (a step's gates, {@code [B, H] x [H, 4H]}), {@code recurrentGradient} ({@code [B, 4H] x [4H, H]}),
 * {@code inputProjection} and {@code gradientBelow} (every step of the layers above the first at once),
 * {@code weightGradient} and {@code dense} (the Dense layer's products). {@code otherThreadMs} is the workers'
 * time outside the kernels, waiting included. Each timed call costs some tens of nanoseconds more, which shows in
 * the many short calls (cell steps, additions, masks); {@code plainMsPerBatch} is the same batch untimed.
 *
 * <p>Runs from the test class path (see the module README):
 * <pre>java --add-modules jdk.incubator.vector -cp ... dev.textgen.scratch.nn.TrainingPassProfile
 *     [hidden=256] [layers=2] [dropout=0.2] [allSteps=true] [batches=30] [threads=2]</pre>
 * The defaults are {@code examples/nietzsche-best.json}'s model; {@code 128 1 0 false} is the reference notebook's.
 */
public final class TrainingPassProfile {
    private static final int VOCABULARY = 57;
    private static final int MAXLEN = 60;
    private static final int BATCH = 128;

    private TrainingPassProfile() {
    }

    public static void main(String[] args) {
        int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        double dropout = args.length > 2 ? Double.parseDouble(args[2]) : 0.2;
        boolean allSteps = args.length <= 3 || Boolean.parseBoolean(args[3]);
        int batches = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        Kernels kernels = VectorizationProvider.kernels();
        TimedKernels timed = new TimedKernels(kernels, hidden);
        double plain = run(kernels, hidden, layers, dropout, allSteps, batches, threads)[0];
        double[] profiled = run(timed, hidden, layers, dropout, allSteps, batches, threads);
        double kernelMs = timed.nanos.values().stream().mapToLong(LongAdder::sum).sum() / 1e6 / batches;
        String parts = new TreeMap<>(timed.nanos).entrySet().stream().map(e -> {
            double ms = e.getValue().sum() / 1e6 / batches;
            LongAdder flop = timed.flop.get(e.getKey());
            return flop == null ? String.format(Locale.ROOT, "\"%s\":{\"threadMs\":%.2f}", e.getKey(), ms)
                    : String.format(Locale.ROOT, "\"%s\":{\"threadMs\":%.2f,\"gflops\":%.1f}", e.getKey(), ms,
                    flop.sum() / (double) e.getValue().sum());
        }).collect(Collectors.joining(","));
        System.out.printf(Locale.ROOT, "{\"kernels\":\"%s\",\"threads\":%d,\"hidden\":%d,\"layers\":%d,\"dropout\":%s,"
                        + "\"loss\":\"%s\",\"batchSize\":%d,\"maxlen\":%d,\"batches\":%d,\"plainMsPerBatch\":%.1f,"
                        + "\"msPerBatch\":%.1f,\"forwardMs\":%.1f,\"backwardMs\":%.1f,\"kernelThreadMs\":%.1f,"
                        + "\"otherThreadMs\":%.1f,\"parts\":{%s}}%n",
                kernels.name(), threads, hidden, layers, dropout, allSteps ? "all-steps" : "last-step", BATCH, MAXLEN,
                batches, plain, profiled[0], profiled[1], profiled[2], kernelMs, threads * profiled[0] - kernelMs, parts);
    }

    /** Milliseconds per batch: whole, forward, backward with the gradient norm; medians after a warm-up. */
    private static double[] run(Kernels kernels, int hidden, int layers, double dropout, boolean allSteps, int batches,
                                int threads) {
        Network net = Network.of(ModelWeights.initialize(VOCABULARY, hidden, layers, 7L));
        Batches epoch = Batches.shuffled(TestData.windows(200_000, VOCABULARY, MAXLEN, 3, 3L), BATCH, 5L, 0);
        Batch batch = new Batch(BATCH, MAXLEN, VOCABULARY, false);
        int warmup = 10;
        double[][] millis = new double[3][batches];
        TimedKernels timed = kernels instanceof TimedKernels t ? t : null;
        try (Workers workers = new Workers(threads)) {
            TrainingPass pass = new TrainingPass(net, kernels, workers, false, dropout, 0.0, allSteps);
            for (int i = 0; i < warmup + batches; i++) {
                if (i == warmup && timed != null) {
                    timed.nanos.clear();
                    timed.flop.clear();
                }
                epoch.next(batch);
                long start = System.nanoTime();
                if (timed != null) {
                    timed.pass = "forward.";
                }
                pass.forward(batch, true);
                long forwardEnd = System.nanoTime();
                if (timed != null) {
                    timed.pass = "backward.";
                }
                pass.backward();
                pass.gradientNorm();
                long end = System.nanoTime();
                if (i >= warmup) {
                    millis[0][i - warmup] = (end - start) / 1e6;
                    millis[1][i - warmup] = (forwardEnd - start) / 1e6;
                    millis[2][i - warmup] = (end - forwardEnd) / 1e6;
                }
            }
        }
        return new double[] {median(millis[0]), median(millis[1]), median(millis[2])};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Kernels that add each call's nanoseconds (and a product's floating-point operations) to its key's sums. */
    private static final class TimedKernels implements Kernels {
        final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
        final Map<String, LongAdder> flop = new ConcurrentHashMap<>();
        private final Kernels k;
        private final int hidden;
        volatile String pass = "forward.";

        TimedKernels(Kernels k, int hidden) {
            this.k = k;
            this.hidden = hidden;
        }

        private void record(String key, long start, double flops) {
            long elapsed = System.nanoTime() - start;
            nanos.computeIfAbsent(pass + key, x -> new LongAdder()).add(elapsed);
            if (flops > 0) {
                flop.computeIfAbsent(pass + key, x -> new LongAdder()).add((long) flops);
            }
        }

        /** The name of a product whose B is {@code depth x cols}, over every step at once or not. */
        private String product(int depth, int cols, boolean everyStep) {
            if (cols == 4 * hidden) {
                return everyStep ? "inputProjection" : "recurrent";
            }
            if (depth == 4 * hidden) {
                return everyStep ? "gradientBelow" : "recurrentGradient";
            }
            return "dense";
        }

        @Override
        public String name() {
            return k.name();
        }

        @Override
        public void gemm(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc) {
            long start = System.nanoTime();
            k.gemm(rows, cols, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            record(product(depth, cols, false), start, 2.0 * rows * cols * depth);
        }

        @Override
        public void gemmTransA(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff,
                               int ldb, float[] c, int cOff, int ldc) {
            long start = System.nanoTime();
            k.gemmTransA(rows, cols, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            record(cols == 4 * hidden ? "weightGradient" : "dense", start, 2.0 * rows * cols * depth);
        }

        @Override
        public PackedMatrix pack(float[] b, int bOff, int ldb, int depth, int cols, PackedMatrix reuse) {
            long start = System.nanoTime();
            PackedMatrix packed = k.pack(b, bOff, ldb, depth, cols, reuse);
            record("pack", start, 0);
            return packed;
        }

        @Override
        public void gemm(int rows, float[] a, int aOff, int lda, PackedMatrix b, float[] c, int cOff, int ldc) {
            long start = System.nanoTime();
            k.gemm(rows, a, aOff, lda, b, c, cOff, ldc);
            record(product(b.depth(), b.cols(), false), start, 2.0 * rows * b.depth() * b.cols());
        }

        @Override
        public double softmax(float[] x, int off, int n) {
            long start = System.nanoTime();
            double logNormaliser = k.softmax(x, off, n);
            record("softmax", start, 0);
            return logNormaliser;
        }

        @Override
        public void gemmBlocks(int blocks, int rows, float[] a, int aOff, int aBlockStride, int lda, PackedMatrix b,
                               float[] c, int cOff, int cBlockStride, int ldc) {
            long start = System.nanoTime();
            k.gemmBlocks(blocks, rows, a, aOff, aBlockStride, lda, b, c, cOff, cBlockStride, ldc);
            record(product(b.depth(), b.cols(), true), start, 2.0 * blocks * rows * b.depth() * b.cols());
        }

        @Override
        public void dropoutMask(DropoutMasks masks, long batchSeed, int layer, int step, int window, float[] out,
                                int offset, int width) {
            long start = System.nanoTime();
            k.dropoutMask(masks, batchSeed, layer, step, window, out, offset, width);
            record("dropoutMask", start, 0);
        }

        @Override
        public void add(float[] src, int srcOff, float[] dst, int dstOff, int length) {
            long start = System.nanoTime();
            k.add(src, srcOff, dst, dstOff, length);
            record("add", start, 0);
        }

        @Override
        public void multiply(float[] scale, int scaleOff, float[] dst, int dstOff, int length) {
            long start = System.nanoTime();
            k.multiply(scale, scaleOff, dst, dstOff, length);
            record("multiply", start, 0);
        }

        @Override
        public void lstmForward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h,
                                int hOff, int hidden, boolean hardSigmoid) {
            long start = System.nanoTime();
            k.lstmForward(z, zOff, cPrev, cPrevOff, c, cOff, h, hOff, hidden, hardSigmoid);
            record("cell", start, 0);
        }

        @Override
        public void lstmBackward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] dh,
                                 int dhOff, float[] dc, int dcOff, float[] dz, int dzOff, int hidden,
                                 boolean hardSigmoid) {
            long start = System.nanoTime();
            k.lstmBackward(z, zOff, cPrev, cPrevOff, c, cOff, dh, dhOff, dc, dcOff, dz, dzOff, hidden, hardSigmoid);
            record("cell", start, 0);
        }
    }
}
