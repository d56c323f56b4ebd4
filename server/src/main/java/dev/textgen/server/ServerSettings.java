package dev.textgen.server;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The limits and address of a {@link TextgenServer}; every value is checked when the server is built.
 *
 * @param host             the address to bind (loopback by default)
 * @param port             the port; 0 picks a free one
 * @param maxBatch         the most rows one batched step runs: a stateful choice takes 1, a window-context choice the
 *                         model's maxlen
 * @param engines          batches per model, each stepped by its own thread (each of {@code maxBatch} rows and
 *                         {@code maxQueue} places); a request's choices all go to the least busy one
 * @param maxQueue         the most choices waiting for a place in a batch; more is a 429
 * @param maxTokens        the largest {@code max_tokens} a request may ask for
 * @param maxChoices       the largest number of choices ({@code n} times the prompts) in one request
 * @param timeout          every request's deadline, from its arrival to its last character
 * @param maxBodyBytes     the largest request body; more is a 413
 * @param maxBufferedChars the most characters a streamed response may hold unsent for a slow reader before the
 *                         request is cancelled
 * @param drainTimeout     how long {@link TextgenServer#drain()} lets running requests finish before cancelling them
 * @param apiKey           the bearer key every request under {@code /v1} must send, or null for none
 */
public record ServerSettings(String host, int port, int maxBatch, int engines, int maxQueue, int maxTokens,
                             int maxChoices, Duration timeout, int maxBodyBytes, int maxBufferedChars, Duration drainTimeout,
                             String apiKey) {
    private static final Duration MAX_DURATION = Duration.ofDays(1);
    private static final int MAX_ENGINES = 256;

    /**
     * Checks every setting, naming it and the allowed range in an {@link IllegalArgumentException}.
     *
     * @param host             not blank
     * @param port             0 to 65,535
     * @param maxBatch         1 to 65,536
     * @param engines          1 to 256
     * @param maxQueue         0 to 1,000,000
     * @param maxTokens        1 to 10,000,000
     * @param maxChoices       1 to 65,536
     * @param timeout          more than 0, at most a day
     * @param maxBodyBytes     at least 1,024
     * @param maxBufferedChars at least 1
     * @param drainTimeout     0 to a day
     * @param apiKey           null, or not blank
     */
    public ServerSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: give an address to bind, such as 127.0.0.1, got " + host);
        }
        requireRange("port", port, 0, 65_535);
        requireRange("maxBatch", maxBatch, 1, 65_536);
        requireRange("engines", engines, 1, MAX_ENGINES);
        requireRange("maxQueue", maxQueue, 0, 1_000_000);
        requireRange("maxTokens", maxTokens, 1, 10_000_000);
        requireRange("maxChoices", maxChoices, 1, 65_536);
        requireRange("maxBodyBytes", maxBodyBytes, 1_024, Integer.MAX_VALUE);
        requireRange("maxBufferedChars", maxBufferedChars, 1, Integer.MAX_VALUE);
        requireDuration("timeout", timeout, false);
        requireDuration("drainTimeout", drainTimeout, true);
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank; leave it null to accept every request");
        }
    }

    /**
     * Loopback port 8080, one engine per available processor per model (an idle engine only waits), each a batch of 64
     * rows with 256 queued choices, {@code max_tokens} up to 4,096, 16 choices per request, a 60 s deadline, 1 MiB
     * bodies, 65,536 unsent characters per slow reader, 10 s to drain, no key.
     *
     * @return the defaults
     */
    public static ServerSettings defaults() {
        int engines = Math.min(Runtime.getRuntime().availableProcessors(), MAX_ENGINES);
        return new ServerSettings("127.0.0.1", 8080, 64, engines, 256, 4_096, 16, Duration.ofSeconds(60), 1 << 20, 65_536,
                Duration.ofSeconds(10), null);
    }

    /**
     * These settings with another {@code host}.
     *
     * @param host the address to bind
     * @return a copy with {@code host} replaced
     */
    public ServerSettings withHost(String host) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code port}.
     *
     * @param port the port, 0 for any free one
     * @return a copy with {@code port} replaced
     */
    public ServerSettings withPort(int port) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code maxBatch}.
     *
     * @param maxBatch the most rows one engine steps together
     * @return a copy with {@code maxBatch} replaced
     */
    public ServerSettings withMaxBatch(int maxBatch) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code engines}.
     *
     * @param engines batches per model, each on its own thread
     * @return a copy with {@code engines} replaced
     */
    public ServerSettings withEngines(int engines) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code maxQueue}.
     *
     * @param maxQueue the most choices waiting for a row
     * @return a copy with {@code maxQueue} replaced
     */
    public ServerSettings withMaxQueue(int maxQueue) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code maxTokens}.
     *
     * @param maxTokens the largest {@code max_tokens} a request may ask for
     * @return a copy with {@code maxTokens} replaced
     */
    public ServerSettings withMaxTokens(int maxTokens) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code maxChoices}.
     *
     * @param maxChoices the most choices one request may ask for
     * @return a copy with {@code maxChoices} replaced
     */
    public ServerSettings withMaxChoices(int maxChoices) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code timeout}.
     *
     * @param timeout the deadline of every request
     * @return a copy with {@code timeout} replaced
     */
    public ServerSettings withTimeout(Duration timeout) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code maxBodyBytes}.
     *
     * @param maxBodyBytes the largest request body accepted
     * @return a copy with {@code maxBodyBytes} replaced
     */
    public ServerSettings withMaxBodyBytes(int maxBodyBytes) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code maxBufferedChars}.
     *
     * @param maxBufferedChars the most unsent characters a slow reader may have
     * @return a copy with {@code maxBufferedChars} replaced
     */
    public ServerSettings withMaxBufferedChars(int maxBufferedChars) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code drainTimeout}.
     *
     * @param drainTimeout how long draining lets requests finish
     * @return a copy with {@code drainTimeout} replaced
     */
    public ServerSettings withDrainTimeout(Duration drainTimeout) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /**
     * These settings with another {@code apiKey}.
     *
     * @param apiKey the bearer key, or null for none
     * @return a copy with {@code apiKey} replaced
     */
    public ServerSettings withApiKey(String apiKey) {
        return new ServerSettings(host, port, maxBatch, engines, maxQueue, maxTokens, maxChoices, timeout, maxBodyBytes,
                maxBufferedChars, drainTimeout, apiKey);
    }

    /** At most a day: a deadline is {@link System#nanoTime()} plus the duration in nanoseconds, which must not overflow. */
    private static void requireDuration(String name, Duration value, boolean zeroAllowed) {
        if (value == null || value.isNegative() || (value.isZero() && !zeroAllowed) || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? "from 0 to " : "more than 0 and at most ")
                    + MAX_DURATION.toSeconds() + " seconds, got " + (value == null ? "none" : seconds(value)));
        }
    }

    private static String seconds(Duration value) {
        return new BigDecimal(value.getSeconds()).add(BigDecimal.valueOf(value.getNano(), 9)).stripTrailingZeros()
                .toPlainString();
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", got " + value);
        }
    }
}
