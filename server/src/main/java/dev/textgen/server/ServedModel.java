package dev.textgen.server;

import dev.textgen.api.TextGenerator;

import java.util.Comparator;
import java.util.List;

/** A model the server answers for under {@code name}: its generator (the library's) and its batch engines. */
record ServedModel(String name, TextGenerator generator, List<BatchEngine> engines, long created) {

    /** The engine with the fewest choices running and waiting, for a new request. */
    BatchEngine leastBusy() {
        return engines.stream().min(Comparator.comparingInt(e -> e.running() + e.waiting())).orElseThrow();
    }
}
