package dev.textgen.scratch.simd;

import dev.textgen.api.internal.SplitMix;
import dev.textgen.api.spi.DropoutMasks;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * The kernels on the Vector API (incubator module {@code jdk.incubator.vector}), at the CPU's preferred
 * width. Matrix products use a register tile of 6 rows (4 on CPUs with narrower vectors) by 4 vectors
 * accumulated over a block of the depth; each output element sees the same fused multiply-adds in the same
 * order as in {@link ScalarKernels}, so the two agree bit for bit. Loaded only by reflection from
 * {@link VectorizationProvider}.
 *
 * <p>Longer than this project's other classes on purpose: it is one implementation of {@link Kernels}, kept in
 * one file beside {@link ScalarKernels}' layout so that each kernel can be checked against its scalar twin.
 */
final class PanamaKernels extends ScalarKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Rows of B per pass. Deeper passes load and store each tile of C less often; a packed 4-vector strip of B
     * (64 KiB at 256 rows of 16 floats) then streams from L2, which keeps up with the FMAs.
     */
    private static final int PANEL_DEPTH = Integer.getInteger("textgen.panelDepth", 256);
    /**
     * Whether products use the 6-row tile: its 24 accumulators, 4 vectors of B and a broadcast need 29 vector
     * registers, which 512-bit x86 (AVX-512) has 32 of; AVX2 has 16, where even the 4-row tile is tight. Per
     * step of the depth, 6 rows reuse each vector of B 6 times instead of 4, so a third less of B streams from
     * L2 per multiply-add.
     */
    private static final boolean SIX_ROWS = S.vectorBitSize() >= 512;
    /**
     * Per thread: the panels B ({@code [0]}) and A ({@code [1]}) are copied to, the buffer of the last columns, and
     * that of a tile whose last strip runs past C's columns ({@code [3]}).
     */
    private static final ThreadLocal<float[][]> PANEL = ThreadLocal.withInitial(
            () -> new float[][] {new float[0], new float[0], new float[4 * L], new float[6 * 4 * L]});
    /**
     * Dropout masks are drawn 64-bit lane by lane (SplitMix64), then narrowed to floats: half as many lanes as
     * {@link #S}. Only where vectors are 512 bits wide: the 64-bit multiply is an AVX-512 instruction, and without
     * it the Vector API would run the lanes one by one, slower than the scalar loop.
     */
    private static final VectorSpecies<Long> DRAWS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> MASK_BITS =
            VectorSpecies.of(int.class, VectorShape.forBitSize(DRAWS.vectorBitSize() / 2));
    private static final boolean VECTOR_MASKS = DRAWS.vectorBitSize() >= 512;
    /** {@code (i + 1) * GAMMA} in lane {@code i}: a row's first states less the row's state. */
    private static final long[] FIRST_DRAWS = LongStream.rangeClosed(1, DRAWS.length())
            .map(i -> i * SplitMix.GAMMA).toArray();
    private static final FloatVector HALF = FloatVector.broadcast(S, 0.5f);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final FloatVector SLOPE = FloatVector.broadcast(S, 0.2f);
    private static final FloatVector CLAMP = FloatVector.broadcast(S, TANH_CLAMP);
    private static final FloatVector NEG_CLAMP = FloatVector.broadcast(S, -TANH_CLAMP);
    private static final FloatVector V_A13 = FloatVector.broadcast(S, A13);
    private static final FloatVector V_A11 = FloatVector.broadcast(S, A11);
    private static final FloatVector V_B6 = FloatVector.broadcast(S, B6);
    private static final FloatVector V_B4 = FloatVector.broadcast(S, B4);
    private static final FloatVector V_A9 = FloatVector.broadcast(S, A9);
    private static final FloatVector V_A7 = FloatVector.broadcast(S, A7);
    private static final FloatVector V_A5 = FloatVector.broadcast(S, A5);
    private static final FloatVector V_A3 = FloatVector.broadcast(S, A3);
    private static final FloatVector V_A1 = FloatVector.broadcast(S, A1);
    private static final FloatVector V_B2 = FloatVector.broadcast(S, B2);
    private static final FloatVector V_B0 = FloatVector.broadcast(S, B0);
    private static final FloatVector V_EXP_LOWEST = FloatVector.broadcast(S, EXP_LOWEST);
    private static final FloatVector V_LOG2E = FloatVector.broadcast(S, LOG2E);
    private static final FloatVector V_ROUNDER = FloatVector.broadcast(S, ROUNDER);
    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector V_P0 = FloatVector.broadcast(S, P0);
    private static final FloatVector V_P1 = FloatVector.broadcast(S, P1);
    private static final FloatVector V_P2 = FloatVector.broadcast(S, P2);
    private static final FloatVector V_P3 = FloatVector.broadcast(S, P3);
    private static final FloatVector V_P4 = FloatVector.broadcast(S, P4);
    private static final FloatVector V_P5 = FloatVector.broadcast(S, P5);

    PanamaKernels() {
        if (L < 4) {
            throw new UnsupportedOperationException("the CPU's preferred vectors hold " + L + " floats; SIMD needs 4 or more");
        }
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize() + "bit";
    }

    /**
     * {@code C[m][n] += sum_k A(m, k) B[k][n]} where {@code A(m, k) = a[aOff + m * rowStride + k * depthStride]}
     * ({@link #gemm}: A row-major; {@link #gemmTransA}: A transposed).
     *
     * <p>For each block of {@link #PANEL_DEPTH} rows of B, the part that fills whole tiles (4 vectors wide) is first
     * copied to a thread-local panel, one contiguous {@code depth x 4L} strip per tile column. The tile loop then
     * reads B at a constant stride, which lets C2 hoist most of its bounds checks and keep the indices in
     * registers (in place, with strides only known at run time, it checked every load and spilled), and the
     * strips stream through the caches without the set conflicts of rows one leading dimension (often 2 KiB)
     * apart. A B packed by {@link #pack} brings these strips along ({@code strips}, every pass at
     * {@code k0 * wide}), so repeated products with the same B skip the copy. The rows of A that fill whole
     * tiles are read along their rows, one step of the depth apart, whatever A's layout: a transposed A is
     * first copied to row-major panels ({@link #packA}).
     */
    @Override
    void product(int rows, int cols, int depth, float[] a, int aOff, int rowStride, int depthStride,
                 float[] b, int bOff, int ldb, float[] strips, float[] c, int cOff, int ldc) {
        products(1, 0, 0, rows, cols, depth, a, aOff, rowStride, depthStride, b, bOff, ldb, strips, c, cOff, ldc);
    }

    /**
     * {@link #product} on {@code blocks} blocks of rows: each strip of B's panel is used for the tiles of every block
     * before the next strip, and each element still sees its FMAs in increasing k.
     */
    @Override
    void products(int blocks, int aBlockStride, int cBlockStride, int rows, int cols, int depth, float[] a, int aOff,
                  int rowStride, int depthStride, float[] b, int bOff, int ldb, float[] strips, float[] c, int cOff,
                  int ldc) {
        // A transposed A is copied to panels per pass, which costs more than a padded last strip gains
        int wide = depthStride == 1 ? stripColumns(cols) : cols - cols % (4 * L);
        // rows [0, six) in 6-row tiles, [six, tall) in 4-row tiles (two where that leaves no row over: 128 = 20 * 6
        // + 2 * 4), the rest one row at a time
        int six = !SIX_ROWS ? 0 : rows % 6 == 2 && rows >= 8 ? rows - 8 : rows - rows % 6;
        int tall = six + (rows - six) / 4 * 4;
        boolean packed = wide > 0 && tall > 0;
        int panelDepth = Math.min(depth, PANEL_DEPTH);
        float[] bPanel = !packed ? null : strips != null ? strips : panel(0, panelDepth * wide);
        // A transposed (the weight gradients' H^T) is copied to row-major panels; a row-major A is read in place
        boolean copyA = packed && depthStride != 1;
        float[] aPanel = !copyA ? null : panel(1, blocks * tall * panelDepth);
        for (int k0 = 0; k0 < depth; k0 += PANEL_DEPTH) {
            int k1 = Math.min(depth, k0 + PANEL_DEPTH);
            int kn = k1 - k0;
            if (packed) {
                int pass = 0;
                if (strips == null) {
                    packB(b, bOff + k0 * ldb, ldb, kn, cols, wide, bPanel, 0);
                } else {
                    pass = k0 * wide;
                }
                if (copyA) {
                    for (int block = 0; block < blocks; block++) {
                        packA(tall, kn, a, aOff + block * aBlockStride + k0 * depthStride, rowStride, depthStride,
                                aPanel, block * tall * kn);
                    }
                }
                float[] at = copyA ? aPanel : a;
                int ars = copyA ? kn : rowStride;
                for (int n = 0; n < wide; n += 4 * L) {
                    int width = Math.min(4 * L, cols - n);
                    for (int block = 0; block < blocks; block++) {
                        int ab = copyA ? block * tall * kn : aOff + block * aBlockStride + k0;
                        int cb = cOff + block * cBlockStride + n;
                        int m = 0;
                        for (; m < six; m += 6) {
                            tileOf(6, kn, at, ab + m * ars, ars, bPanel, pass + n * kn, c, cb + m * ldc, ldc, width);
                        }
                        for (; m < tall; m += 4) {
                            tileOf(4, kn, at, ab + m * ars, ars, bPanel, pass + n * kn, c, cb + m * ldc, ldc, width);
                        }
                    }
                }
            }
            // The strips covered every column of the tiles' rows, or all but those of a last partial strip
            int rest = packed && wide >= cols ? tall : 0;
            for (int block = 0; block < blocks; block++) {
                edges(packed ? tall : 0, rest, rows, cols, k0, k1, a, aOff + block * aBlockStride, rowStride,
                        depthStride, b, bOff, ldb, c, cOff + block * cBlockStride, ldc);
            }
        }
    }

    /**
     * The part of a pass over depths [k0, k1) that the packed tiles leave: the whole strips of the rows from
     * {@code tallRows}, then the columns after the whole strips for the rows from {@code rest}.
     */
    private static void edges(int tallRows, int rest, int rows, int cols, int k0, int k1, float[] a, int aOff,
                              int rowStride, int depthStride, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        int n = 0;
        for (; n + 4 * L <= cols; n += 4 * L) {
            for (int m = tallRows; m < rows; m++) {
                tile1x4(k0, k1, a, aOff + m * rowStride, depthStride, b, bOff + n, ldb, c, cOff + m * ldc + n);
            }
        }
        for (; n + L <= cols; n += L) {
            int m = rest;
            for (; m + 4 <= rows; m += 4) {
                tile4x1(k0, k1, a, aOff + m * rowStride, rowStride, depthStride, b, bOff + n, ldb, c, cOff + m * ldc + n, ldc);
            }
            for (; m < rows; m++) {
                tile1x1(k0, k1, a, aOff + m * rowStride, depthStride, b, bOff + n, ldb, c, cOff + m * ldc + n);
            }
        }
        if (n < cols) {
            // The last columns, fewer than a vector (the 57 symbols of the Dense layer leave 9), in whole vectors
            // whose extra lanes are never stored: one element at a time, each row would be a chain of dependent
            // FMAs running at a fraction of the FMA units' rate.
            int width = cols - n;
            float[] tail = panel(2, 4 * L);
            int m = rest;
            for (; m + 4 <= rows; m += 4) {
                tileTail(4, k0, k1, a, aOff + m * rowStride, rowStride, depthStride, b, bOff + n, ldb, c,
                        cOff + m * ldc + n, ldc, width, tail);
            }
            for (; m < rows; m++) {
                tileTail(1, k0, k1, a, aOff + m * rowStride, rowStride, depthStride, b, bOff + n, ldb, c,
                        cOff + m * ldc + n, ldc, width, tail);
            }
        }
    }

    /**
     * This thread's buffer {@code which} (0: B's panel, 1: A's, 2: the last columns'), grown to at least
     * {@code size} floats.
     */
    private static float[] panel(int which, int size) {
        float[][] panel = PANEL.get();
        if (panel[which].length < size) {
            panel[which] = new float[size];
        }
        return panel[which];
    }

    /**
     * Copies rows {@code [0, tall)} of {@code A(m, k) = a[a0 + m * rowStride + k * depthStride]}, {@code k < depth},
     * to {@code panel} from {@code at}, row-major: {@code A(m, k)} at {@code at + m * depth + k}.
     */
    private static void packA(int tall, int depth, float[] a, int a0, int rowStride, int depthStride, float[] panel,
                              int at) {
        for (int k = 0; k < depth; k++) {
            int src = a0 + k * depthStride;
            for (int m = 0; m < tall; m++) {
                panel[at + m * depth + k] = a[src + m * rowStride];
            }
        }
    }

    @Override
    int stripLength(int depth, int cols) {
        return depth * stripColumns(cols);
    }

    @Override
    void packStrips(float[] b, int depth, int cols, float[] strips) {
        int wide = stripColumns(cols);
        if (wide == 0) {
            return;
        }
        for (int k0 = 0; k0 < depth; k0 += PANEL_DEPTH) {
            packB(b, k0 * cols, cols, Math.min(depth, k0 + PANEL_DEPTH) - k0, cols, wide, strips, k0 * wide);
        }
    }

    /**
     * The columns of B that the packed strips cover: the whole strips of 4 vectors, and one more, padded with zeros,
     * when the columns after them fill at least two vectors (the Dense layer's 57 of 64), which the edge kernels
     * would otherwise run one vector per row at a time.
     */
    private static int stripColumns(int cols) {
        int whole = cols - cols % (4 * L);
        return cols - whole >= 2 * L ? whole + 4 * L : whole;
    }

    /**
     * Copies rows {@code [0, depth)}, columns {@code [0, wide)} of B ({@code cols} wide, zeros beyond) to
     * {@code panel} from {@code at}: strip {@code n / 4L} at {@code at + n * depth}.
     */
    private static void packB(float[] b, int bOff, int ldb, int depth, int cols, int wide, float[] panel, int at) {
        int whole = Math.min(wide, cols - cols % (4 * L));
        for (int k = 0; k < depth; k++) {
            int src = bOff + k * ldb;
            for (int n = 0; n < whole; n += 4 * L) {
                int dst = at + n * depth + k * 4 * L;
                FloatVector.fromArray(S, b, src + n).intoArray(panel, dst);
                FloatVector.fromArray(S, b, src + n + L).intoArray(panel, dst + L);
                FloatVector.fromArray(S, b, src + n + 2 * L).intoArray(panel, dst + 2 * L);
                FloatVector.fromArray(S, b, src + n + 3 * L).intoArray(panel, dst + 3 * L);
            }
            if (whole < wide) {
                int dst = at + whole * depth + k * 4 * L;
                System.arraycopy(b, src + whole, panel, dst, cols - whole);
                Arrays.fill(panel, dst + cols - whole, dst + 4 * L, 0f);
            }
        }
    }

    /**
     * {@link #tile6} ({@code count} 6) or {@link #tile} (4) on the tile of C at {@code c0}, of which only the first
     * {@code width} columns exist: a tile of the padded last strip goes through a buffer, and only those columns
     * come back.
     */
    private static void tileOf(int count, int depth, float[] a, int a0, int rowStride, float[] b, int b0, float[] c,
                               int c0, int ldc, int width) {
        boolean partial = width < 4 * L;
        float[] target = partial ? panel(3, 6 * 4 * L) : c;
        int t0 = partial ? 0 : c0;
        int ldt = partial ? 4 * L : ldc;
        for (int i = 0; partial && i < count; i++) {
            System.arraycopy(c, c0 + i * ldc, target, i * 4 * L, width);
        }
        if (count == 6) {
            tile6(depth, a, a0, rowStride, b, b0, target, t0, ldt);
        } else {
            tile(depth, a, a0, rowStride, b, b0, target, t0, ldt);
        }
        for (int i = 0; partial && i < count; i++) {
            System.arraycopy(target, i * 4 * L, c, c0 + i * ldc, width);
        }
    }

    /**
     * The 4 x 4-vector tile of C at {@code c0} plus the product of 4 rows of A ({@code A(i, k) = a[a0 + i * rowStride
     * + k]}) and a packed strip of B at {@code b0}. Every load's index is the loop's k times a constant plus an
     * invariant, which lets C2 check the bounds once before the loop instead of at every load (with a run-time
     * step along the depth, each of A's loads kept its check, issued beside the FMAs).
     */
    private static void tile(int depth, float[] a, int a0, int rowStride, float[] b, int b0, float[] c, int c0,
                             int ldc) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector r00 = FloatVector.fromArray(S, c, c0);
        FloatVector r01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector r02 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector r03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector r10 = FloatVector.fromArray(S, c, c1);
        FloatVector r11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector r12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector r13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector r20 = FloatVector.fromArray(S, c, c2);
        FloatVector r21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector r22 = FloatVector.fromArray(S, c, c2 + 2 * L);
        FloatVector r23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector r30 = FloatVector.fromArray(S, c, c3);
        FloatVector r31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector r32 = FloatVector.fromArray(S, c, c3 + 2 * L);
        FloatVector r33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        for (int k = 0; k < depth; k++) {
            int ai = a0 + k;
            int bi = b0 + k * 4 * L;
            FloatVector v0 = FloatVector.fromArray(S, b, bi);
            FloatVector v1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector v2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, b, bi + 3 * L);
            float x0 = a[ai];
            float x1 = a[ai + rowStride];
            float x2 = a[ai + 2 * rowStride];
            float x3 = a[ai + 3 * rowStride];
            FloatVector x = FloatVector.broadcast(S, x0);
            r00 = x.fma(v0, r00);
            r01 = x.fma(v1, r01);
            r02 = x.fma(v2, r02);
            r03 = x.fma(v3, r03);
            x = FloatVector.broadcast(S, x1);
            r10 = x.fma(v0, r10);
            r11 = x.fma(v1, r11);
            r12 = x.fma(v2, r12);
            r13 = x.fma(v3, r13);
            x = FloatVector.broadcast(S, x2);
            r20 = x.fma(v0, r20);
            r21 = x.fma(v1, r21);
            r22 = x.fma(v2, r22);
            r23 = x.fma(v3, r23);
            x = FloatVector.broadcast(S, x3);
            r30 = x.fma(v0, r30);
            r31 = x.fma(v1, r31);
            r32 = x.fma(v2, r32);
            r33 = x.fma(v3, r33);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
        r02.intoArray(c, c0 + 2 * L);
        r03.intoArray(c, c0 + 3 * L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r12.intoArray(c, c1 + 2 * L);
        r13.intoArray(c, c1 + 3 * L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r22.intoArray(c, c2 + 2 * L);
        r23.intoArray(c, c2 + 3 * L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
        r32.intoArray(c, c3 + 2 * L);
        r33.intoArray(c, c3 + 3 * L);
    }

    /** As {@link #tile}, for 6 rows of A and C. */
    private static void tile6(int depth, float[] a, int a0, int rowStride, float[] b, int b0, float[] c, int c0,
                              int ldc) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector r00 = FloatVector.fromArray(S, c, c0);
        FloatVector r01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector r02 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector r03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector r10 = FloatVector.fromArray(S, c, c1);
        FloatVector r11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector r12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector r13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector r20 = FloatVector.fromArray(S, c, c2);
        FloatVector r21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector r22 = FloatVector.fromArray(S, c, c2 + 2 * L);
        FloatVector r23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector r30 = FloatVector.fromArray(S, c, c3);
        FloatVector r31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector r32 = FloatVector.fromArray(S, c, c3 + 2 * L);
        FloatVector r33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        FloatVector r40 = FloatVector.fromArray(S, c, c4);
        FloatVector r41 = FloatVector.fromArray(S, c, c4 + L);
        FloatVector r42 = FloatVector.fromArray(S, c, c4 + 2 * L);
        FloatVector r43 = FloatVector.fromArray(S, c, c4 + 3 * L);
        FloatVector r50 = FloatVector.fromArray(S, c, c5);
        FloatVector r51 = FloatVector.fromArray(S, c, c5 + L);
        FloatVector r52 = FloatVector.fromArray(S, c, c5 + 2 * L);
        FloatVector r53 = FloatVector.fromArray(S, c, c5 + 3 * L);
        for (int k = 0; k < depth; k++) {
            int ai = a0 + k;
            int bi = b0 + k * 4 * L;
            FloatVector v0 = FloatVector.fromArray(S, b, bi);
            FloatVector v1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector v2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            r00 = x.fma(v0, r00);
            r01 = x.fma(v1, r01);
            r02 = x.fma(v2, r02);
            r03 = x.fma(v3, r03);
            x = FloatVector.broadcast(S, a[ai + rowStride]);
            r10 = x.fma(v0, r10);
            r11 = x.fma(v1, r11);
            r12 = x.fma(v2, r12);
            r13 = x.fma(v3, r13);
            x = FloatVector.broadcast(S, a[ai + 2 * rowStride]);
            r20 = x.fma(v0, r20);
            r21 = x.fma(v1, r21);
            r22 = x.fma(v2, r22);
            r23 = x.fma(v3, r23);
            x = FloatVector.broadcast(S, a[ai + 3 * rowStride]);
            r30 = x.fma(v0, r30);
            r31 = x.fma(v1, r31);
            r32 = x.fma(v2, r32);
            r33 = x.fma(v3, r33);
            x = FloatVector.broadcast(S, a[ai + 4 * rowStride]);
            r40 = x.fma(v0, r40);
            r41 = x.fma(v1, r41);
            r42 = x.fma(v2, r42);
            r43 = x.fma(v3, r43);
            x = FloatVector.broadcast(S, a[ai + 5 * rowStride]);
            r50 = x.fma(v0, r50);
            r51 = x.fma(v1, r51);
            r52 = x.fma(v2, r52);
            r53 = x.fma(v3, r53);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
        r02.intoArray(c, c0 + 2 * L);
        r03.intoArray(c, c0 + 3 * L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r12.intoArray(c, c1 + 2 * L);
        r13.intoArray(c, c1 + 3 * L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r22.intoArray(c, c2 + 2 * L);
        r23.intoArray(c, c2 + 3 * L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
        r32.intoArray(c, c3 + 2 * L);
        r33.intoArray(c, c3 + 3 * L);
        r40.intoArray(c, c4);
        r41.intoArray(c, c4 + L);
        r42.intoArray(c, c4 + 2 * L);
        r43.intoArray(c, c4 + 3 * L);
        r50.intoArray(c, c5);
        r51.intoArray(c, c5 + L);
        r52.intoArray(c, c5 + 2 * L);
        r53.intoArray(c, c5 + 3 * L);
    }

    private static void tile1x4(int k0, int k1, float[] a, int a0, int ds, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector r0 = FloatVector.fromArray(S, c, c0);
        FloatVector r1 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector r2 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector r3 = FloatVector.fromArray(S, c, c0 + 3 * L);
        int ai = a0 + k0 * ds;
        int bi = b0 + k0 * ldb;
        for (int k = k0; k < k1; k++, ai += ds, bi += ldb) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            r0 = x.fma(FloatVector.fromArray(S, b, bi), r0);
            r1 = x.fma(FloatVector.fromArray(S, b, bi + L), r1);
            r2 = x.fma(FloatVector.fromArray(S, b, bi + 2 * L), r2);
            r3 = x.fma(FloatVector.fromArray(S, b, bi + 3 * L), r3);
        }
        r0.intoArray(c, c0);
        r1.intoArray(c, c0 + L);
        r2.intoArray(c, c0 + 2 * L);
        r3.intoArray(c, c0 + 3 * L);
    }

    private static void tile4x1(int k0, int k1, float[] a, int a0, int rs, int ds, float[] b, int b0, int ldb,
                                float[] c, int c0, int ldc) {
        FloatVector r0 = FloatVector.fromArray(S, c, c0);
        FloatVector r1 = FloatVector.fromArray(S, c, c0 + ldc);
        FloatVector r2 = FloatVector.fromArray(S, c, c0 + 2 * ldc);
        FloatVector r3 = FloatVector.fromArray(S, c, c0 + 3 * ldc);
        int ai = a0 + k0 * ds;
        int bi = b0 + k0 * ldb;
        for (int k = k0; k < k1; k++, ai += ds, bi += ldb) {
            FloatVector v = FloatVector.fromArray(S, b, bi);
            r0 = FloatVector.broadcast(S, a[ai]).fma(v, r0);
            r1 = FloatVector.broadcast(S, a[ai + rs]).fma(v, r1);
            r2 = FloatVector.broadcast(S, a[ai + 2 * rs]).fma(v, r2);
            r3 = FloatVector.broadcast(S, a[ai + 3 * rs]).fma(v, r3);
        }
        r0.intoArray(c, c0);
        r1.intoArray(c, c0 + ldc);
        r2.intoArray(c, c0 + 2 * ldc);
        r3.intoArray(c, c0 + 3 * ldc);
    }

    private static void tile1x1(int k0, int k1, float[] a, int a0, int ds, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector r = FloatVector.fromArray(S, c, c0);
        int ai = a0 + k0 * ds;
        int bi = b0 + k0 * ldb;
        for (int k = k0; k < k1; k++, ai += ds, bi += ldb) {
            r = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, bi), r);
        }
        r.intoArray(c, c0);
    }

    /**
     * {@code count} (4 or 1) rows of C's last {@code width} columns (fewer than a vector) plus the product of those
     * rows of A and B's last columns, as {@link #tile4x1} with one vector per row. C's rows go through
     * {@code tail} (4 vectors) on the way in and out, and so do the rows of B whose vector would run past B's end;
     * the other rows of B are loaded in place, their extra lanes reading on into the next row. No lane beyond
     * {@code width} is stored. (Masked loads and stores would say the same, but JDK 17 compiles them to
     * blends and lane-by-lane stores.) Whole columns keep {@link #tile4x1} and {@link #tile1x1}, which read and
     * write C in place: the copies through the buffer would weigh on the small products of every generation step.
     */
    private static void tileTail(int count, int k0, int k1, float[] a, int a0, int rs, int ds, float[] b, int b0,
                                 int ldb, float[] c, int c0, int ldc, int width, float[] tail) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(c, c0 + i * ldc, tail, i * L, width);
        }
        FloatVector r0 = FloatVector.fromArray(S, tail, 0);
        FloatVector r1 = FloatVector.fromArray(S, tail, L);
        FloatVector r2 = FloatVector.fromArray(S, tail, 2 * L);
        FloatVector r3 = FloatVector.fromArray(S, tail, 3 * L);
        int whole = wholeRows(k0, k1, b.length, b0, ldb);
        int ai = a0 + k0 * ds;
        int bi = b0 + k0 * ldb;
        int r = count == 4 ? rs : 0; // one row: the other three accumulate copies of it, never stored
        for (int k = k0; k < whole; k++, ai += ds, bi += ldb) {
            FloatVector v = FloatVector.fromArray(S, b, bi);
            r0 = FloatVector.broadcast(S, a[ai]).fma(v, r0);
            r1 = FloatVector.broadcast(S, a[ai + r]).fma(v, r1);
            r2 = FloatVector.broadcast(S, a[ai + 2 * r]).fma(v, r2);
            r3 = FloatVector.broadcast(S, a[ai + 3 * r]).fma(v, r3);
        }
        for (int k = Math.max(k0, whole); k < k1; k++, ai += ds, bi += ldb) {
            System.arraycopy(b, bi, tail, 0, width);
            FloatVector v = FloatVector.fromArray(S, tail, 0);
            r0 = FloatVector.broadcast(S, a[ai]).fma(v, r0);
            r1 = FloatVector.broadcast(S, a[ai + r]).fma(v, r1);
            r2 = FloatVector.broadcast(S, a[ai + 2 * r]).fma(v, r2);
            r3 = FloatVector.broadcast(S, a[ai + 3 * r]).fma(v, r3);
        }
        r0.intoArray(tail, 0);
        r1.intoArray(tail, L);
        r2.intoArray(tail, 2 * L);
        r3.intoArray(tail, 3 * L);
        for (int i = 0; i < count; i++) {
            System.arraycopy(tail, i * L, c, c0 + i * ldc, width);
        }
    }

    /** The end of the rows {@code k >= k0} of B (each at {@code b0 + k * ldb}) from which a whole vector lies in B. */
    private static int wholeRows(int k0, int k1, int length, int b0, int ldb) {
        int room = length - L - b0;
        return room < 0 ? k0 : Math.max(k0, Math.min(k1, room / ldb + 1));
    }

    /**
     * {@link DropoutMasks#fill}'s row, {@code DRAWS.length()} elements at a time: lane {@code i} holds the SplitMix64
     * state of element {@code j + i} and runs {@link SplitMix#finish} operation for operation; a draw at or above
     * the threshold (both under 2^24, so {@code threshold - 1 - draw} is negative exactly then) gives the bits of the
     * keep scale, any other the bits of 0. A last partial vector goes through a buffer.
     */
    @Override
    public void dropoutMask(DropoutMasks masks, long batchSeed, int layer, int step, int window, float[] out,
                            int offset, int width) {
        if (!VECTOR_MASKS) {
            super.dropoutMask(masks, batchSeed, layer, step, window, out, offset, width);
            return;
        }
        int lanes = DRAWS.length();
        LongVector state = LongVector.fromArray(DRAWS, FIRST_DRAWS, 0)
                .add(DropoutMasks.rowState(batchSeed, layer, step, window));
        LongVector advance = LongVector.broadcast(DRAWS, lanes * SplitMix.GAMMA);
        LongVector lastDropped = LongVector.broadcast(DRAWS, masks.threshold() - 1);
        long keep = Float.floatToRawIntBits(masks.keep());
        for (int j = 0; j < width; j += lanes) {
            LongVector z = state.lanewise(VectorOperators.XOR, state.lanewise(VectorOperators.LSHR, 30)).mul(SplitMix.MIX1);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(SplitMix.MIX2);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            LongVector kept = lastDropped.sub(z.lanewise(VectorOperators.LSHR, 40)).lanewise(VectorOperators.ASHR, 63);
            FloatVector scale = ((IntVector) kept.and(keep).convertShape(VectorOperators.L2I, MASK_BITS, 0))
                    .reinterpretAsFloats();
            if (j + lanes <= width) {
                scale.intoArray(out, offset + j);
            } else {
                float[] tail = panel(2, lanes);
                scale.intoArray(tail, 0);
                System.arraycopy(tail, 0, out, offset + j, width - j);
            }
            state = state.add(advance);
        }
    }

    @Override
    public void add(float[] src, int srcOff, float[] dst, int dstOff, int length) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += L) {
            FloatVector.fromArray(S, dst, dstOff + i).add(FloatVector.fromArray(S, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
        for (; i < length; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }

    @Override
    public void multiply(float[] scale, int scaleOff, float[] dst, int dstOff, int length) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += L) {
            FloatVector.fromArray(S, dst, dstOff + i).mul(FloatVector.fromArray(S, scale, scaleOff + i)).intoArray(dst, dstOff + i);
        }
        for (; i < length; i++) {
            dst[dstOff + i] *= scale[scaleOff + i];
        }
    }

    /** {@link ScalarKernels#tanh} lane-wise, with the same operations in the same order. */
    private static FloatVector tanh(FloatVector x) {
        // Clamping (Java's NaN-safe min and max) changes nothing where |x| <= the clamp, which nearly every gate
        // and cell value is, so only vectors with a lane beyond it pay for it.
        FloatVector v = x.lanewise(VectorOperators.ABS).compare(VectorOperators.GT, CLAMP).anyTrue()
                ? x.min(CLAMP).max(NEG_CLAMP) : x;
        FloatVector x2 = v.mul(v);
        FloatVector p = x2.fma(V_A13, V_A11);
        p = p.fma(x2, V_A9);
        p = p.fma(x2, V_A7);
        p = p.fma(x2, V_A5);
        p = p.fma(x2, V_A3);
        p = p.fma(x2, V_A1);
        p = v.mul(p);
        FloatVector q = x2.fma(V_B6, V_B4);
        q = q.fma(x2, V_B2);
        q = q.fma(x2, V_B0);
        return p.div(q);
    }

    /** {@link ScalarKernels#expNonPositive} lane by lane, operation for operation. */
    private static FloatVector expNonPositive(FloatVector x) {
        FloatVector v = x.max(V_EXP_LOWEST);
        FloatVector t = v.fma(V_LOG2E, V_ROUNDER);
        FloatVector n = t.sub(V_ROUNDER);
        FloatVector r = n.fma(V_NEG_LN2_HI, v);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = V_P0.fma(r, V_P1);
        p = p.fma(r, V_P2);
        p = p.fma(r, V_P3);
        p = p.fma(r, V_P4);
        p = p.fma(r, V_P5);
        FloatVector y = p.fma(r.mul(r), r).add(ONE);
        return y.mul(t.reinterpretAsInts().sub(EXPONENT_OFFSET).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    @Override
    public double softmax(float[] x, int off, int n) {
        int bound = S.loopBound(n);
        FloatVector maxes = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < bound; j += L) {
            maxes = maxes.max(FloatVector.fromArray(S, x, off + j));
        }
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (int j = bound; j < n; j++) {
            max = Math.max(max, x[off + j]);
        }
        FloatVector shift = FloatVector.broadcast(S, max);
        for (int j = 0; j < bound; j += L) {
            expNonPositive(FloatVector.fromArray(S, x, off + j).sub(shift)).intoArray(x, off + j);
        }
        for (int j = bound; j < n; j++) {
            x[off + j] = expNonPositive(x[off + j] - max);
        }
        double sum = sum(x, off, n);
        float inverse = (float) (1 / sum);
        for (int j = 0; j < bound; j += L) {
            FloatVector.fromArray(S, x, off + j).mul(inverse).intoArray(x, off + j);
        }
        for (int j = bound; j < n; j++) {
            x[off + j] *= inverse;
        }
        return max + Math.log(sum);
    }

    private static FloatVector gateSlope(FloatVector y, boolean hardSigmoid) {
        if (hardSigmoid) {
            VectorMask<Float> inside = y.compare(VectorOperators.GT, 0f).and(y.compare(VectorOperators.LT, 1f));
            return ZERO.blend(SLOPE, inside);
        }
        return y.mul(ONE.sub(y));
    }

    // The cell step is split into small loops with one nonlinearity each: one large method with five
    // inlined tanh calls exceeds the JIT's inlining budget, and a vector operation that is not inlined
    // falls back to a per-lane loop.
    @Override
    public void lstmForward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h, int hOff,
                            int hidden, boolean hardSigmoid) {
        if (hardSigmoid) {
            hardSigmoidInPlace(z, zOff, 2 * hidden);
            hardSigmoidInPlace(z, zOff + 3 * hidden, hidden);
        } else {
            sigmoidInPlace(z, zOff, 2 * hidden);
            sigmoidInPlace(z, zOff + 3 * hidden, hidden);
        }
        tanhInPlace(z, zOff + 2 * hidden, hidden);
        // The cell update in two loops, each with at most one tanh: with tanh in the same loop as the state
        // update, C2 hit its inlining node limit and called tanh out of line, boxing every vector.
        cellState(z, zOff, cPrev, cPrevOff, c, cOff, hidden);
        cellOutput(z, zOff + 3 * hidden, c, cOff, h, hOff, hidden);
        cell(S.loopBound(hidden), hidden, z, zOff, cPrev, cPrevOff, c, cOff, h, hOff, hidden);
    }

    /** {@code c = f * cPrev + i * g} over whole vectors. */
    private static void cellState(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, int hidden) {
        int f = zOff + hidden;
        int g = zOff + 2 * hidden;
        int j = 0;
        for (int bound = S.loopBound(hidden); j < bound; j += L) {
            FloatVector ig = FloatVector.fromArray(S, z, zOff + j).mul(FloatVector.fromArray(S, z, g + j));
            FloatVector cv = cPrev == null ? ig
                    : FloatVector.fromArray(S, z, f + j).fma(FloatVector.fromArray(S, cPrev, cPrevOff + j), ig);
            cv.intoArray(c, cOff + j);
        }
    }

    /** {@code h = o * tanh(c)} over whole vectors. */
    private static void cellOutput(float[] z, int o, float[] c, int cOff, float[] h, int hOff, int hidden) {
        int j = 0;
        for (int bound = S.loopBound(hidden); j < bound; j += L) {
            FloatVector.fromArray(S, z, o + j).mul(tanh(FloatVector.fromArray(S, c, cOff + j))).intoArray(h, hOff + j);
        }
    }

    private static void sigmoidInPlace(float[] x, int off, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            tanh(FloatVector.fromArray(S, x, off + j).mul(HALF)).fma(HALF, HALF).intoArray(x, off + j);
        }
        gates(x, off, j, n, false);
    }

    private static void hardSigmoidInPlace(float[] x, int off, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            FloatVector.fromArray(S, x, off + j).fma(SLOPE, HALF).min(ONE).max(ZERO).intoArray(x, off + j);
        }
        gates(x, off, j, n, true);
    }

    private static void tanhInPlace(float[] x, int off, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            tanh(FloatVector.fromArray(S, x, off + j)).intoArray(x, off + j);
        }
        tanh(x, off, j, n);
    }

    @Override
    public void lstmBackward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] dh, int dhOff,
                             float[] dc, int dcOff, float[] dz, int dzOff, int hidden, boolean hardSigmoid) {
        int f = zOff + hidden;
        int g = zOff + 2 * hidden;
        int o = zOff + 3 * hidden;
        int j = 0;
        for (int bound = S.loopBound(hidden); j < bound; j += L) {
            FloatVector iv = FloatVector.fromArray(S, z, zOff + j);
            FloatVector fv = FloatVector.fromArray(S, z, f + j);
            FloatVector gv = FloatVector.fromArray(S, z, g + j);
            FloatVector ov = FloatVector.fromArray(S, z, o + j);
            FloatVector t = tanh(FloatVector.fromArray(S, c, cOff + j));
            FloatVector dhj = FloatVector.fromArray(S, dh, dhOff + j);
            FloatVector dcj = FloatVector.fromArray(S, dc, dcOff + j).add(dhj.mul(ov).mul(ONE.sub(t.mul(t))));
            FloatVector cp = cPrev == null ? FloatVector.zero(S) : FloatVector.fromArray(S, cPrev, cPrevOff + j);
            dhj.mul(t).mul(gateSlope(ov, hardSigmoid)).intoArray(dz, dzOff + 3 * hidden + j);
            dcj.mul(gv).mul(gateSlope(iv, hardSigmoid)).intoArray(dz, dzOff + j);
            dcj.mul(cp).mul(gateSlope(fv, hardSigmoid)).intoArray(dz, dzOff + hidden + j);
            dcj.mul(iv).mul(ONE.sub(gv.mul(gv))).intoArray(dz, dzOff + 2 * hidden + j);
            dcj.mul(fv).intoArray(dc, dcOff + j);
        }
        backwardRange(j, hidden, z, zOff, cPrev, cPrevOff, c, cOff, dh, dhOff, dc, dcOff, dz, dzOff, hidden, hardSigmoid);
    }
}
