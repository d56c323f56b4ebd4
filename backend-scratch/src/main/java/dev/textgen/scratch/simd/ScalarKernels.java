package dev.textgen.scratch.simd;

/**
 * The portable kernels: plain Java loops shaped so that HotSpot's auto-vectorizer can use SIMD where it
 * sees fit, cache-blocked so the operand panels stay in L1/L2. Used when the Vector API is absent.
 */
public class ScalarKernels implements Kernels {
    /** Rows of B kept hot while a block of C rows is updated. */
    static final int DEPTH_BLOCK = 128;
    /** Columns of C per pass: the copied block of B (128 KiB) then stays in L2. */
    static final int COLUMN_BLOCK = 256;
    private static final ThreadLocal<Panel> PANELS = ThreadLocal.withInitial(Panel::new);
    /** tanh saturates to +-1 in float beyond this. */
    static final float TANH_CLAMP = 7.90531110763549805f;
    // A [13/6] rational approximation of tanh (the one Eigen and TensorFlow use for float), accurate to a
    // few ulp: no exp, so it vectorizes.
    static final float A1 = 4.89352455891786e-03f;
    static final float A3 = 6.37261928875436e-04f;
    static final float A5 = 1.48572235717979e-05f;
    static final float A7 = 5.12229709037114e-08f;
    static final float A9 = -8.60467152213735e-11f;
    static final float A11 = 2.00018790482477e-13f;
    static final float A13 = -2.76076847742355e-16f;
    static final float B0 = 4.89352518554385e-03f;
    static final float B2 = 2.26843463243900e-03f;
    static final float B4 = 1.18534705686654e-04f;
    static final float B6 = 1.19825839466702e-06f;

    @Override
    public String name() {
        return "scalar";
    }

    /** tanh in float precision, as every kernel computes it. */
    public static float tanh(float x) {
        float v = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float x2 = v * v;
        float p = Math.fma(x2, A13, A11);
        p = Math.fma(p, x2, A9);
        p = Math.fma(p, x2, A7);
        p = Math.fma(p, x2, A5);
        p = Math.fma(p, x2, A3);
        p = Math.fma(p, x2, A1);
        p = v * p;
        float q = Math.fma(x2, B6, B4);
        q = Math.fma(q, x2, B2);
        q = Math.fma(q, x2, B0);
        return p / q;
    }

    /** The logistic sigmoid in float precision: {@code 0.5 tanh(x / 2) + 0.5}. */
    public static float sigmoid(float x) {
        return Math.fma(0.5f, tanh(0.5f * x), 0.5f);
    }

    /** Keras' hard sigmoid: {@code clip(0.2 x + 0.5, 0, 1)}. */
    public static float hardSigmoid(float x) {
        return Math.max(0f, Math.min(1f, Math.fma(0.2f, x, 0.5f)));
    }

