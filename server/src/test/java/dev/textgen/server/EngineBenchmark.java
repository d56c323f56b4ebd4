package dev.textgen.server;

import dev.textgen.api.TextGenerator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Aggregate characters per second of the batching engines alone (no HTTP): S streams of temperature-0.5 stateful
 * generation run to the end together, dealt round-robin over E engines (each its own thread and batch), for each S;
 * the median of 3 runs. Prints one JSON line.
 *
 * <p>usage: {@code EngineBenchmark MODEL.safetensors|CONFIG.json [CHARS_PER_STREAM] [ENGINES] [STREAMS...]}, by
 * default 4,000 characters per stream, 1 engine and 1 8 32 64 streams (see docs/server.md for the command).
 */
public final class EngineBenchmark {
    private EngineBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        TextGenerator generator = BenchModels.fromArguments(args,
                "EngineBenchmark MODEL.safetensors|CONFIG.json [CHARS_PER_STREAM] [ENGINES] [STREAMS...]");
        int chars = BenchModels.intArgument(args, 1, 4_000);
        int engineCount = BenchModels.intArgument(args, 2, 1);
        int[] streams = args.length > 3 ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 8, 32, 64};
        int most = Arrays.stream(streams).max().orElseThrow();
        Map<Integer, Long> perSecond = new LinkedHashMap<>();
        List<BatchEngine> engines = new ArrayList<>();
        try {
            for (int e = 0; e < engineCount; e++) {
                engines.add(new BatchEngine("bench-" + e, generator.model(), most, most, new Metrics()));
            }
            run(engines, generator, most, chars / 4);
            for (int s : streams) {
                double[] seconds = {run(engines, generator, s, chars), run(engines, generator, s, chars),
                        run(engines, generator, s, chars)};
                Arrays.sort(seconds);
                perSecond.put(s, Math.round((double) s * chars / seconds[1]));
            }
        } finally {
            engines.forEach(BatchEngine::close);
        }
        StringBuilder json = new StringBuilder("{\"benchmark\": \"engine\", \"model\": \"" + args[0].replace("\\", "/")
                + "\", \"hidden\": " + generator.model().config().model().hiddenSize() + ", \"backend\": \""
                + generator.model().backend() + "\", \"engines\": " + engineCount + ", \"context\": \"stateful\", \"temperature\": 0.5, \"chars_per_stream\": "
                + chars + ", \"chars_per_s\": {");
        perSecond.forEach((s, rate) -> json.append('"').append(s).append("\": ").append(rate).append(", "));
        json.setLength(json.length() - 2);
        json.append("}");
        if (perSecond.containsKey(1)) {
            long last = perSecond.get(streams[streams.length - 1]);
            json.append(", \"last_over_1_stream\": ").append(Math.round(100.0 * last / perSecond.get(1)) / 100.0);
        }
        System.out.println(json.append("}"));
    }

    /** Seconds for {@code streams} streams of {@code chars} characters each, all submitted at once. */
    private static double run(List<BatchEngine> engines, TextGenerator generator, int streams, int chars)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(streams);
        Job.Listener listener = new Job.Listener() {
            @Override
            public void onChunk(Job job, String chunk) {
            }

            @Override
            public void onEnd(Job job, Job.Outcome outcome, RuntimeException failure) {
                if (outcome != Job.Outcome.LENGTH) {
                    throw new IllegalStateException("a stream ended " + outcome, failure);
                }
                done.countDown();
            }
        };
        long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        List<List<Job>> jobs = new ArrayList<>();
        engines.forEach(engine -> jobs.add(new ArrayList<>()));
        for (int s = 0; s < streams; s++) {
            TextGenerator stream = generator.withConfig(BenchModels.settings(chars, s));
            BatchEngine engine = engines.get(s % engines.size());
            jobs.get(s % engines.size()).add(engine.newJob(stream, BenchModels.prompt(generator), chars, s, listener,
                    deadline));
        }
        long start = System.nanoTime();
        for (int e = 0; e < engines.size(); e++) {
            engines.get(e).submit(jobs.get(e));
        }
        done.await();
        return (System.nanoTime() - start) / 1e9;
    }
}
