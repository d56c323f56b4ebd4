package dev.textgen.server;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The server's metrics, written in the Prometheus text format by {@link #write}. One instance per server (no static
 * state); every update is lock-free, so the engine thread records without waiting for a scrape.
 */
final class Metrics {
    private static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] ROWS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final Map<Job.Outcome, LongAdder> outcomes = new EnumMap<>(Job.Outcome.class);
    private final LongAdder rejected = new LongAdder();
    private final LongAdder generated = new LongAdder();
    private final Histogram firstChunk = new Histogram("textgen_time_to_first_chunk_seconds",
            "Time from a request's arrival to the first text of a choice written to the client.", SECONDS);
    private final Histogram betweenChunks = new Histogram("textgen_time_between_chunks_seconds",
            "Time between two writes of a streamed response.", SECONDS);
    private final Histogram endToEnd = new Histogram("textgen_request_duration_seconds",
            "Time from a request's arrival to its last byte written.", SECONDS);
    private final Histogram queue = new Histogram("textgen_queue_time_seconds",
            "Time a choice waited for a place in the batch.", SECONDS);
    private final Histogram batch = new Histogram("textgen_batch_rows",
            "Rows advanced by one batched step (a stateful choice takes 1, a window-context choice maxlen).", ROWS);

    Metrics() {
        for (Job.Outcome outcome : Job.Outcome.values()) {
            outcomes.put(outcome, new LongAdder());
        }
    }

    void ended(Job.Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    void rejected() {
        rejected.increment();
    }

    void generated(int characters) {
        generated.add(characters);
    }

    void queued(long nanos) {
        queue.observe(nanos / 1e9);
    }

    void batchRows(int rows) {
        batch.observe(rows);
    }

    void firstChunk(long nanos) {
        firstChunk.observe(nanos / 1e9);
    }

    void betweenChunks(long nanos) {
        betweenChunks.observe(nanos / 1e9);
    }

    void finished(long nanos) {
        endToEnd.observe(nanos / 1e9);
    }

    /** The Prometheus text exposition of every metric; the gauges are read now. */
    String write(IntSupplier running, IntSupplier waiting) {
        StringBuilder out = new StringBuilder();
        gauge(out, "textgen_requests_running", "Choices being generated in a batch (a request of n choices counts n).",
                running.getAsInt());
        gauge(out, "textgen_requests_waiting", "Choices queued for a place in a batch.", waiting.getAsInt());
        out.append("# HELP textgen_requests_total Choices by how they ended; rejected counts refused requests.\n")
                .append("# TYPE textgen_requests_total counter\n");
        for (Map.Entry<Job.Outcome, LongAdder> e : outcomes.entrySet()) {
            out.append("textgen_requests_total{outcome=\"").append(e.getKey().name().toLowerCase(Locale.ROOT))
                    .append("\"} ").append(e.getValue().sum()).append('\n');
        }
        out.append("textgen_requests_total{outcome=\"rejected\"} ").append(rejected.sum()).append('\n');
        out.append("# HELP textgen_generated_characters_total Characters drawn by the models.\n")
                .append("# TYPE textgen_generated_characters_total counter\n")
                .append("textgen_generated_characters_total ").append(generated.sum()).append('\n');
        for (Histogram h : new Histogram[] {firstChunk, betweenChunks, endToEnd, queue, batch}) {
            h.write(out);
        }
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    /** A histogram with fixed upper bounds; counts are kept per bucket and summed when written. */
    private static final class Histogram {
        private final String name;
        private final String help;
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(String name, String help, double[] bounds) {
            this.name = name;
            this.help = help;
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double value) {
            int i = 0;
            while (i < bounds.length && value > bounds[i]) {
                i++;
            }
            counts[i].increment();
            sum.add(value);
        }

        void write(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                    .append("# TYPE ").append(name).append(" histogram\n");
            long cumulative = 0;
            for (int i = 0; i < counts.length; i++) {
                cumulative += counts[i].sum();
                String le = i < bounds.length ? format(bounds[i]) : "+Inf";
                out.append(name).append("_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
            }
            out.append(name).append("_sum ").append(format(sum.sum())).append('\n');
            out.append(name).append("_count ").append(cumulative).append('\n');
        }

        private static String format(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
