package dev.textgen.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a {@link Benchmark} measured, and the setup it measured on. {@link #toJson()} writes it as the one JSON line
 * {@code ./textgen bench} ends with, its keys the component names ({@code flopsPerBatch} as {@code gflopPerBatch}).
 *
 * @param backend                the backend's name, e.g. {@code scratch}
 * @param kernels                the backend's compute kernels in this JVM, e.g. {@code scalar} or {@code vector-512bit}
 * @param threads                worker threads ({@code training.threads}, 0 resolved to the processors)
 * @param java                   the Java version that ran it
 * @param data                   {@code corpus} (the config's corpus) or {@code synthetic} (random text)
 * @param source                 the corpus' name, or {@code synthetic random text}
 * @param vocabulary             the number of symbols
 * @param layers                 stacked LSTM layers
 * @param hiddenSize             units per layer
 * @param dropout                the dropout rate during training
 * @param recurrentDropout       the recurrent dropout rate during training
 * @param batchSize              windows per batch
 * @param maxlen                 symbols per window
 * @param loss                   the training objective, {@code last-step} or {@code all-steps}
 * @param warmupBatches          untimed batches before the timed ones
 * @param batches                timed batches
 * @param msPerBatchMedian       the median milliseconds per timed batch
 * @param msPerBatchMin          the fastest timed batch
 * @param msPerBatchMax          the slowest timed batch
 * @param windowsPerSecond       training windows per second at the median
 * @param flopsPerBatch          the arithmetic of a batch, see {@link Benchmark#flopsPerBatch}
 * @param gflopsPerSecond        {@code flopsPerBatch} over the median time, in GFLOP/s
 * @param generatedChars         characters per timed generation
 * @param windowCharsPerSecond   one stream in window context, the median chars per second
 * @param statefulCharsPerSecond one stream in stateful context, the median chars per second
 * @param batchedStreams         streams generated together as batched rows; 0 when not measured
 * @param batchedCharsPerSecond  their median chars per second summed over the streams, or null when not measured
 */
public record BenchmarkResult(String backend, String kernels, int threads, String java, String data, String source,
                              int vocabulary, int layers, int hiddenSize, double dropout,
                              double recurrentDropout, int batchSize, int maxlen,
                              String loss, int warmupBatches, int batches, double msPerBatchMedian, double msPerBatchMin,
                              double msPerBatchMax, double windowsPerSecond, double flopsPerBatch, double gflopsPerSecond,
                              int generatedChars, double windowCharsPerSecond, double statefulCharsPerSecond,
                              int batchedStreams, Double batchedCharsPerSecond) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One line of JSON with every field, numbers rounded to 3 decimals.
     *
     * @return a JSON object without line breaks
     */
    public String toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("backend", backend);
        json.put("kernels", kernels);
        json.put("threads", threads);
        json.put("java", java);
        json.put("data", data);
        json.put("source", source);
        json.put("vocabulary", vocabulary);
        json.put("layers", layers);
        json.put("hiddenSize", hiddenSize);
        json.put("dropout", dropout);
        json.put("recurrentDropout", recurrentDropout);
        json.put("batchSize", batchSize);
        json.put("maxlen", maxlen);
        json.put("loss", loss);
        json.put("warmupBatches", warmupBatches);
        json.put("batches", batches);
        json.put("msPerBatchMedian", round(msPerBatchMedian));
        json.put("msPerBatchMin", round(msPerBatchMin));
        json.put("msPerBatchMax", round(msPerBatchMax));
        json.put("windowsPerSecond", round(windowsPerSecond));
        json.put("gflopPerBatch", round(flopsPerBatch / 1e9));
        json.put("gflopsPerSecond", round(gflopsPerSecond));
        json.put("generatedChars", generatedChars);
        json.put("windowCharsPerSecond", round(windowCharsPerSecond));
        json.put("statefulCharsPerSecond", round(statefulCharsPerSecond));
        json.put("batchedStreams", batchedStreams);
        json.put("batchedCharsPerSecond", batchedCharsPerSecond == null ? null : round(batchedCharsPerSecond));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
