package dev.textgen.server;

import dev.textgen.api.GenerationBatch;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.config.GenerationConfig;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs every generation of one model as one {@link GenerationBatch}, stepped by the engine's own thread: jobs join
 * the batch from a bounded FIFO queue whenever their rows fit, leave it at the step they end, and are removed when
 * they are cancelled or pass their deadline; the batch does the stepping, so a job's text is the same alone, in a
 * full batch, and from {@link TextGenerator}.
 *
 * <p>{@link #submit}, {@link Job#cancel()} and the gauges may be called from any thread; only the engine thread
 * touches the batch.
 */
final class BatchEngine implements AutoCloseable {
    /** Why a submission was refused. */
    static final class RejectedException extends RuntimeException {
        private final boolean draining;

        RejectedException(boolean draining, String message) {
            super(message);
            this.draining = draining;
        }

        /** True while the server drains; false when the queue is full. */
        boolean draining() {
            return draining;
        }
    }

    private final LanguageModel model;
    private final GenerationBatch batch;
    private final int maxQueue;
    private final Metrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    /** Touched by the engine thread only: the job of every member in the batch, in the order they joined. */
    private final Map<GenerationBatch.Member, Job> live = new LinkedHashMap<>();
    private final GenerationBatch.Listener events = new GenerationBatch.Listener() {
        @Override
        public void onChunk(GenerationBatch.Member member, String chunk) {
            Job job = live.get(member);
            metrics.generated(1);
            job.listener().onChunk(job, chunk);
        }

        @Override
        public void onEnd(GenerationBatch.Member member, GenerationBatch.Ending ending, RuntimeException failure) {
            end(live.remove(member), switch (ending) {
                case LENGTH -> Job.Outcome.LENGTH;
                case STOP -> Job.Outcome.STOP;
                case FAILED -> Job.Outcome.ERROR;
            }, failure);
        }
    };
    private final Thread thread;
    private volatile int running;
    private boolean accepting = true;
    private boolean closed;

    BatchEngine(String name, LanguageModel model, int maxRows, int maxQueue, Metrics metrics) {
        this.model = model;
        this.batch = new GenerationBatch(model, maxRows);
        this.maxQueue = maxQueue;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "textgen-engine-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The rows a job takes in {@code context}. */
    int rowsPerJob(GenerationConfig.Context context) {
        return GenerationBatch.rowsPerMember(model, context);
    }

    /** The most rows a step runs. */
    int maxRows() {
        return batch.maxRows();
    }

    /**
     * A job generating at most {@code length} characters after {@code prompt} with {@code generator} (this engine's
     * model), in the generator's context; the prompt is checked now. Submit it with {@link #submit}.
     */
    Job newJob(TextGenerator generator, String prompt, int length, int index, Job.Listener listener, long deadline) {
        return new Job(index, new GenerationBatch.Member(generator, prompt, length), listener, deadline);
    }

    /**
     * Queues all of {@code jobs} or none.
     *
     * @throws RejectedException        when the queue cannot take them all, or the engine no longer accepts work
     * @throws IllegalArgumentException when a job takes more rows than a batch holds
     */
    void submit(List<Job> jobs) {
        for (Job job : jobs) {
            if (job.member().rows() > maxRows()) {
                throw new IllegalArgumentException("a job of " + job.member().rows() + " rows never fits in a batch of "
                        + maxRows());
            }
        }
        lock.lock();
        try {
            if (!accepting) {
                throw new RejectedException(true, "the server is shutting down and takes no new requests");
            }
            if (waiting.size() + jobs.size() > maxQueue) {
                throw new RejectedException(false, "the queue is full: " + waiting.size() + " of " + maxQueue
                        + " places are taken and this request needs " + jobs.size() + "; retry later");
            }
            waiting.addAll(jobs);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Jobs in the batch. */
    int running() {
        return running;
    }

    /** Jobs queued for a place in the batch. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later submission; the jobs already taken run on. */
    void stopAccepting() {
        lock.lock();
        try {
            accepting = false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether no job is running or waiting. */
    boolean idle() {
        lock.lock();
        try {
            return waiting.isEmpty() && running == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every job, stops the engine thread and releases the rows. */
    @Override
    public void close() {
        lock.lock();
        try {
            accepting = false;
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) { // a thread stuck in a step still uses the batch; its rows go with the daemon thread
            batch.close();
        }
    }

    private void run() {
        while (admit()) {
            try {
                step();
            } catch (RuntimeException e) {
                // Only a job's listener throws out of a step, once that job has left the batch and the batch has
                // completed the step: the engine runs on, and the failure goes where an uncaught one would.
                thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
            }
        }
        for (Map.Entry<GenerationBatch.Member, Job> entry : live.entrySet()) {
            batch.remove(entry.getKey());
            end(entry.getValue(), Job.Outcome.CANCELLED, null);
        }
        live.clear();
        running = 0;
    }

    /** The cancelled and late jobs leave, then the batch advances every other job by one character. */
    private void step() {
        long now = System.nanoTime();
        for (Iterator<Job> it = live.values().iterator(); it.hasNext(); ) {
            Job job = it.next();
            Job.Outcome outcome = job.interruption(now);
            if (outcome != null) {
                it.remove();
                batch.remove(job.member());
                end(job, outcome, null);
            }
        }
        batch.step(events);
        if (batch.usedRows() > 0) {
            metrics.batchRows(batch.usedRows());
        }
        running = live.size();
    }

    /**
     * Takes queued jobs whose rows fit, in order, and drops queued jobs that were cancelled or passed their deadline;
     * waits while nothing is live or queued. Returns false once the engine is closed.
     */
    private boolean admit() {
        lock.lock();
        try {
            while (!closed && live.isEmpty() && waiting.isEmpty()) {
                changed.awaitUninterruptibly();
            }
            if (closed) {
                for (Job job : waiting) {
                    job.member().close();
                    end(job, Job.Outcome.CANCELLED, null);
                }
                waiting.clear();
                return false;
            }
            long now = System.nanoTime();
            for (Iterator<Job> it = waiting.iterator(); it.hasNext(); ) {
                Job job = it.next();
                Job.Outcome outcome = job.interruption(now);
                if (outcome != null) {
                    it.remove();
                    job.member().close();
                    end(job, outcome, null);
                }
            }
            while (!waiting.isEmpty() && batch.fits(waiting.peekFirst().member())) {
                Job job = waiting.pollFirst();
                batch.join(job.member());
                live.put(job.member(), job);
                metrics.queued(now - job.created());
            }
            running = live.size();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Reports a job that left the batch or the queue; its generation is closed. */
    private void end(Job job, Job.Outcome outcome, RuntimeException failure) {
        metrics.ended(outcome);
        job.listener().onEnd(job, outcome, failure);
    }
}
