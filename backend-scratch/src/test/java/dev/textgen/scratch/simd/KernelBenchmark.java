package dev.textgen.scratch.simd;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * JMH benchmarks of the kernels at the reference notebook's shapes (one worker's half of batch 128, hidden 128): the
 * per-step gate product, the recurrent backward product, a slice of the weight-gradient product and the
 * fused cell step. Run as described in the module README; {@code kernels=vector} needs
 * {@code --add-modules jdk.incubator.vector} in the forked JVM ({@code -jvmArgsAppend}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
    static final int ROWS = 64;
    static final int HIDDEN = 128;
    static final int GATES = 4 * HIDDEN;
    /** 15 steps of 128 windows: a quarter of the weight-gradient product of a batch. */
    static final int DEPTH = 15 * 128;

    @Param({"scalar", "vector"})
    public String kernels;

    Kernels k;
    float[] h;
    float[] recurrent;
    float[] recurrentT;
    float[] z;
    float[] dz;
    float[] dh;
    float[] hs;
    float[] dzs;
    float[] grad;
    float[] c;
    float[] cPrev;
    float[] dc;
    float[] gateGrad;
    PackedMatrix recurrentPacked;

    @Setup
    public void setUp() {
        k = "vector".equals(kernels)
                ? VectorizationProvider.vector(null).orElseThrow(() -> new IllegalStateException("no Vector API here"))
                : VectorizationProvider.scalar();
        SplittableRandom random = new SplittableRandom(1);
        h = fill(ROWS * HIDDEN, random);
        recurrent = fill(HIDDEN * GATES, random);
        recurrentT = fill(GATES * HIDDEN, random);
        z = fill(ROWS * GATES, random);
        dz = fill(ROWS * GATES, random);
        dh = new float[ROWS * HIDDEN];
        hs = fill(DEPTH * HIDDEN, random);
        dzs = fill(DEPTH * GATES, random);
        grad = new float[HIDDEN * GATES];
        c = new float[ROWS * HIDDEN];
        cPrev = fill(ROWS * HIDDEN, random);
        dc = fill(ROWS * HIDDEN, random);
        gateGrad = new float[ROWS * GATES];
        recurrentPacked = k.pack(recurrent, 0, GATES, HIDDEN, GATES, null);
    }

    private static float[] fill(int n, SplittableRandom random) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-0.1, 0.1);
        }
        return a;
    }

    /** {@code z += h U}: [64, 128] x [128, 512], 8.4 MFLOP. */
    @Benchmark
    public float stepGates() {
        k.gemm(ROWS, GATES, HIDDEN, h, 0, HIDDEN, recurrent, 0, GATES, z, 0, GATES);
        return z[0];
    }

    /** {@link #stepGates} with U packed once, as training and generation run it. */
    @Benchmark
    public float stepGatesPacked() {
        k.gemm(ROWS, h, 0, HIDDEN, recurrentPacked, z, 0, GATES);
        return z[0];
    }

    /** {@code dh += dz U^T}: [64, 512] x [512, 128], 8.4 MFLOP. */
    @Benchmark
    public float stepRecurrentGradient() {
        k.gemm(ROWS, HIDDEN, GATES, dz, 0, GATES, recurrentT, 0, HIDDEN, dh, 0, HIDDEN);
        return dh[0];
    }

    /** {@code dU += H^T dZ} over 1,920 rows: [128, 1920] x [1920, 512], 252 MFLOP. */
    @Benchmark
    public float weightGradient() {
        k.gemmTransA(HIDDEN, GATES, DEPTH, hs, 0, HIDDEN, dzs, 0, GATES, grad, 0, GATES);
        return grad[0];
    }

    /** The fused cell step for 64 rows (gate pre-activations are refreshed so every call sees the same inputs). */
    @Benchmark
    public float cellStep() {
        System.arraycopy(dz, 0, z, 0, z.length);
        for (int b = 0; b < ROWS; b++) {
            k.lstmForward(z, b * GATES, cPrev, b * HIDDEN, c, b * HIDDEN, h, b * HIDDEN, HIDDEN, false);
        }
        return h[0];
    }

    /** The cell backward for 64 rows (it recomputes {@code tanh(c)}), gate gradients to their own buffer. */
    @Benchmark
    public float cellBackward() {
        for (int b = 0; b < ROWS; b++) {
            k.lstmBackward(z, b * GATES, cPrev, b * HIDDEN, c, b * HIDDEN, dh, b * HIDDEN, dc, b * HIDDEN, gateGrad,
                    b * GATES, HIDDEN, false);
        }
        return gateGrad[0];
    }
}
