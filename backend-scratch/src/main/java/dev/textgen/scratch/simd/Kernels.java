package dev.textgen.scratch.simd;

import dev.textgen.api.spi.DropoutMasks;

/**
 * The numeric kernels the LSTM spends its time in. All matrices are row-major float arrays addressed by
 * an offset and a leading dimension (the row stride), so that a kernel can work on a slice of a larger
 * buffer without copying. Every accumulating kernel adds to its output ({@code C +=}); callers clear it
 * first when they want a plain product.
 *
 * <p>Implementations must give each output element the same sequence of operations whatever rows or
 * columns a call covers, so that splitting work over threads never changes a result.
 */
public interface Kernels {

    /** Which implementation runs, for logs and benchmark output. */
    String name();

    /** {@code C[m][n] += sum_k A[m][k] * B[k][n]} for {@code m < rows, n < cols, k < depth}. */
    void gemm(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc);

    /**
     * {@code C[m][n] += sum_k A[k][m] * B[k][n]}: the product of A transposed with B, as weight gradients
     * need it ({@code A} is {@code depth x rows}).
     */
    void gemmTransA(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc);

    /**
     * Lays out {@code B = b[bOff + k * ldb + n]} ({@code depth x cols}) for {@link #gemm(int, float[], int, int,
     * PackedMatrix, float[], int, int)}, reusing {@code reuse} when it has the same shape (pass null the first
     * time). Products with a packed B give the same bits as {@link #gemm} on B itself.
     */
    PackedMatrix pack(float[] b, int bOff, int ldb, int depth, int cols, PackedMatrix reuse);

    /** {@code C[m][n] += sum_k A[m][k] * B[k][n]}, as {@link #gemm}, with B packed by {@link #pack}. */
    void gemm(int rows, float[] a, int aOff, int lda, PackedMatrix b, float[] c, int cOff, int ldc);

    /**
     * Replaces {@code x[off, off + n)} with its softmax in float precision, the distribution generation draws from and
     * training's cross-entropy differentiates: {@code exp(x - max)} by {@link ScalarKernels#expNonPositive}, the
     * normaliser summed in double in a fixed order, then every term multiplied by its float inverse.
     *
     * @return the log of the normaliser of the logits, {@code max + log(sum of exp(x - max))}, from which the
     *         cross-entropy of a target follows as this minus the target's logit
     */
    double softmax(float[] x, int off, int n);

    /**
     * {@link #gemm(int, float[], int, int, PackedMatrix, float[], int, int)} on {@code blocks} blocks of {@code rows}
     * rows, block {@code i}'s A at {@code aOff + i * aBlockStride} and its C at {@code cOff + i * cBlockStride}, with
     * the same bits as one such call per block: one product of all the blocks with B, whose panels then stay in cache
     * across the blocks (the input projection of every step of a window range at once, in the time-major layout
     * where a range's rows of successive steps are one batch apart).
     */
    void gemmBlocks(int blocks, int rows, float[] a, int aOff, int aBlockStride, int lda, PackedMatrix b, float[] c,
                    int cOff, int cBlockStride, int ldc);

    /**
     * Writes the dropout mask row that {@link DropoutMasks#fill} writes, with the same values: the scale of element
     * {@code j} of layer {@code layer}'s output at {@code step} for {@code window} to {@code out[offset + j]}.
     */
    void dropoutMask(DropoutMasks masks, long batchSeed, int layer, int step, int window, float[] out, int offset,
                     int width);

    /** {@code dst[dstOff + i] += src[srcOff + i]} for {@code i < length}. */
    void add(float[] src, int srcOff, float[] dst, int dstOff, int length);

    /** {@code dst[dstOff + i] *= scale[scaleOff + i]} for {@code i < length}. */
    void multiply(float[] scale, int scaleOff, float[] dst, int dstOff, int length);

    /**
     * One LSTM cell step for one row. {@code z[zOff, zOff + 4H)} holds the gate pre-activations in the
     * order i, f, c, o and is overwritten with the activations; then {@code c = f * cPrev + i * g} and
     * {@code h = o * tanh(c)}. A null {@code cPrev} is the zero state.
     */
    void lstmForward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h, int hOff,
                     int hidden, boolean hardSigmoid);

    /**
     * Backpropagates one LSTM cell step for one row. {@code z} holds the step's gate activations and {@code c}
     * its cell state, whose {@code tanh} is recomputed (training keeps no copy of it: one array less to write
     * and read back per step); the gradients of the gate pre-activations are written to {@code dz}, which may
     * be {@code z} itself. {@code dh} is the gradient of the step's output; {@code dc} carries the cell-state
     * gradient from the next step in and to the previous step out. A null {@code cPrev} is the zero state.
     */
    void lstmBackward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] dh, int dhOff,
                      float[] dc, int dcOff, float[] dz, int dzOff, int hidden, boolean hardSigmoid);
}
