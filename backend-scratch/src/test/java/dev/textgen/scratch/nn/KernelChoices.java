package dev.textgen.scratch.nn;

import dev.textgen.scratch.simd.Kernels;
import dev.textgen.scratch.simd.VectorizationProvider;

import java.util.ArrayList;
import java.util.List;

/** The kernel implementations available in this test JVM: always scalar, plus the Vector API ones when enabled. */
public final class KernelChoices {
    private KernelChoices() {
    }

    public static List<Kernels> all() {
        List<Kernels> all = new ArrayList<>();
        all.add(VectorizationProvider.scalar());
        VectorizationProvider.vector(null).ifPresent(all::add);
        return all;
    }
}
