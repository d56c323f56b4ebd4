package dev.textgen.server;

import dev.textgen.api.Generation;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.spi.RecurrentRows;
import dev.textgen.api.spi.RecurrentSession;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs every generation of one model as one batch of recurrent rows, one batched step at a time: at each step every
 * live job either feeds its next prompt character or draws a character and feeds it, then all rows advance together
 * ({@link RecurrentRows#step(int[], int)}). Jobs join from a bounded FIFO queue whenever their rows fit and leave at
 * the step they end, are cancelled or pass their deadline; the live rows stay first (a leaver's followers move down),
 * so a step computes exactly the live rows. A stateful job takes one row, a window-context job maxlen rows.
 *
 * <p>One thread runs the batch; {@link #submit}, {@link Job#cancel()} and the gauges may be called from any thread.
 * Each job draws from its own sampler and random generator through {@link Generation}, and a row's arithmetic does not
 * depend on the other rows, so a job's text is the same alone, in a full batch, and from {@link TextGenerator}.
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
    private final RecurrentRows rows;
    private final int[] ids;
    /** The rows whose distributions a step reads, computed together, and per batch row the one prepared for it. */
    private final int[] reads;
    private final float[][] distributions;
    private final float[][] prepared;
    private final int maxQueue;
    private final Metrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    /** Touched by the engine thread only, in row order. */
    private final List<Job> live = new ArrayList<>();
    private final Thread thread;
    private int usedRows;
    private volatile int running;
    private boolean accepting = true;
    private boolean closed;

    BatchEngine(String name, LanguageModel model, int maxRows, int maxQueue, Metrics metrics) {
        this.model = model;
        this.rows = model.newRows(maxRows);
        this.ids = new int[maxRows];
        this.reads = new int[maxRows];
        this.distributions = new float[maxRows][model.vocabulary().size()];
        this.prepared = new float[maxRows][];
        this.maxQueue = maxQueue;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "textgen-engine-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The rows a job takes in {@code context}. */
    int rowsPerJob(GenerationConfig.Context context) {
        return context == GenerationConfig.Context.WINDOW ? model.maxlen() : 1;
    }

    /** The most rows a step runs. */
    int maxRows() {
        return ids.length;
    }

    /**
     * A job generating at most {@code length} characters after {@code prompt} with {@code generator} (this engine's
     * model), in the generator's context; the prompt is checked now. Submit it with {@link #submit}.
     */
    Job newJob(TextGenerator generator, String prompt, int length, int index, Job.Listener listener, long deadline) {
        GenerationConfig.Context context = generator.config().context();
        RowSlice slice = new RowSlice(rows, ids, prepared, rowsPerJob(context));
        int vocabulary = model.vocabulary().size();
        Generation generation = generator.start(prompt, length, context == GenerationConfig.Context.WINDOW
                ? RecurrentSession.window(slice, vocabulary) : RecurrentSession.stateful(slice, vocabulary));
        return new Job(index, generation, slice, listener, deadline);
    }

    /**
     * Queues all of {@code jobs} or none.
     *
     * @throws RejectedException        when the queue cannot take them all, or the engine no longer accepts work
     * @throws IllegalArgumentException when a job takes more rows than a batch holds
     */
    void submit(List<Job> jobs) {
        for (Job job : jobs) {
            if (job.slice().rows() > ids.length) {
                throw new IllegalArgumentException("a job of " + job.slice().rows() + " rows never fits in a batch of "
                        + ids.length);
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
        rows.close();
    }

    private void run() {
        while (admit()) {
            try {
                step();
            } catch (RuntimeException e) { // a failing step fails its jobs, not the engine
                for (Job job : live) {
                    if (job != null) {
                        end(job, Job.Outcome.ERROR, e);
                    }
                }
                live.clear();
                Arrays.fill(prepared, null);
                rows.reset();
                usedRows = 0;
                running = 0;
            }
        }
        for (Job job : live) {
            end(job, Job.Outcome.CANCELLED, null);
        }
        live.clear();
        running = 0;
    }

    /** Every live job feeds or draws one character, the ended ones leave, then the live rows advance together. */
    private void step() {
        prepareDistributions();
        long now = System.nanoTime();
        for (int i = 0; i < live.size(); i++) {
            Job job = live.get(i);
            Job.Outcome outcome = job.interruption(now);
            RuntimeException failure = null;
            if (outcome == null) {
                try {
                    if (!job.generation().finished()) { // max_tokens 0 ends before the first step
                        String chunk = job.generation().step();
                        if (chunk != null) {
                            metrics.generated(1);
                            job.listener().onChunk(job, chunk);
                        }
                    }
                    if (job.generation().finished()) {
                        outcome = job.generation().stopSequence().isPresent() ? Job.Outcome.STOP : Job.Outcome.LENGTH;
                    }
                } catch (RuntimeException e) {
                    outcome = Job.Outcome.ERROR;
                    failure = e;
                }
            }
            if (outcome != null) {
                end(job, outcome, failure);
                live.set(i, null);
            }
        }
        Arrays.fill(prepared, 0, usedRows, null);
        compact();
        if (usedRows > 0) {
            rows.step(ids, usedRows);
            metrics.batchRows(usedRows);
        }
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
                    end(job, outcome, null);
                }
            }
            while (!waiting.isEmpty() && usedRows + waiting.peekFirst().slice().rows() <= ids.length) {
                Job job = waiting.pollFirst();
                job.slice().place(usedRows);
                job.slice().reset();
                usedRows += job.slice().rows();
                live.add(job);
                metrics.queued(now - job.created());
            }
            running = live.size();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Computes in one product the distributions the stateful jobs about to draw will read (a window job reads one of
     * its rows, which its session picks, so it reads it from the batch).
     */
    private void prepareDistributions() {
        int count = 0;
        for (Job job : live) {
            Generation generation = job.generation();
            if (job.slice().rows() == 1 && !generation.prompting() && !generation.finished()) {
                reads[count++] = job.slice().base();
            }
        }
        if (count > 0) {
            rows.probabilities(reads, count, distributions);
            for (int i = 0; i < count; i++) {
                prepared[reads[i]] = distributions[i];
            }
        }
    }

    /** Drops the ended jobs (null entries) and moves the rows and pending ids of the jobs after them down. */
    private void compact() {
        int next = 0;
        int kept = 0;
        for (Job job : live) {
            if (job == null) {
                continue;
            }
            RowSlice slice = job.slice();
            if (slice.base() != next) {
                rows.move(slice.base(), next, slice.rows());
                System.arraycopy(ids, slice.base(), ids, next, slice.rows());
                slice.place(next);
            }
            next += slice.rows();
            live.set(kept++, job);
        }
        live.subList(kept, live.size()).clear();
        usedRows = next;
        running = kept;
    }

    private void end(Job job, Job.Outcome outcome, RuntimeException failure) {
        job.generation().close();
        metrics.ended(outcome);
        job.listener().onEnd(job, outcome, failure);
    }
}
