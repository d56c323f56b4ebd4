package dev.textgen.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.Vocabulary;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static dev.textgen.server.HttpJson.JSON;

/**
 * One completion or chat request in flight: it collects the characters of its jobs as the engine draws them and
 * writes the response, whole or as server-sent events.
 *
 * <p>The engine thread only appends (under the lock) and hands the writing to the server's scheduler. A streamed
 * response has at most one write in flight; whatever arrives meanwhile is coalesced into the next event, so a slow
 * reader costs the engine nothing, and past {@code maxBufferedChars} unsent characters its request is cancelled. The
 * characters that could begin a stop sequence are held back until they cannot, so a stop sequence never reaches the
 * client. A failed write (the client went away) cancels the jobs, which leave the batch at the next step; a whole
 * response, which writes nothing before it is complete, has its idle connection watched by a {@link HangUpWatch}.
 *
 * <p>One class because the response's states (headers sent, streaming, held-back text, finished, gone) are guarded
 * by one lock and change together; the JSON of each event is built by {@code HttpJson}.
 */
final class Exchange implements Job.Listener {
    /** Why the client will not read the rest. */
    private enum Gone { CLIENT_CLOSED, SLOW_READER }

    private record Token(String text, double logprob, List<String> topTexts, double[] topLogprobs) {
    }

    /** One choice's text: drawn but unsent characters first, then how it ended. */
    private static final class Choice {
        final int index;
        final List<Token> pending = new ArrayList<>();
        final List<Token> sent = new ArrayList<>();
        float[] probabilities;
        int sentChars;
        Job.Outcome outcome;
        boolean roleSent;
        boolean finishSent;

        Choice(int index) {
            this.index = index;
        }

        String finishReason() {
            return outcome == Job.Outcome.STOP ? "stop" : outcome == Job.Outcome.LENGTH ? "length" : null;
        }
    }

    /** The lowest log probability reported, as OpenAI's API reports a probability of 0. */
    private static final double LOGPROB_FLOOR = -9999;
    private static final double[] NO_LOGPROBS = {};
    /**
     * How long a stream with no write in flight collects characters before it writes them: an event then carries
     * tens of characters instead of one or two, which is most of the cost of an event on both sides, at the price of
     * this much latency per event (well under the time between chunks a reader notices).
     */
    private static final long COALESCE_MILLIS = 10;

    private final Response response;
    private final Callback callback;
    private final GenerationRequest params;
    private final Vocabulary vocabulary;
    private final Metrics metrics;
    private final Scheduler scheduler;
    private final int maxBufferedChars;
    private final long arrived;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;
    private final int promptTokens;
    private final int longestStop;
    private final Choice[] choices;
    private final ReentrantLock lock = new ReentrantLock();
    private List<Job> jobs = List.of();
    private int ended;
    private int unsent;
    private boolean writing;
    private boolean completed;
    private Gone gone;
    private Job.Outcome failure;
    private RuntimeException error;
    private long lastTextWrite;
    private boolean scheduledOnce;
    private HangUpWatch hangUpWatch;

    Exchange(Response response, Callback callback, GenerationRequest params, Vocabulary vocabulary, Metrics metrics,
             Scheduler scheduler, int maxBufferedChars, long arrived) {
        this.scheduler = scheduler;
        this.response = response;
        this.callback = callback;
        this.params = params;
        this.vocabulary = vocabulary;
        this.metrics = metrics;
        this.maxBufferedChars = maxBufferedChars;
        this.arrived = arrived;
        this.id = (params.chat() ? "chatcmpl-" : "cmpl-") + Long.toHexString(System.nanoTime())
                + Integer.toHexString(System.identityHashCode(this));
        this.promptTokens = params.prompts().stream().mapToInt(p -> p.codePointCount(0, p.length())).sum();
        this.longestStop = params.stop().stream().mapToInt(String::length).max().orElse(0);
        this.choices = new Choice[params.prompts().size() * params.n()];
        for (int i = 0; i < choices.length; i++) {
            choices[i] = new Choice(i);
        }
    }

