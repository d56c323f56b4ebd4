package dev.textgen.sampling;

import dev.textgen.api.Sampler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Draws per second of every built-in sampler over the nietzsche distribution (57 symbols) and a Zipf
 * distribution over 5,000 symbols. How to run it: sampling/README.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SamplerBenchmark {

    @Param({"temperature", "greedy", "top-k", "top-p", "min-p", "penalty"})
    public String sampler;

    @Param({"57", "5000"})
    public int symbols;

    private Sampler instance;
    private float[] probabilities;
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void setUp() {
        probabilities = symbols == 57 ? Distributions.nietzsche() : Distributions.zipf(symbols);
        random = new SplittableRandom(42);
        instance = switch (sampler) {
            case "temperature" -> Draws.sampler("temperature", "temperature", 0.5);
            case "greedy" -> Draws.sampler("greedy");
            case "top-k" -> Draws.sampler("top-k", "k", 40, "temperature", 0.5);
            case "top-p" -> Draws.sampler("top-p", "p", 0.9, "temperature", 0.5);
            case "min-p" -> Draws.sampler("min-p", "minP", 0.05, "temperature", 0.5);
            case "penalty" -> Draws.sampler("temperature", "temperature", 0.5, "repetitionPenalty", 1.3);
            default -> throw new IllegalArgumentException("unknown sampler " + sampler);
        };
    }

    @Benchmark
    public int draw() {
        int id = instance.sample(probabilities, random);
        instance.observe(id);
        return id;
    }
}