    @Override
    public void gemm(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        product(rows, cols, depth, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void gemmTransA(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        product(rows, cols, depth, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * {@code C[m][n] += sum_k A(m, k) B[k][n]} where {@code A(m, k) = a[aOff + m * rowStride + k * depthStride]}.
     *
     * <p>C2 in JDK 17 auto-vectorizes a loop only when its arrays are indexed with the same loop-invariant
     * offset (constants may differ); {@code c[cOff + j] += x * b[bOff + j]} stays scalar. So a block of B is
     * copied to one zero-based array per row, and two rows of C to one array at offsets 0 and
     * {@link #COLUMN_BLOCK}; the inner loops over those copies then run as SIMD fused multiply-adds, each
     * load of B feeding two rows (about 5x faster than in place; the copies cost a few percent). Each element
     * still sees one FMA per k in increasing k, as in the Vector API kernels.
     */
    void product(int rows, int cols, int depth, float[] a, int aOff, int rowStride, int depthStride,
                 float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        Panel panel = PANELS.get();
        float[][] packedB = panel.b;
        float[] t = panel.c;
        for (int n0 = 0; n0 < cols; n0 += COLUMN_BLOCK) {
            int width = Math.min(COLUMN_BLOCK, cols - n0);
            for (int k0 = 0; k0 < depth; k0 += DEPTH_BLOCK) {
                int kn = Math.min(DEPTH_BLOCK, depth - k0);
                for (int k = 0; k < kn; k++) {
                    System.arraycopy(b, bOff + (k0 + k) * ldb + n0, packedB[k], 0, width);
                }
                int m = 0;
                for (; m + 2 <= rows; m += 2) {
                    int c0 = cOff + m * ldc + n0;
                    System.arraycopy(c, c0, t, 0, width);
                    System.arraycopy(c, c0 + ldc, t, COLUMN_BLOCK, width);
                    int a0 = aOff + m * rowStride + k0 * depthStride;
                    int a1 = a0 + rowStride;
                    int k = 0;
                    for (; k + 4 <= kn; k += 4, a0 += 4 * depthStride, a1 += 4 * depthStride) {
                        fold4x2(a[a0], a[a0 + depthStride], a[a0 + 2 * depthStride], a[a0 + 3 * depthStride],
                                a[a1], a[a1 + depthStride], a[a1 + 2 * depthStride], a[a1 + 3 * depthStride],
                                packedB[k], packedB[k + 1], packedB[k + 2], packedB[k + 3], t, width);
                    }
                    for (; k < kn; k++, a0 += depthStride, a1 += depthStride) {
                        fold1x2(a[a0], a[a1], packedB[k], t, width);
                    }
                    System.arraycopy(t, 0, c, c0, width);
                    System.arraycopy(t, COLUMN_BLOCK, c, c0 + ldc, width);
                }
                if (m < rows) {
                    int c0 = cOff + m * ldc + n0;
                    System.arraycopy(c, c0, t, 0, width);
                    int a0 = aOff + m * rowStride + k0 * depthStride;
                    int k = 0;
                    for (; k + 4 <= kn; k += 4, a0 += 4 * depthStride) {
                        fold4(a[a0], a[a0 + depthStride], a[a0 + 2 * depthStride], a[a0 + 3 * depthStride],
                                packedB[k], packedB[k + 1], packedB[k + 2], packedB[k + 3], t, width);
                    }
                    for (; k < kn; k++, a0 += depthStride) {
                        fold1(a[a0], packedB[k], t, width);
                    }
                    System.arraycopy(t, 0, c, c0, width);
                }
            }
        }
    }

    private static void fold4x2(float a0, float a1, float a2, float a3, float e0, float e1, float e2, float e3,
                                float[] b0, float[] b1, float[] b2, float[] b3, float[] t, int width) {
        for (int j = 0; j < width; j++) {
            float v0 = b0[j];
            float v1 = b1[j];
            float v2 = b2[j];
            float v3 = b3[j];
            t[j] = Math.fma(a3, v3, Math.fma(a2, v2, Math.fma(a1, v1, Math.fma(a0, v0, t[j]))));
            t[j + COLUMN_BLOCK] = Math.fma(e3, v3, Math.fma(e2, v2, Math.fma(e1, v1, Math.fma(e0, v0, t[j + COLUMN_BLOCK]))));
        }
    }

    private static void fold1x2(float a0, float e0, float[] b0, float[] t, int width) {
        for (int j = 0; j < width; j++) {
            float v0 = b0[j];
            t[j] = Math.fma(a0, v0, t[j]);
            t[j + COLUMN_BLOCK] = Math.fma(e0, v0, t[j + COLUMN_BLOCK]);
        }
    }

    private static void fold4(float a0, float a1, float a2, float a3, float[] b0, float[] b1, float[] b2, float[] b3,
                              float[] t, int width) {
        for (int j = 0; j < width; j++) {
            t[j] = Math.fma(a3, b3[j], Math.fma(a2, b2[j], Math.fma(a1, b1[j], Math.fma(a0, b0[j], t[j]))));
        }
    }

    private static void fold1(float a0, float[] b0, float[] t, int width) {
        for (int j = 0; j < width; j++) {
            t[j] = Math.fma(a0, b0[j], t[j]);
        }
    }

    /** A thread's zero-based copies of a block of B (one array per row) and of two rows of C. */
    private static final class Panel {
        final float[][] b = new float[DEPTH_BLOCK][COLUMN_BLOCK];
        final float[] c = new float[2 * COLUMN_BLOCK];
    }

    @Override
    public void add(float[] src, int srcOff, float[] dst, int dstOff, int length) {
        for (int i = 0; i < length; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }

    @Override
    public void multiply(float[] scale, int scaleOff, float[] dst, int dstOff, int length) {
        for (int i = 0; i < length; i++) {
            dst[dstOff + i] *= scale[scaleOff + i];
        }
    }

    @Override
    public void lstmForward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] tanhC,
                            int tanhCOff, float[] h, int hOff, int hidden, boolean hardSigmoid) {
        gates(z, zOff, 0, 2 * hidden, hardSigmoid);
        gates(z, zOff + 3 * hidden, 0, hidden, hardSigmoid);
        tanh(z, zOff + 2 * hidden, 0, hidden);
        cell(0, hidden, z, zOff, cPrev, cPrevOff, c, cOff, tanhC, tanhCOff, h, hOff, hidden);
    }

    /** The gate activation in place over {@code x[off + from, off + to)}. */
    static void gates(float[] x, int off, int from, int to, boolean hardSigmoid) {
        if (hardSigmoid) {
            for (int j = from; j < to; j++) {
                x[off + j] = hardSigmoid(x[off + j]);
            }
        } else {
            for (int j = from; j < to; j++) {
                x[off + j] = sigmoid(x[off + j]);
            }
        }
    }

    /** tanh in place over {@code x[off + from, off + to)}. */
    static void tanh(float[] x, int off, int from, int to) {
        for (int j = from; j < to; j++) {
            x[off + j] = tanh(x[off + j]);
        }
    }

    /** The cell update of {@link #lstmForward} for units {@code [from, to)}, from activated gates. */
    static void cell(int from, int to, float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff,
                     float[] tanhC, int tanhCOff, float[] h, int hOff, int hidden) {
        int f = zOff + hidden;
        int g = zOff + 2 * hidden;
        int o = zOff + 3 * hidden;
        for (int j = from; j < to; j++) {
            float ig = z[zOff + j] * z[g + j];
            float cv = cPrev == null ? ig : Math.fma(z[f + j], cPrev[cPrevOff + j], ig);
            c[cOff + j] = cv;
            float t = tanh(cv);
            tanhC[tanhCOff + j] = t;
            h[hOff + j] = z[o + j] * t;
        }
    }

    @Override
    public void lstmBackward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] tanhC, int tanhCOff,
                             float[] dh, int dhOff, float[] dc, int dcOff, int hidden, boolean hardSigmoid) {
        backwardRange(0, hidden, z, zOff, cPrev, cPrevOff, tanhC, tanhCOff, dh, dhOff, dc, dcOff, hidden, hardSigmoid);
    }

    /** {@link #lstmBackward} for units {@code [from, to)} only. */
    static void backwardRange(int from, int to, float[] z, int zOff, float[] cPrev, int cPrevOff, float[] tanhC,
                              int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff, int hidden, boolean hardSigmoid) {
        int f = zOff + hidden;
        int g = zOff + 2 * hidden;
        int o = zOff + 3 * hidden;
        for (int j = from; j < to; j++) {
            float iv = z[zOff + j];
            float fv = z[f + j];
            float gv = z[g + j];
            float ov = z[o + j];
            float t = tanhC[tanhCOff + j];
            float dhj = dh[dhOff + j];
            float dcj = dc[dcOff + j] + dhj * ov * (1f - t * t);
            float cp = cPrev == null ? 0f : cPrev[cPrevOff + j];
            z[o + j] = dhj * t * sigmoidSlope(ov, hardSigmoid);
            z[zOff + j] = dcj * gv * sigmoidSlope(iv, hardSigmoid);
            z[f + j] = dcj * cp * sigmoidSlope(fv, hardSigmoid);
            z[g + j] = dcj * iv * (1f - gv * gv);
            dc[dcOff + j] = dcj * fv;
        }
    }

    /** The derivative of the gate activation, from its output {@code y}. */
    static float sigmoidSlope(float y, boolean hardSigmoid) {
        if (hardSigmoid) {
            return y > 0f && y < 1f ? 0.2f : 0f;
        }
        return y * (1f - y);
    }
}
