package dev.textgen.scratch.simd;

import dev.textgen.api.spi.DropoutMasks;

import java.util.Arrays;

/**
 * The portable kernels: plain Java loops shaped so that HotSpot's auto-vectorizer can use SIMD where it
 * sees fit, cache-blocked so the operand panels stay in L1/L2. Used when the Vector API is absent.
 *
 * <p>Longer than this project's other classes on purpose: it is one implementation of {@link Kernels}, and
 * {@code PanamaKernels} must reproduce each of its methods operation for operation (bit-identical results), which
 * is easiest to keep true with every kernel of one implementation side by side in one file.
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

    /** The natural log of the smallest normal float: exp below it is clamped to it, so 2^n stays normal. */
    static final float EXP_LOWEST = -87.33654f;
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: a float of magnitude below 2^22 plus this is rounded to an integer, held in the low bits. */
    static final float ROUNDER = 12582912f;
    /** The bits of {@link #ROUNDER} less the exponent bias: subtracted from the rounded sum's bits, they leave n + 127. */
    static final int EXPONENT_OFFSET = 0x4B400000 - 127;
    // ln 2 split so that n * LN2_HI is exact for the n that occur, and Cephes' expf polynomial for exp on
    // [-ln 2 / 2, ln 2 / 2] (within 2 ulp), whose terms from the quadratic on are P5 * r^2 + ... + P0 * r^7.
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    @Override
    public String name() {
        return "scalar";
    }

    /**
     * exp of {@code x <= 0} in float precision (within 2 ulp where the result is normal): {@code 2^n * exp(r)} with
     * {@code n} the nearest integer to {@code x / ln 2}, by fused multiply-adds only, so that the Vector API kernels
     * give the same bits lane by lane. Arguments below {@link #EXP_LOWEST} give exp of it, about 1.2e-38.
     */
    public static float expNonPositive(float x) {
        float v = Math.max(x, EXP_LOWEST);
        float t = Math.fma(v, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_HI, v);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        return y * Float.intBitsToFloat((Float.floatToRawIntBits(t) - EXPONENT_OFFSET) << 23);
    }

    @Override
    public double softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            max = Math.max(max, x[i]);
        }
        for (int i = off; i < off + n; i++) {
            x[i] = expNonPositive(x[i] - max);
        }
        double sum = sum(x, off, n);
        float inverse = (float) (1 / sum);
        for (int i = off; i < off + n; i++) {
            x[i] *= inverse;
        }
        return max + Math.log(sum);
    }

    /**
     * The sum of {@code x[off, off + n)} in double, in four interleaved partial sums (index mod 4, then added in that
     * order): four chains of additions run at once where one would wait on each.
     */
    static double sum(float[] x, int off, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += x[off + i];
            s1 += x[off + i + 1];
            s2 += x[off + i + 2];
            s3 += x[off + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[off + i];
        }
        return s0 + s1 + s2 + s3;
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
        product(rows, cols, depth, a, aOff, lda, 1, b, bOff, ldb, null, c, cOff, ldc);
    }

    @Override
    public void gemmTransA(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        product(rows, cols, depth, a, aOff, 1, lda, b, bOff, ldb, null, c, cOff, ldc);
    }

    @Override
    public PackedMatrix pack(float[] b, int bOff, int ldb, int depth, int cols, PackedMatrix reuse) {
        int stripLength = stripLength(depth, cols);
        PackedMatrix packed = reuse != null && reuse.fits(depth, cols, stripLength) ? reuse
                : new PackedMatrix(depth, cols, new float[depth * cols], new float[stripLength]);
        for (int k = 0; k < depth; k++) {
            System.arraycopy(b, bOff + k * ldb, packed.matrix, k * cols, cols);
        }
        packStrips(packed.matrix, depth, cols, packed.strips);
        return packed;
    }

    @Override
    public void gemm(int rows, float[] a, int aOff, int lda, PackedMatrix b, float[] c, int cOff, int ldc) {
        product(rows, b.cols, b.depth, a, aOff, lda, 1, b.matrix, 0, b.cols, b.strips, c, cOff, ldc);
    }

    @Override
    public void gemmBlocks(int blocks, int rows, float[] a, int aOff, int aBlockStride, int lda, PackedMatrix b,
                           float[] c, int cOff, int cBlockStride, int ldc) {
        products(blocks, aBlockStride, cBlockStride, rows, b.cols, b.depth, a, aOff, lda, 1, b.matrix, 0, b.cols,
                b.strips, c, cOff, ldc);
    }

    /**
     * {@link #product} on {@code blocks} blocks of rows, A's and C's offsets advanced by their block strides: here one
     * product per block, as the scalar loops copy their own blocks of B anyway.
     */
    void products(int blocks, int aBlockStride, int cBlockStride, int rows, int cols, int depth, float[] a, int aOff,
                  int rowStride, int depthStride, float[] b, int bOff, int ldb, float[] strips, float[] c, int cOff,
                  int ldc) {
        for (int i = 0; i < blocks; i++) {
            product(rows, cols, depth, a, aOff + i * aBlockStride, rowStride, depthStride, b, bOff, ldb, strips, c,
                    cOff + i * cBlockStride, ldc);
        }
    }

    /** The length of the tile layout of a {@code depth x cols} B: none here, the scalar loops copy their own blocks. */
    int stripLength(int depth, int cols) {
        return 0;
    }

    /** Writes the tile layout of the row-major {@code depth x cols} B into {@code strips}: none here. */
    void packStrips(float[] b, int depth, int cols, float[] strips) {
    }

    /**
     * {@code C[m][n] += sum_k A(m, k) B[k][n]} where {@code A(m, k) = a[aOff + m * rowStride + k * depthStride]};
     * {@code strips}, if not null, is B's tile layout from {@link #packStrips} (unused here).
     *
     * <p>C2 in JDK 17 auto-vectorizes a loop only when its arrays are indexed with the same loop-invariant
     * offset (constants may differ); {@code c[cOff + j] += x * b[bOff + j]} stays scalar. So a block of B is
     * copied to one zero-based array per row, and two rows of C to one array at offsets 0 and
     * {@link #COLUMN_BLOCK}; the inner loop over those copies then runs as SIMD fused multiply-adds, each load
     * of B feeding two rows; the copies are cheap next to the products they make vectorizable. Each element still
     * sees one FMA per k in increasing k, as in the Vector API kernels.
     *
     * <p>Which loop shapes C2 vectorizes is brittle: it must not depend on whether a method is inlined or
     * compiled on its own, nor on compilation order. The split into {@link #foldTwoRows} and
     * {@link #foldTwoRowsTail} vectorizes either way, which a method holding only the j loop of two rows does not.
     */
    void product(int rows, int cols, int depth, float[] a, int aOff, int rowStride, int depthStride,
                 float[] b, int bOff, int ldb, float[] strips, float[] c, int cOff, int ldc) {
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
                int quads = kn & ~3;
                int m = 0;
                for (; m + 2 <= rows; m += 2) {
                    int c0 = cOff + m * ldc + n0;
                    System.arraycopy(c, c0, t, 0, width);
                    System.arraycopy(c, c0 + ldc, t, COLUMN_BLOCK, width);
                    int a0 = aOff + m * rowStride + k0 * depthStride;
                    foldTwoRows(a, a0, a0 + rowStride, depthStride, packedB, quads, t, width);
                    foldTwoRowsTail(a, a0, a0 + rowStride, depthStride, packedB, quads, kn, t, width);
                    System.arraycopy(t, 0, c, c0, width);
                    System.arraycopy(t, COLUMN_BLOCK, c, c0 + ldc, width);
                }
                if (m < rows) {
                    int c0 = cOff + m * ldc + n0;
                    System.arraycopy(c, c0, t, 0, width);
                    foldRow(a, aOff + m * rowStride + k0 * depthStride, depthStride, packedB, kn, t, width);
                    System.arraycopy(t, 0, c, c0, width);
                }
            }
        }
    }

    /**
     * {@code t[j] += sum_k A(row0, k) b[k][j]} and {@code t[COLUMN_BLOCK + j] += sum_k A(row1, k) b[k][j]}
     * for {@code k < depth} (a multiple of 4) and {@code j < width}, where {@code A(row, k) = a[row + k *
     * depthStride]}. The remaining rows of B are {@link #foldTwoRowsTail}'s: with that loop in this method,
     * C2 17 no longer vectorized this one.
     */
    private static void foldTwoRows(float[] a, int row0, int row1, int depthStride, float[][] b, int depth,
                                    float[] t, int width) {
        for (int k = 0; k < depth; k += 4, row0 += 4 * depthStride, row1 += 4 * depthStride) {
            float x0 = a[row0];
            float x1 = a[row0 + depthStride];
            float x2 = a[row0 + 2 * depthStride];
            float x3 = a[row0 + 3 * depthStride];
            float y0 = a[row1];
            float y1 = a[row1 + depthStride];
            float y2 = a[row1 + 2 * depthStride];
            float y3 = a[row1 + 3 * depthStride];
            float[] b0 = b[k];
            float[] b1 = b[k + 1];
            float[] b2 = b[k + 2];
            float[] b3 = b[k + 3];
            for (int j = 0; j < width; j++) {
                float v0 = b0[j];
                float v1 = b1[j];
                float v2 = b2[j];
                float v3 = b3[j];
                t[j] = Math.fma(x3, v3, Math.fma(x2, v2, Math.fma(x1, v1, Math.fma(x0, v0, t[j]))));
                t[j + COLUMN_BLOCK] = Math.fma(y3, v3, Math.fma(y2, v2, Math.fma(y1, v1, Math.fma(y0, v0, t[j + COLUMN_BLOCK]))));
            }
        }
    }

    /** {@link #foldTwoRows} for the rows {@code [from, to)} of B, one at a time. */
    private static void foldTwoRowsTail(float[] a, int row0, int row1, int depthStride, float[][] b, int from, int to,
                                        float[] t, int width) {
        for (int k = from; k < to; k++) {
            float x = a[row0 + k * depthStride];
            float y = a[row1 + k * depthStride];
            float[] bk = b[k];
            for (int j = 0; j < width; j++) {
                float v = bk[j];
                t[j] = Math.fma(x, v, t[j]);
                t[j + COLUMN_BLOCK] = Math.fma(y, v, t[j + COLUMN_BLOCK]);
            }
        }
    }

    /** {@code t[j] += sum_k a[row + k * depthStride] b[k][j]} for {@code k < depth, j < width}. */
    private static void foldRow(float[] a, int row, int depthStride, float[][] b, int depth, float[] t, int width) {
        int k = 0;
        for (; k + 4 <= depth; k += 4, row += 4 * depthStride) {
            float x0 = a[row];
            float x1 = a[row + depthStride];
            float x2 = a[row + 2 * depthStride];
            float x3 = a[row + 3 * depthStride];
            float[] b0 = b[k];
            float[] b1 = b[k + 1];
            float[] b2 = b[k + 2];
            float[] b3 = b[k + 3];
            for (int j = 0; j < width; j++) {
                t[j] = Math.fma(x3, b3[j], Math.fma(x2, b2[j], Math.fma(x1, b1[j], Math.fma(x0, b0[j], t[j]))));
            }
        }
        for (; k < depth; k++, row += depthStride) {
            float x = a[row];
            float[] bk = b[k];
            for (int j = 0; j < width; j++) {
                t[j] = Math.fma(x, bk[j], t[j]);
            }
        }
    }

    /**
     * A thread's zero-based copies of a block of B (one array per row) and of two rows of C, and eight rows
     * of cell-step operands, grown to the widest layer seen.
     */
    private static final class Panel {
        final float[][] b = new float[DEPTH_BLOCK][COLUMN_BLOCK];
        final float[] c = new float[2 * COLUMN_BLOCK];
        float[][] cell = new float[8][0];

        float[][] cellRows(int hidden) {
            if (cell[0].length < hidden) {
                cell = new float[8][hidden];
            }
            return cell;
        }
    }

    @Override
    public void dropoutMask(DropoutMasks masks, long batchSeed, int layer, int step, int window, float[] out,
                            int offset, int width) {
        masks.fill(batchSeed, layer, step, window, out, offset, width);
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
    public void lstmForward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h, int hOff,
                            int hidden, boolean hardSigmoid) {
        gates(z, zOff, 0, 2 * hidden, hardSigmoid);
        gates(z, zOff + 3 * hidden, 0, hidden, hardSigmoid);
        tanh(z, zOff + 2 * hidden, 0, hidden);
        // The cell update reads and writes seven rows at unrelated offsets, which C2 will not vectorize (see
        // product); on zero-based copies it does, several times faster even with the copies.
        float[][] w = PANELS.get().cellRows(hidden);
        float[] i = w[0];
        float[] f = w[1];
        float[] g = w[2];
        float[] o = w[3];
        float[] cv = w[4];
        float[] hv = w[5];
        System.arraycopy(z, zOff, i, 0, hidden);
        System.arraycopy(z, zOff + 2 * hidden, g, 0, hidden);
        System.arraycopy(z, zOff + 3 * hidden, o, 0, hidden);
        if (cPrev == null) {
            for (int j = 0; j < hidden; j++) {
                cv[j] = i[j] * g[j];
            }
        } else {
            System.arraycopy(z, zOff + hidden, f, 0, hidden);
            System.arraycopy(cPrev, cPrevOff, cv, 0, hidden);
            for (int j = 0; j < hidden; j++) {
                cv[j] = Math.fma(f[j], cv[j], i[j] * g[j]);
            }
        }
        for (int j = 0; j < hidden; j++) {
            hv[j] = o[j] * tanh(cv[j]);
        }
        System.arraycopy(cv, 0, c, cOff, hidden);
        System.arraycopy(hv, 0, h, hOff, hidden);
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
                     float[] h, int hOff, int hidden) {
        int f = zOff + hidden;
        int g = zOff + 2 * hidden;
        int o = zOff + 3 * hidden;
        for (int j = from; j < to; j++) {
            float ig = z[zOff + j] * z[g + j];
            float cv = cPrev == null ? ig : Math.fma(z[f + j], cPrev[cPrevOff + j], ig);
            c[cOff + j] = cv;
            h[hOff + j] = z[o + j] * tanh(cv);
        }
    }

    @Override
    public void lstmBackward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] dh, int dhOff,
                             float[] dc, int dcOff, float[] dz, int dzOff, int hidden, boolean hardSigmoid) {
        float[][] w = PANELS.get().cellRows(hidden);
        float[] i = w[0];
        float[] f = w[1];
        float[] g = w[2];
        float[] o = w[3];
        float[] cp = w[4];
        float[] t = w[5];
        float[] dhv = w[6];
        float[] dcv = w[7];
        System.arraycopy(z, zOff, i, 0, hidden);
        System.arraycopy(z, zOff + hidden, f, 0, hidden);
        System.arraycopy(z, zOff + 2 * hidden, g, 0, hidden);
        System.arraycopy(z, zOff + 3 * hidden, o, 0, hidden);
        if (cPrev == null) {
            Arrays.fill(cp, 0, hidden, 0f);
        } else {
            System.arraycopy(cPrev, cPrevOff, cp, 0, hidden);
        }
        for (int j = 0; j < hidden; j++) {
            t[j] = tanh(c[cOff + j]);
        }
        System.arraycopy(dh, dhOff, dhv, 0, hidden);
        System.arraycopy(dc, dcOff, dcv, 0, hidden);
        if (hardSigmoid) {
            backwardRows(i, f, g, o, cp, t, dhv, dcv, hidden, true);
        } else {
            backwardRows(i, f, g, o, cp, t, dhv, dcv, hidden, false);
        }
        System.arraycopy(i, 0, dz, dzOff, hidden);
        System.arraycopy(f, 0, dz, dzOff + hidden, hidden);
        System.arraycopy(g, 0, dz, dzOff + 2 * hidden, hidden);
        System.arraycopy(o, 0, dz, dzOff + 3 * hidden, hidden);
        System.arraycopy(dcv, 0, dc, dcOff, hidden);
    }

    /** {@link #backwardRange} on zero-based rows, which C2 vectorizes; the gate rows become their gradients. */
    private static void backwardRows(float[] i, float[] f, float[] g, float[] o, float[] cp, float[] t, float[] dh,
                                     float[] dc, int hidden, boolean hardSigmoid) {
        for (int j = 0; j < hidden; j++) {
            float iv = i[j];
            float fv = f[j];
            float gv = g[j];
            float ov = o[j];
            float tj = t[j];
            float dhj = dh[j];
            float dcj = dc[j] + dhj * ov * (1f - tj * tj);
            o[j] = dhj * tj * sigmoidSlope(ov, hardSigmoid);
            i[j] = dcj * gv * sigmoidSlope(iv, hardSigmoid);
            f[j] = dcj * cp[j] * sigmoidSlope(fv, hardSigmoid);
            g[j] = dcj * iv * (1f - gv * gv);
            dc[j] = dcj * fv;
        }
    }

    /** {@link #lstmBackward} for units {@code [from, to)} only. */
    static void backwardRange(int from, int to, float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff,
                              float[] dh, int dhOff, float[] dc, int dcOff, float[] dz, int dzOff, int hidden,
                              boolean hardSigmoid) {
        for (int j = from; j < to; j++) {
            float iv = z[zOff + j];
            float fv = z[zOff + hidden + j];
            float gv = z[zOff + 2 * hidden + j];
            float ov = z[zOff + 3 * hidden + j];
            float t = tanh(c[cOff + j]);
            float dhj = dh[dhOff + j];
            float dcj = dc[dcOff + j] + dhj * ov * (1f - t * t);
            float cp = cPrev == null ? 0f : cPrev[cPrevOff + j];
            dz[dzOff + 3 * hidden + j] = dhj * t * sigmoidSlope(ov, hardSigmoid);
            dz[dzOff + j] = dcj * gv * sigmoidSlope(iv, hardSigmoid);
            dz[dzOff + hidden + j] = dcj * cp * sigmoidSlope(fv, hardSigmoid);
            dz[dzOff + 2 * hidden + j] = dcj * iv * (1f - gv * gv);
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
