package dev.textgen.scratch.simd;

import dev.textgen.api.spi.DropoutMasks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The Vector API kernels against the scalar ones on odd sizes (so that every tile shape and tail runs):
 * they are designed to agree bit for bit, and the scalar products are checked against plain double sums.
 */
class KernelsTest {
    static final int[] SIZES = {1, 3, 4, 14, 17, 33, 64, 129};
    final Kernels scalar = VectorizationProvider.scalar();

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-3, 3);
        }
        return a;
    }

    private Kernels vector() {
        String[] why = {null};
        Optional<Kernels> vector = VectorizationProvider.vector(why);
        Assumptions.assumeTrue(vector.isPresent(), "SKIPPED: no Vector API kernels here: " + why[0]);
        return vector.get();
    }

    @Test
    void tanhIsAccurateToAFewUlp() {
        for (double x = -12; x <= 12; x += 1e-3) {
            float expected = (float) Math.tanh(x);
            assertThat(ScalarKernels.tanh((float) x)).as("tanh(%s)", x).isCloseTo(expected, offset(3e-7f));
            float sigmoid = (float) (1 / (1 + Math.exp(-x)));
            assertThat(ScalarKernels.sigmoid((float) x)).as("sigmoid(%s)", x).isCloseTo(sigmoid, offset(3e-7f));
        }
        assertThat(ScalarKernels.tanh(Float.NaN)).isNaN();
        assertThat(ScalarKernels.hardSigmoid(-3f)).isZero();
        assertThat(ScalarKernels.hardSigmoid(1f)).isEqualTo(0.7f);
        assertThat(ScalarKernels.hardSigmoid(3f)).isEqualTo(1f);
    }

    @Test
    void expIsAccurateToTwoUlpOverTheNormalRange() {
        for (double x = -87.3; x <= 0; x += 1e-4) {
            float arg = (float) x;
            float expected = (float) Math.exp(arg);
            assertThat(ScalarKernels.expNonPositive(arg)).as("exp(%s)", arg)
                    .isCloseTo(expected, offset(2 * Math.ulp(expected)));
        }
        assertThat(ScalarKernels.expNonPositive(0f)).isEqualTo(1f);
        assertThat(ScalarKernels.expNonPositive(-1000f)).isEqualTo(ScalarKernels.expNonPositive(ScalarKernels.EXP_LOWEST))
                .isPositive().isLessThan(1.2e-38f);
        assertThat(ScalarKernels.expNonPositive(Float.NaN)).isNaN();
    }

    @Test
    void softmaxAndItsLogNormaliserMatchADoubleSoftmaxAndTheVectorKernelsBitForBit() {
        Kernels vector = VectorizationProvider.vector(new String[1]).orElse(null);
        for (int n : SIZES) {
            float[] logits = random(n, n);
            for (int i = 0; i < n; i++) {
                logits[i] *= 10; // spreads probabilities from about 1 down to about 1e-26
            }
            float[] p = logits.clone();
            double logNormaliser = scalar.softmax(p, 0, n);
            float max = Float.NEGATIVE_INFINITY;
            for (float z : logits) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (float z : logits) {
                sum += Math.exp(z - max); // the difference rounded to float, as in a float softmax
            }
            double total = 0;
            for (int i = 0; i < n; i++) {
                double expected = Math.exp(logits[i] - max) / sum;
                assertThat((double) p[i]).as("n = %s, p[%s]", n, i).isCloseTo(expected, offset(4e-7 * expected + 1e-45));
                total += p[i];
            }
            assertThat(total).isCloseTo(1, offset(1e-6));
            assertThat(logNormaliser).as("n = %s", n).isCloseTo(max + Math.log(sum), offset(1e-6 * Math.abs(max) + 1e-6));
            if (vector != null) {
                float[] q = new float[n + 5];
                System.arraycopy(logits, 0, q, 3, n);
                assertThat(vector.softmax(q, 3, n)).as("n = %s", n).isEqualTo(logNormaliser);
                assertThat(Arrays.copyOfRange(q, 3, 3 + n)).as("n = %s", n).containsExactly(p);
            }
        }
    }

    @Test
    void scalarProductsMatchDoubleSums() {
        int rows = 17;
        int cols = 33;
        int depth = 129;
        float[] a = random(rows * depth, 1);
        float[] b = random(depth * cols, 2);
        float[] c = random(rows * cols, 3);
        float[] ct = c.clone();
        float[] at = new float[depth * rows];
        for (int m = 0; m < rows; m++) {
            for (int k = 0; k < depth; k++) {
                at[k * rows + m] = a[m * depth + k];
            }
        }
        scalar.gemm(rows, cols, depth, a, 0, depth, b, 0, cols, c, 0, cols);
        scalar.gemmTransA(rows, cols, depth, at, 0, rows, b, 0, cols, ct, 0, cols);
        float[] c0 = random(rows * cols, 3);
        for (int m = 0; m < rows; m++) {
            for (int n = 0; n < cols; n++) {
                double s = c0[m * cols + n];
                for (int k = 0; k < depth; k++) {
                    s += (double) a[m * depth + k] * b[k * cols + n];
                }
                assertThat((double) c[m * cols + n]).isCloseTo(s, offset(1e-3));
            }
        }
        assertThat(ct).containsExactly(c);
    }

    @Test
    void vectorProductsEqualScalarOnOddShapes() {
        Kernels vector = vector();
        long seed = 10;
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                for (int depth : new int[] {1, 3, 17, 130, 257}) {
                    // Offsets and leading dimensions larger than the shape: kernels must respect both.
                    int lda = depth + 2;
                    int ldb = cols + 3;
                    int ldc = cols + 1;
                    float[] a = random(5 + rows * lda, seed++);
                    float[] at = random(7 + depth * (rows + 1), seed++);
                    float[] b = random(3 + depth * ldb, seed++);
                    float[] c = random(4 + rows * ldc, seed++);
                    float[] expected = c.clone();
                    float[] actual = c.clone();
                    scalar.gemm(rows, cols, depth, a, 5, lda, b, 3, ldb, expected, 4, ldc);
                    vector.gemm(rows, cols, depth, a, 5, lda, b, 3, ldb, actual, 4, ldc);
                    assertThat(actual).as("gemm %dx%dx%d", rows, cols, depth).containsExactly(expected);
                    expected = c.clone();
                    actual = c.clone();
                    scalar.gemmTransA(rows, cols, depth, at, 7, rows + 1, b, 3, ldb, expected, 4, ldc);
                    vector.gemmTransA(rows, cols, depth, at, 7, rows + 1, b, 3, ldb, actual, 4, ldc);
                    assertThat(actual).as("gemmTransA %dx%dx%d", rows, cols, depth).containsExactly(expected);
                }
            }
        }
    }

    @Test
    void productsWithAPackedBEqualPlainOnes() {
        Kernels vector = vector();
        long seed = 40;
        for (Kernels kernels : new Kernels[] {scalar, vector}) {
            PackedMatrix reused = null;
            for (int rows : SIZES) {
                for (int cols : new int[] {1, 17, 57, 64, 129}) {
                    // 257 and 513: more than one pass of the Vector API kernels' 256-row strips
                    for (int depth : new int[] {3, 257, 513}) {
                        int ldb = cols + 3;
                        float[] a = random(5 + rows * (depth + 2), seed++);
                        float[] b = random(3 + depth * ldb, seed++);
                        float[] c = random(4 + rows * (cols + 1), seed++);
                        float[] expected = c.clone();
                        float[] actual = c.clone();
                        scalar.gemm(rows, cols, depth, a, 5, depth + 2, b, 3, ldb, expected, 4, cols + 1);
                        PackedMatrix packed = kernels.pack(b, 3, ldb, depth, cols, null);
                        kernels.gemm(rows, a, 5, depth + 2, packed, actual, 4, cols + 1);
                        assertThat(actual).as("%s packed %dx%dx%d", kernels.name(), rows, cols, depth)
                                .containsExactly(expected);
                        // Packing into an instance of another shape makes a new one; of the same shape, refills it.
                        reused = kernels.pack(b, 3, ldb, depth, cols, reused);
                        assertThat(kernels.pack(b, 3, ldb, depth, cols, reused)).isSameAs(reused);
                        actual = c.clone();
                        kernels.gemm(rows, a, 5, depth + 2, reused, actual, 4, cols + 1);
                        assertThat(actual).as("%s repacked %dx%dx%d", kernels.name(), rows, cols, depth)
                                .containsExactly(expected);
                    }
                }
            }
        }
    }

    @Test
    void blockedProductsEqualOneProductPerBlock() {
        Kernels vector = vector();
        long seed = 70;
        for (Kernels kernels : new Kernels[] {scalar, vector}) {
            for (int rows : SIZES) {
                for (int cols : new int[] {17, 57, 64, 129}) {
                    for (int depth : new int[] {3, 257}) {
                        int blocks = 5;
                        int lda = depth + 2;
                        int ldc = cols + 1;
                        // blocks interleaved with other rows, as a window range's rows of successive steps are
                        int aStride = (rows + 3) * lda;
                        int cStride = (rows + 2) * ldc;
                        float[] a = random(5 + blocks * aStride, seed++);
                        float[] b = random(depth * cols, seed++);
                        float[] c = random(4 + blocks * cStride, seed++);
                        PackedMatrix packed = kernels.pack(b, 0, cols, depth, cols, null);
                        float[] expected = c.clone();
                        for (int i = 0; i < blocks; i++) {
                            scalar.gemm(rows, a, 5 + i * aStride, lda, packed, expected, 4 + i * cStride, ldc);
                        }
                        float[] actual = c.clone();
                        kernels.gemmBlocks(blocks, rows, a, 5, aStride, lda, packed, actual, 4, cStride, ldc);
                        assertThat(actual).as("%s %d blocks of %dx%dx%d", kernels.name(), blocks, rows, cols, depth)
                                .containsExactly(expected);
                    }
                }
            }
        }
    }

    @Test
    void dropoutMasksEqualTheSharedRows() {
        Kernels vector = vector();
        for (double rate : new double[] {0.0, 0.2, 0.5, 0.9}) {
            DropoutMasks masks = new DropoutMasks(rate);
            for (int width : new int[] {1, 7, 8, 9, 16, 17, 256, 259}) {
                for (int step : new int[] {DropoutMasks.RECURRENT_STEP, 0, 59}) {
                    long seed = 31L * width + step;
                    float[] expected = random(3 + width + 2, seed);
                    float[] actual = expected.clone();
                    masks.fill(seed, 1, step, 5, expected, 3, width);
                    vector.dropoutMask(masks, seed, 1, step, 5, actual, 3, width);
                    assertThat(actual).as("rate %s width %d step %d", rate, width, step).containsExactly(expected);
                }
            }
        }
    }

    @Test
    void productsWiderAndDeeperThanTheScalarBlocksAgree() {
        Kernels vector = vector();
        // Past ScalarKernels' 256-column and 128-row blocks, with tails in both, on both products.
        int rows = 5;
        int cols = 2 * 256 + 45;
        int depth = 2 * 128 + 3;
        float[] a = random(1 + rows * depth, 20);
        float[] at = random(2 + depth * rows, 21);
        float[] b = random(3 + depth * cols, 22);
        float[] c = random(4 + rows * cols, 23);
        float[] expected = c.clone();
        float[] actual = c.clone();
        scalar.gemm(rows, cols, depth, a, 1, depth, b, 3, cols, expected, 4, cols);
        vector.gemm(rows, cols, depth, a, 1, depth, b, 3, cols, actual, 4, cols);
        assertThat(actual).containsExactly(expected);
        for (int m = 0; m < rows; m++) {
            for (int n = 0; n < cols; n += 37) {
                double s = c[4 + m * cols + n];
                for (int k = 0; k < depth; k++) {
                    s += (double) a[1 + m * depth + k] * b[3 + k * cols + n];
                }
                assertThat((double) expected[4 + m * cols + n]).as("C[%d][%d]", m, n).isCloseTo(s, offset(1e-3));
            }
        }
        expected = c.clone();
        actual = c.clone();
        scalar.gemmTransA(rows, cols, depth, at, 2, rows, b, 3, cols, expected, 4, cols);
        vector.gemmTransA(rows, cols, depth, at, 2, rows, b, 3, cols, actual, 4, cols);
        assertThat(actual).containsExactly(expected);
    }

    @Test
    void vectorElementwiseKernelsEqualScalar() {
        Kernels vector = vector();
        for (int hidden : SIZES) {
            for (boolean hard : new boolean[] {false, true}) {
                for (boolean zeroState : new boolean[] {false, true}) {
                    float[] z = random(1 + 4 * hidden, hidden);
                    if (zeroState) {
                        // pre-activations up to +-24, so that tanh's clamp at +-7.9 is crossed on both paths
                        for (int i = 0; i < z.length; i++) {
                            z[i] *= 8f;
                        }
                    }
                    float[] cPrev = zeroState ? null : random(2 + hidden, hidden + 1);
                    float[][] s = {z.clone(), new float[hidden + 3], new float[hidden + 1]};
                    float[][] v = {z.clone(), new float[hidden + 3], new float[hidden + 1]};
                    scalar.lstmForward(s[0], 1, cPrev, 2, s[1], 3, s[2], 1, hidden, hard);
                    vector.lstmForward(v[0], 1, cPrev, 2, v[1], 3, v[2], 1, hidden, hard);
                    for (int i = 0; i < 3; i++) {
                        assertThat(v[i]).as("forward output %d, hidden %d, hard %s", i, hidden, hard).containsExactly(s[i]);
                    }
                    for (int j = 0; j < hidden; j++) {
                        assertThat(s[2][1 + j]).as("h = o tanh(c)")
                                .isEqualTo(s[0][1 + 3 * hidden + j] * ScalarKernels.tanh(s[1][3 + j]));
                    }
                    float[] dh = random(hidden, 5);
                    float[] dcS = random(hidden, 6);
                    float[] dcV = dcS.clone();
                    float[] dzS = new float[2 + 4 * hidden];
                    float[] dzV = new float[2 + 4 * hidden];
                    float[] activations = v[0].clone();
                    scalar.lstmBackward(s[0], 1, cPrev, 2, s[1], 3, dh, 0, dcS, 0, dzS, 2, hidden, hard);
                    vector.lstmBackward(v[0], 1, cPrev, 2, v[1], 3, dh, 0, dcV, 0, dzV, 2, hidden, hard);
                    assertThat(dzV).as("gate gradients, hidden %d", hidden).containsExactly(dzS);
                    assertThat(dcV).as("cell gradient, hidden %d", hidden).containsExactly(dcS);
                    assertThat(v[0]).as("gate activations are only read").containsExactly(activations);
                    assertThat(s[0]).containsExactly(activations);
                    // in place (dz = z), as a caller may ask: the same gradients
                    float[] inPlace = s[0].clone();
                    float[] dcIn = random(hidden, 6);
                    vector.lstmBackward(inPlace, 1, cPrev, 2, s[1], 3, dh, 0, dcIn, 0, inPlace, 1, hidden, hard);
                    assertThat(Arrays.copyOfRange(inPlace, 1, 1 + 4 * hidden)).containsExactly(Arrays.copyOfRange(dzS, 2, 2 + 4 * hidden));
                }
            }
            float[] src = random(hidden + 2, 8);
            float[] dst = random(hidden + 1, 9);
            float[] expected = dst.clone();
            scalar.add(src, 2, expected, 1, hidden);
            scalar.multiply(src, 1, expected, 0, hidden);
            vector.add(src, 2, dst, 1, hidden);
            vector.multiply(src, 1, dst, 0, hidden);
            assertThat(dst).containsExactly(expected);
        }
    }

    @Test
    void theProviderHonoursTheProperty() {
        assertThat(VectorizationProvider.lookup("scalar").name()).isEqualTo("scalar");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VectorizationProvider.lookup("gpu"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("textgen.vectorization")
                .hasMessageContaining("gpu");
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertThat(VectorizationProvider.lookup("auto").name()).startsWith(present ? "vector-" : "scalar");
    }
}
