package dev.textgen.scratch.nn;

import dev.textgen.api.spi.RecurrentRows;
import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.PackedMatrix;

import java.util.Arrays;
import java.util.Objects;

/**
 * Runs a network one symbol at a time for one caller, on a batch of {@code rows} independent states: the
 * LSTM state of every layer and row, advanced together by {@link #step}, and the softmax of a row's top
 * layer output ({@link Kernels#softmax}). One row serves a window prediction or a stateful
 * {@link dev.textgen.api.spi.RecurrentSession}; maxlen
 * rows serve a window {@link dev.textgen.api.spi.RecurrentSession}; a server's scheduler steps its streams' rows on
 * their own ids. While every row is at the zero state (after {@link #reset()}) a step skips the recurrent
 * product, whose terms would all be zero. Not thread-safe; the network is only read.
 */
public final class Stepper implements RecurrentRows {
    /** The Dense kernel's columns are padded to a multiple of this, the widest vector (512 bits) in floats. */
    private static final int DENSE_COLUMNS = 16;

    private final PackedNetwork packed;
    private final PackedMatrix dense;
    private final Network network;
    private final Kernels kernels;
    private final boolean hardSigmoid;
    private final int rows;
    /** Per layer, {@code rows x hiddenSize} row-major. */
    private final float[][] h;
    private final float[][] c;
    private final float[] z;
    /** The ids of a step on one symbol, every row the same. */
    private final int[] sameIds;
    /** The top layer's h of the rows whose distributions are read together, then their logits. */
    private final float[] gathered;
    private final float[] logits;
    private boolean fresh = true;

    /**
     * @param dense the Dense kernel packed by {@link #packDense}, once per model: the products of
     *              {@link #probabilities(int[], int, float[][])}
     */
    public Stepper(PackedNetwork packed, PackedMatrix dense, Kernels kernels, boolean hardSigmoid, int rows) {
        this.packed = packed;
        this.dense = dense;
        this.network = packed.network();
        this.kernels = kernels;
        this.hardSigmoid = hardSigmoid;
        this.rows = rows;
        int layers = network.layers();
        h = new float[layers][];
        c = new float[layers][];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            h[l] = new float[rows * network.hiddenSize(l)];
            c[l] = new float[rows * network.hiddenSize(l)];
            widest = Math.max(widest, network.hiddenSize(l));
        }
        z = new float[rows * 4 * widest];
        sameIds = new int[rows];
        gathered = new float[rows * network.topSize()];
        logits = new float[rows * paddedColumns(network.vocabularySize())];
    }

    /**
     * The network's Dense kernel packed for the kernels' products, its columns padded with zeros to a multiple of
     * {@value #DENSE_COLUMNS}: the kernels compute whole vectors of columns far faster than the columns left over
     * (57 symbols leave 9 of a 16-float vector to a scalar loop), and give every column the same bits either way.
     */
    public static PackedMatrix packDense(Network network, Kernels kernels) {
        int v = network.vocabularySize();
        int padded = paddedColumns(v);
        int top = network.topSize();
        float[] kernel = new float[top * padded];
        for (int k = 0; k < top; k++) {
            System.arraycopy(network.denseKernel(), k * v, kernel, k * padded, v);
        }
        return kernels.pack(kernel, 0, padded, top, padded, null);
    }

    private static int paddedColumns(int vocabularySize) {
        return (vocabularySize + DENSE_COLUMNS - 1) / DENSE_COLUMNS * DENSE_COLUMNS;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void reset() {
        for (int l = 0; l < h.length; l++) {
            Arrays.fill(h[l], 0f);
            Arrays.fill(c[l], 0f);
        }
        fresh = true;
    }

    @Override
    public void reset(int row) {
        for (int l = 0; l < h.length; l++) {
            int hidden = network.hiddenSize(l);
            Arrays.fill(h[l], row * hidden, (row + 1) * hidden, 0f);
            Arrays.fill(c[l], row * hidden, (row + 1) * hidden, 0f);
        }
    }

    @Override
    public void step(int id) {
        Arrays.fill(sameIds, id);
        step(sameIds, rows);
    }

    @Override
    public void step(int[] ids, int count) {
        Objects.checkFromIndexSize(0, count, rows);
        for (int l = 0; l < h.length; l++) {
            int hidden = network.hiddenSize(l);
            int gates = 4 * hidden;
            for (int r = 0; r < count; r++) {
                if (l == 0) {
                    System.arraycopy(packed.biasedInput(), ids[r] * gates, z, r * gates, gates);
                } else {
                    System.arraycopy(network.bias(l), 0, z, r * gates, gates);
                }
            }
            if (l > 0) {
                int in = network.inputSize(l);
                kernels.gemm(count, h[l - 1], 0, in, packed.kernel(l), z, 0, gates);
            }
            if (!fresh) {
                kernels.gemm(count, h[l], 0, hidden, packed.recurrent(l), z, 0, gates);
            }
            for (int r = 0; r < count; r++) {
                // The cell's previous state is read before h and c are overwritten, so they can be updated in place.
                kernels.lstmForward(z, r * gates, fresh ? null : c[l], r * hidden, c[l], r * hidden, h[l], r * hidden,
                        hidden, hardSigmoid);
            }
        }
        fresh = false;
    }

    @Override
    public void move(int from, int to, int count) {
        for (int l = 0; l < h.length; l++) {
            int hidden = network.hiddenSize(l);
            System.arraycopy(h[l], from * hidden, h[l], to * hidden, count * hidden);
            System.arraycopy(c[l], from * hidden, c[l], to * hidden, count * hidden);
        }
    }

    /** The softmax over the vocabulary of {@code row} after the last step, written into {@code out}. */
    @Override
    public float[] probabilities(int row, float[] out) {
        int v = network.vocabularySize();
        int top = network.topSize();
        System.arraycopy(network.denseBias(), 0, out, 0, v);
        kernels.gemm(1, v, top, h[h.length - 1], row * top, top, network.denseKernel(), 0, v, out, 0, v);
        kernels.softmax(out, 0, v);
        return out;
    }

    /** One product for all the rows read: the same bits per row as {@link #probabilities(int, float[])}. */
    @Override
    public void probabilities(int[] rows, int count, float[][] out) {
        int v = network.vocabularySize();
        int padded = paddedColumns(v);
        int top = network.topSize();
        float[] h = this.h[this.h.length - 1];
        for (int i = 0; i < count; i++) {
            System.arraycopy(h, rows[i] * top, gathered, i * top, top);
            System.arraycopy(network.denseBias(), 0, logits, i * padded, v);
        }
        kernels.gemm(count, gathered, 0, top, dense, logits, 0, padded);
        for (int i = 0; i < count; i++) {
            kernels.softmax(logits, i * padded, v);
            System.arraycopy(logits, i * padded, out[i], 0, v);
        }
    }
}
