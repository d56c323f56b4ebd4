package dev.textgen.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Views of one step's gate blocks (rows of a {@code [4H, B]} matrix: input, forget, candidate, output). */
final class Step {
    final INDArray z;
    final INDArray a;
    final INDArray dz;
    final INDArray zInputForget;
    final INDArray zCandidate;
    final INDArray zOutput;
    final INDArray aInputForget;
    final INDArray aInput;
    final INDArray aForget;
    final INDArray aCandidate;
    final INDArray aOutput;
    final INDArray daInputForget;
    final INDArray daInput;
    final INDArray daForget;
    final INDArray daCandidate;
    final INDArray daOutput;
    final INDArray dzInputForget;
    final INDArray dzCandidate;
    final INDArray dzOutput;

    Step(INDArray z, INDArray a, INDArray dz, INDArray da, int hidden) {
        this.z = z;
        this.a = a;
        this.dz = dz;
        zInputForget = rows(z, hidden, 0, 2);
        zCandidate = rows(z, hidden, 2, 3);
        zOutput = rows(z, hidden, 3, 4);
        aInputForget = rows(a, hidden, 0, 2);
        aInput = rows(a, hidden, 0, 1);
        aForget = rows(a, hidden, 1, 2);
        aCandidate = rows(a, hidden, 2, 3);
        aOutput = rows(a, hidden, 3, 4);
        daInputForget = rows(da, hidden, 0, 2);
        daInput = rows(da, hidden, 0, 1);
        daForget = rows(da, hidden, 1, 2);
        daCandidate = rows(da, hidden, 2, 3);
        daOutput = rows(da, hidden, 3, 4);
        dzInputForget = rows(dz, hidden, 0, 2);
        dzCandidate = rows(dz, hidden, 2, 3);
        dzOutput = rows(dz, hidden, 3, 4);
    }

    private static INDArray rows(INDArray gates, int hidden, int fromBlock, int toBlock) {
        return gates.get(NDArrayIndex.interval((long) fromBlock * hidden, (long) toBlock * hidden), NDArrayIndex.all());
    }
}
