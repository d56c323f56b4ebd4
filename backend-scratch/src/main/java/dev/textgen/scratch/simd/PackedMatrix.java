package dev.textgen.scratch.simd;

/**
 * A right-hand operand B ({@code depth x cols}) laid out once by {@link Kernels#pack} for many products, as
 * the recurrent kernel is at every step of a batch: a row-major copy, plus whatever layout the kernels'
 * register tiles read (for the Vector API kernels, the strips they would otherwise copy on every call).
 * Read-only after packing, so one instance may serve products on several threads at once.
 */
public final class PackedMatrix {
    final int depth;
    final int cols;
    final float[] matrix;
    final float[] strips;

    PackedMatrix(int depth, int cols, float[] matrix, float[] strips) {
        this.depth = depth;
        this.cols = cols;
        this.matrix = matrix;
        this.strips = strips;
    }

    public int depth() {
        return depth;
    }

    public int cols() {
        return cols;
    }

    /** Whether this instance can hold a {@code depth x cols} matrix packed by the same kernels. */
    boolean fits(int depth, int cols, int stripLength) {
        return this.depth == depth && this.cols == cols && strips.length == stripLength;
    }
}
