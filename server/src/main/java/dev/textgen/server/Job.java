package dev.textgen.server;

import dev.textgen.api.GenerationBatch;

/**
 * One generated choice of a request, as the engine runs it: its {@link GenerationBatch.Member} of the engine's
 * batch, a deadline, and a listener told of every chunk and of the end. Only {@link #cancel()} may be called from
 * other threads.
 */
final class Job {
    /** How a job ended. */
    enum Outcome {
        /** A stop sequence was generated. */
        STOP,
        /** {@code max_tokens} characters were generated. */
        LENGTH,
        /** The client went away, read too slowly, or the server was shutting down. */
        CANCELLED,
        /** The request's deadline passed. */
        TIMEOUT,
        /** The generation failed. */
        ERROR
    }

    /** Called on the engine thread, so it must not block: it hands the work to another thread. */
    interface Listener {
        /** A character was drawn; {@code job.member()} tells its id and distribution until the next step. */
        void onChunk(Job job, String chunk);

        /** The job left the batch; {@code failure} is set for {@link Outcome#ERROR}. */
        void onEnd(Job job, Outcome outcome, RuntimeException failure);
    }

    private final int index;
    private final GenerationBatch.Member member;
    private final Listener listener;
    private final long deadline;
    private final long created = System.nanoTime();
    private volatile boolean cancelled;

    Job(int index, GenerationBatch.Member member, Listener listener, long deadline) {
        this.index = index;
        this.member = member;
        this.listener = listener;
        this.deadline = deadline;
    }

    /** The choice's index in its response. */
    int index() {
        return index;
    }

    GenerationBatch.Member member() {
        return member;
    }

    Listener listener() {
        return listener;
    }

    /** When it was created, in {@link System#nanoTime()}. */
    long created() {
        return created;
    }

    /** Asks the engine to drop the job at its next step (it ends as {@link Outcome#CANCELLED}). */
    void cancel() {
        cancelled = true;
    }

    /** Why the job must end now, or null: cancelled, or past its deadline at {@code now}. */
    Outcome interruption(long now) {
        return cancelled ? Outcome.CANCELLED : now - deadline >= 0 ? Outcome.TIMEOUT : null;
    }
}
