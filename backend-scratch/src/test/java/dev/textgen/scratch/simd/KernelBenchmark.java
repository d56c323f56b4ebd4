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
 * JMH benchmarks of the kernels at a training batch's shapes (one worker's half of batch 128; {@code hidden} 128 is
 * the reference notebook's, 256 {@code examples/nietzsche-best.json}'s): the per-step gate product, the recurrent
 * backward product, a slice of the weight-gradient product and the fused cell step. Run as described in the module README; {@code kernels=vector} needs
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
    /** 15 steps of 128 windows: a quarter of the weight-gradient product of a batch. */
    static final int DEPTH = 15 * 128;

    @Param({"scalar", "vector"})
    public String kernels;

    @Param({"128", "256"})
    public int hidden;

    int gates;

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
        gates = 4 * hidden;
        h = fill(ROWS * hidden, random);
        recurrent = fill(hidden * gates, random);
        recurrentT = fill(gates * hidden, random);
        z = fill(ROWS * gates, random);
        dz = fill(ROWS * gates, random);
        dh = new float[ROWS * hidden];
        hs = fill(DEPTH * hidden, random);
        dzs = fill(DEPTH * gates, random);
        grad = new float[hidden * gates];
        c = new float[ROWS * hidden];
        cPrev = fill(ROWS * hidden, random);
        dc = fill(ROWS * hidden, random);
        gateGrad = new float[ROWS * gates];
        recurrentPacked = k.pack(recurrent, 0, gates, hidden, gates, null);
    }

    private static float[] fill(int n, SplittableRandom random) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-0.1, 0.1);
        }
        return a;
    }

    /** {@code z += h U}: [64, H] x [H, 4H], 8.4 MFLOP at H = 128, 33.6 at 256. */
    @Benchmark
    public float stepGates() {
        k.gemm(ROWS, gates, hidden, h, 0, hidden, recurrent, 0, gates, z, 0, gates);
        return z[0];
    }

    /** {@link #stepGates} with U packed once, as training and generation run it. */
    @Benchmark
    public float stepGatesPacked() {
        k.gemm(ROWS, h, 0, hidden, recurrentPacked, z, 0, gates);
        return z[0];
    }

    /** {@code dh += dz U^T}: [64, 4H] x [4H, H], 8.4 MFLOP at H = 128, 33.6 at 256. */
    @Benchmark
    public float stepRecurrentGradient() {
        k.gemm(ROWS, hidden, gates, dz, 0, gates, recurrentT, 0, hidden, dh, 0, hidden);
        return dh[0];
    }

    /** {@code dU += H^T dZ} over 1,920 rows: [H, 1920] x [1920, 4H], 252 MFLOP at H = 128, 1,007 at 256. */
    @Benchmark
    public float weightGradient() {
        k.gemmTransA(hidden, gates, DEPTH, hs, 0, hidden, dzs, 0, gates, grad, 0, gates);
        return grad[0];
    }

    /** The fused cell step for 64 rows (gate pre-activations are refreshed so every call sees the same inputs). */
    @Benchmark
    public float cellStep() {
        System.arraycopy(dz, 0, z, 0, z.length);
        for (int b = 0; b < ROWS; b++) {
            k.lstmForward(z, b * gates, cPrev, b * hidden, c, b * hidden, h, b * hidden, hidden, false);
        }
        return h[0];
    }

    /** The cell backward for 64 rows (it recomputes {@code tanh(c)}), gate gradients to their own buffer. */
    @Benchmark
    public float cellBackward() {
        for (int b = 0; b < ROWS; b++) {
            k.lstmBackward(z, b * gates, cPrev, b * hidden, c, b * hidden, dh, b * hidden, dc, b * hidden, gateGrad,
                    b * gates, hidden, false);
        }
        return gateGrad[0];
    }
}