    /** The jobs of the choices, in index order, before they are submitted. */
    void jobs(List<Job> jobs) {
        this.jobs = List.copyOf(jobs);
    }

    /**
     * Sets the headers of a streamed response, before its jobs are submitted; nothing is written (so a refusal can
     * still answer with its own status) until {@link #startStream()}.
     */
    void prepareStream() {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        lock.lock();
        try {
            writing = true;
        } finally {
            lock.unlock();
        }
    }

    /** Commits the headers, so that clients see the stream start before its first character, then flushes. */
    void startStream() {
        response.write(false, ByteBuffer.allocate(0), Callback.from(this::flush, this::writeFailed));
    }

    /**
     * Watches the connection of a whole response for a client that hangs up (see {@link HangUpWatch}) until the
     * response is written; nothing when it is complete already.
     */
    void watchForHangUp(HangUpWatch watch) {
        lock.lock();
        try {
            if (!completed) {
                hangUpWatch = watch;
                watch.start();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The connection failed before the response was complete: the jobs are cancelled. */
    void clientGone(Throwable cause) {
        lock.lock();
        try {
            if (gone == null && !completed) {
                gone = Gone.CLIENT_CLOSED;
                jobs.forEach(Job::cancel);
            }
        } finally {
            lock.unlock();
        }
        finishIfEnded();
    }

    @Override
    public void onChunk(Job job, String chunk) {
        Choice choice = choices[job.index()];
        Token token = token(job, choice, chunk);
        lock.lock();
        try {
            choice.pending.add(token);
            if (!params.stream()) {
                return;
            }
            unsent += chunk.length();
            if (unsent > maxBufferedChars && gone == null) {
                gone = Gone.SLOW_READER;
                jobs.forEach(Job::cancel);
                return;
            }
            schedule();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onEnd(Job job, Job.Outcome outcome, RuntimeException failure) {
        Choice choice = choices[job.index()];
        boolean abandoned;
        lock.lock();
        try {
            abandoned = gone != null;
            choice.outcome = outcome;
            ended++;
            if (outcome == Job.Outcome.STOP) {
                dropStop(choice, job.member().stopSequence().orElseThrow());
            } else if (outcome != Job.Outcome.LENGTH && this.failure == null) {
                this.failure = outcome;
                this.error = failure;
                jobs.forEach(Job::cancel);
            }
            if (params.stream() && !abandoned) {
                schedule();
                return;
            }
        } finally {
            lock.unlock();
        }
        finishIfEnded(); // a whole response, or a stream its client no longer reads (a write may hang until then)
    }

    /**
     * Must hold the lock. The flush runs on the scheduler's thread itself: it only builds events and starts a
     * non-blocking write, and streams whose characters arrive in the same step are flushed in one wake-up of it. The
     * first flush runs at once, so that the first character is not delayed by the coalescing.
     */
    private void schedule() {
        if (!writing && !completed) {
            writing = true;
            scheduler.schedule(this::flush, scheduledOnce ? COALESCE_MILLIS : 0, TimeUnit.MILLISECONDS);
            scheduledOnce = true;
        }
    }

    /** A choice's releasable text and whether its end goes out with it, taken from it under the lock. */
    private record Release(Choice choice, List<Token> tokens, String finish) {
    }

    /**
     * Writes what is releasable. Only one flush runs at a time (the {@code writing} flag) and only it touches what
     * was sent, so it takes the releasable text under the lock and builds the events unlocked: the engine thread
     * never waits for JSON.
     */
    private void flush() {
        List<Release> releases = new ArrayList<>(choices.length);
        boolean last = false;
        boolean clientGone;
        lock.lock();
        try {
            if (completed) {
                return;
            }
            clientGone = gone != null;
            if (clientGone) {
                writing = false;
            } else {
                boolean any = false;
                for (Choice choice : choices) {
                    Release release = take(choice);
                    releases.add(release);
                    any |= !release.tokens().isEmpty() || release.finish() != null || (params.chat() && !choice.roleSent);
                }
                last = ended == choices.length;
                if (last) {
                    completed = true;
                } else if (!any) {
                    writing = false;
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
        if (clientGone) {
            finishIfEnded();
            return;
        }
        StringBuilder events = new StringBuilder();
        boolean hasText = false;
        for (Release release : releases) {
            hasText |= appendEvents(release, events);
        }
        if (last) {
            if (failure != null) {
                events.append("data: ").append(HttpJson.write(HttpJson.envelope(failureError()))).append("\n\n");
            } else {
                if (params.includeUsage()) {
                    ObjectNode chunk = chunk();
                    chunk.putArray("choices");
                    chunk.set("usage", usage());
                    events.append("data: ").append(HttpJson.write(chunk)).append("\n\n");
                }
                events.append("data: [DONE]\n\n");
            }
        }
        write(events, last, hasText);
    }

    /** Must hold the lock: takes {@code choice}'s releasable tokens, and its end once nothing of it is held back. */
    private Release take(Choice choice) {
        int release = releasable(choice);
        List<Token> tokens = List.copyOf(choice.pending.subList(0, release));
        choice.pending.subList(0, release).clear();
        for (Token token : tokens) {
            unsent -= token.text().length();
        }
        String finish = choice.finishReason();
        return new Release(choice, tokens, finish != null && choice.pending.isEmpty() && !choice.finishSent ? finish : null);
    }

    /** Starts writing {@code events}; Jetty may complete the write, and so call the next flush, on this thread. */
    private void write(StringBuilder events, boolean last, boolean hasText) {
        if (hasText) {
            long now = System.nanoTime();
            if (lastTextWrite == 0) {
                metrics.firstChunk(now - arrived);
            } else {
                metrics.betweenChunks(now - lastTextWrite);
            }
            lastTextWrite = now;
        }
        ByteBuffer bytes = ByteBuffer.wrap(events.toString().getBytes(StandardCharsets.UTF_8));
        if (last) {
            response.write(true, bytes, Callback.from(() -> {
                metrics.finished(System.nanoTime() - arrived);
                callback.succeeded();
            }, callback::failed));
        } else {
            response.write(false, bytes, Callback.from(this::flush, this::writeFailed));
        }
    }

    /** Appends the events of a choice's released text and of its end; returns whether they hold text. */
    private boolean appendEvents(Release release, StringBuilder events) {
        Choice choice = release.choice();
        if (params.chat() && !choice.roleSent) {
            appendEvent(events, choice, JSON.createObjectNode().put("role", "assistant").put("content", ""), List.of(), null);
            choice.roleSent = true;
        }
        List<Token> tokens = release.tokens();
        if (!tokens.isEmpty()) {
            StringBuilder text = new StringBuilder();
            tokens.forEach(t -> text.append(t.text()));
            ObjectNode delta = params.chat() ? JSON.createObjectNode().put("content", text.toString()) : null;
            appendEvent(events, choice, delta, tokens, text.toString());
            choice.sent.addAll(tokens);
            choice.sentChars += text.length();
        }
        if (release.finish() != null) {
            ObjectNode event = chunkChoice(choice, params.chat() ? JSON.createObjectNode() : null, List.of(), release.finish());
            events.append("data: ").append(HttpJson.write(event)).append("\n\n");
            choice.finishSent = true;
        }
        return !tokens.isEmpty();
    }

    private void appendEvent(StringBuilder events, Choice choice, ObjectNode delta, List<Token> tokens, String text) {
        ObjectNode event = chunkChoice(choice, delta, tokens, null);
        if (!params.chat()) {
            ((ObjectNode) event.withArray("choices").get(0)).put("text", text);
        }
        events.append("data: ").append(HttpJson.write(event)).append("\n\n");
    }

    /**
     * How many pending tokens may be sent: all once the choice ended, else all but the longest tail that begins a
     * stop sequence (a whole one too: the job ends at this step, and its end drops it).
     */
    private int releasable(Choice choice) {
        int count = choice.pending.size();
        if (choice.outcome != null || longestStop == 0) {
            return count;
        }
        StringBuilder tail = new StringBuilder();
        int held = 0;
        for (int i = count - 1; i >= 0 && tail.length() < longestStop; i--) {
            tail.insert(0, choice.pending.get(i).text());
            for (String stop : params.stop()) {
                if (stop.startsWith(tail.toString())) {
                    held = count - i;
                    break;
                }
            }
        }
        return count - held;
    }

    /** Removes the stop sequence that ended {@code choice} from the end of its unsent text, where it is held. */
    private void dropStop(Choice choice, String stop) {
        int chars = 0;
        while (chars < stop.length() && !choice.pending.isEmpty()) {
            Token last = choice.pending.remove(choice.pending.size() - 1);
            chars += last.text().length();
            if (params.stream()) {
                unsent -= last.text().length();
            }
        }
    }

    private void writeFailed(Throwable cause) {
        clientGone(cause);
    }

    /**
     * Completes the request once every job has left the batch: a whole response, an error, or (when the client is
     * gone) a failed callback. A stream's own last event is written by {@link #flush()}.
     */
    private void finishIfEnded() {
        Gone why;
        HangUpWatch watch;
        lock.lock();
        try {
            if (completed || ended < choices.length || (params.stream() && gone == null)) {
                return;
            }
            completed = true;
            why = gone;
            watch = hangUpWatch;
        } finally {
            lock.unlock();
        }
        if (watch != null) {
            watch.stop();
        }
        if (why != null) {
            // Jetty logs a failure of an uncommitted response as a warning with its stack trace, unless it is quiet:
            // a client that hung up is routine (the metrics count it), not a server fault.
            callback.failed(why == Gone.SLOW_READER ? new IOException("the client read more slowly than the text was"
                    + " generated; the request was cancelled") : new EofException("the client closed the connection"));
            return;
        }
        if (failure != null) {
            HttpJson.sendError(response, callback, failureError());
            return;
        }
        for (Choice choice : choices) {
            choice.sent.addAll(choice.pending);
        }
        HttpJson.sendJson(response, Callback.from(() -> {
            metrics.finished(System.nanoTime() - arrived);
            callback.succeeded();
        }, callback::failed), 200, whole());
    }

    private ApiException failureError() {
        return switch (failure) {
            case TIMEOUT -> new ApiException(504, "timeout", null, "timeout", "the request did not finish within its"
                    + " deadline; ask for fewer max_tokens or choices, or retry when the server is less busy");
            case CANCELLED -> new ApiException(503, "server_error", null, "shutting_down",
                    "the server is shutting down; the request was cancelled, retry on another replica");
            default -> new ApiException(500, "server_error", null, "generation_failed", "the generation failed: "
                    + (error == null ? "unknown error" : error.getMessage()));
        };
    }

    private ObjectNode chunk() {
        return header(params.chat() ? "chat.completion.chunk" : "text_completion");
    }

    /** The fields every response object starts with. */
    private ObjectNode header(String object) {
        ObjectNode header = JSON.createObjectNode();
        header.put("id", id);
        header.put("object", object);
        header.put("created", created);
        header.put("model", params.model());
        return header;
    }

    private ObjectNode chunkChoice(Choice choice, ObjectNode delta, List<Token> tokens, String finish) {
        ObjectNode chunk = chunk();
        ObjectNode entry = chunk.putArray("choices").addObject();
        if (params.chat()) {
            entry.put("index", choice.index);
            entry.set("delta", delta);
        } else {
            entry.put("text", "");
            entry.put("index", choice.index);
        }
        entry.set("logprobs", logprobs(tokens, choice.sentChars));
        entry.put("finish_reason", finish);
        if (params.includeUsage()) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private ObjectNode whole() {
        ObjectNode body = header(params.chat() ? "chat.completion" : "text_completion");
        ArrayNode list = body.putArray("choices");
        for (Choice choice : choices) {
            StringBuilder text = new StringBuilder();
            choice.sent.forEach(t -> text.append(t.text()));
            ObjectNode entry = list.addObject();
            if (params.chat()) {
                entry.put("index", choice.index);
                entry.putObject("message").put("role", "assistant").put("content", text.toString());
            } else {
                entry.put("text", text.toString());
                entry.put("index", choice.index);
            }
            entry.set("logprobs", logprobs(choice.sent, 0));
            entry.put("finish_reason", choice.finishReason());
            choice.sentChars = text.length();
        }
        body.set("usage", usage());
        return body;
    }

    private ObjectNode usage() {
        int completion = 0;
        for (Choice choice : choices) {
            for (Token token : choice.sent) {
                completion += token.text().codePointCount(0, token.text().length());
            }
        }
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", promptTokens + completion);
        return usage;
    }

    /** OpenAI's logprobs object for {@code tokens}, or null when none were asked for. */
    private ObjectNode logprobs(List<Token> tokens, int offset) {
        if (params.logprobs() == null) {
            return null;
        }
        ObjectNode node = JSON.createObjectNode();
        if (params.chat()) {
            ArrayNode content = node.putArray("content");
            for (Token token : tokens) {
                ObjectNode entry = content.addObject();
                entry.put("token", token.text()).put("logprob", token.logprob());
                bytes(entry, token.text());
                ArrayNode top = entry.putArray("top_logprobs");
                for (int i = 0; i < token.topTexts().size(); i++) {
                    ObjectNode alternative = top.addObject().put("token", token.topTexts().get(i))
                            .put("logprob", token.topLogprobs()[i]);
                    bytes(alternative, token.topTexts().get(i));
                }
            }
            return node;
        }
        ArrayNode texts = node.putArray("tokens");
        ArrayNode logprobs = node.putArray("token_logprobs");
        ArrayNode top = node.putArray("top_logprobs");
        ArrayNode offsets = node.putArray("text_offset");
        for (Token token : tokens) {
            texts.add(token.text());
            logprobs.add(token.logprob());
            ObjectNode alternatives = top.addObject();
            for (int i = 0; i < token.topTexts().size(); i++) {
                alternatives.put(token.topTexts().get(i), token.topLogprobs()[i]);
            }
            offsets.add(offset);
            offset += token.text().length();
        }
        return node;
    }

    private static void bytes(ObjectNode entry, String text) {
        ArrayNode bytes = entry.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
    }

    /** {@code log p}, floored at {@value #LOGPROB_FLOOR} for a probability that rounded to 0 (JSON has no infinity). */
    private static double logprob(float p) {
        return Math.max(Math.log(p), LOGPROB_FLOOR);
    }

    /** The drawn character with its log probability and the most likely alternatives, when they were asked for. */
    private Token token(Job job, Choice choice, String chunk) {
        if (params.logprobs() == null) {
            return new Token(chunk, 0, List.of(), NO_LOGPROBS);
        }
        if (choice.probabilities == null) {
            choice.probabilities = new float[vocabulary.size()];
        }
        float[] p = job.member().lastProbabilities(choice.probabilities);
        int k = Math.min(params.logprobs(), p.length);
        int[] top = new int[k];
        boolean[] taken = new boolean[p.length];
        for (int i = 0; i < k; i++) {
            int best = -1;
            for (int j = 0; j < p.length; j++) {
                if (!taken[j] && (best < 0 || p[j] > p[best])) {
                    best = j;
                }
            }
            taken[best] = true;
            top[i] = best;
        }
        List<String> texts = new ArrayList<>(k);
        double[] logprobs = new double[k];
        for (int i = 0; i < k; i++) {
            texts.add(Character.toString(vocabulary.codePoint(top[i])));
            logprobs[i] = logprob(p[top[i]]);
        }
        return new Token(chunk, logprob(p[job.member().lastId()]), texts, logprobs);
    }
}
