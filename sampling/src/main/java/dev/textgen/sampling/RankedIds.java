package dev.textgen.sampling;

/**
 * Ids in order of decreasing weight, the lower id first on a tie, taken one at a time from a binary
 * heap: ranking costs O(n) and each id taken O(log n), so the head of a large vocabulary is cheap.
 * The heap is scratch reused by every draw.
 */
final class RankedIds {
    private int[] heap = new int[0];
    private int size;
    private double[] weights;

    /** Starts a ranking of the ids {@code [0, count)} of {@code weights}. */
    void rank(double[] weights, int count) {
        if (heap.length < count) {
            heap = new int[count];
        }
        this.weights = weights;
        this.size = count;
        for (int id = 0; id < count; id++) {
            heap[id] = id;
        }
        for (int i = count / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    boolean hasNext() {
        return size > 0;
    }

    /** The most likely id not yet taken. */
    int next() {
        int top = heap[0];
        heap[0] = heap[--size];
        siftDown(0);
        return top;
    }

    /** Whether {@code a} comes before {@code b}: more weight, or equal weight and a lower id. */
    static boolean ranksBefore(double[] weights, int a, int b) {
        return weights[a] > weights[b] || (weights[a] == weights[b] && a < b);
    }

    /** Zeroes the weight of every id that ranks after {@code last}. */
    static void keepThrough(double[] weights, int size, int last) {
        for (int id = 0; id < size; id++) {
            if (id != last && !ranksBefore(weights, id, last)) {
                weights[id] = 0;
            }
        }
    }

    private void siftDown(int i) {
        int id = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && ranksBefore(weights, heap[child + 1], heap[child])) {
                child++;
            }
            if (!ranksBefore(weights, heap[child], id)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = id;
    }
}
