package dev.textgen.scratch.nn;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed number of workers that run one task per part, part 0 on the calling thread. The parts are
 * fixed by the count, never by timing, which keeps results identical run to run. Inside a task, the parts
 * can meet at a barrier ({@link #await()}).
 *
 * <p>Every wait here spins briefly, then yields, and parks only after {@link #IDLE_NANOS}: a training batch
 * hands work over several times a millisecond apart, and waking a parked thread (on a virtual machine, an
 * idle virtual CPU) takes tens of microseconds, many times a spinning thread's hand-off. A worker that waits
 * longer than that, between epochs or after training, parks and costs nothing. With more workers than
 * processors, waiting threads park at once: spinning would take the cores from the parts that have work.
 */
public final class Workers implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** About 20-50 microseconds of spinning before a waiting thread yields its core to any other runnable one. */
    private static final int SPINS_BEFORE_YIELD = 1 << 12;
    /** How long a waiting thread stays runnable before it parks. */
    static final long IDLE_NANOS = 2_000_000;

    private final int count;
    /** How long a waiting thread stays runnable: {@link #IDLE_NANOS}, or 0 with more workers than processors. */
    private final long idleNanos;
    private final Thread[] threads;
    private final AtomicReferenceArray<Throwable> failures;
    private final AtomicInteger unfinished = new AtomicInteger();
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile IntConsumer task;
    /** Incremented by {@link #run} to start the parts; they run the task of the generation they saw. */
    private volatile int started;
    private volatile int barrier;
    /** Set when a part failed, so that the others stop waiting for it at the barrier. */
    private volatile boolean broken;
    private volatile boolean closed;
    private volatile Thread caller;

    public Workers(int count) {
        this(count, count <= Runtime.getRuntime().availableProcessors() ? IDLE_NANOS : 0);
    }

    /** As the public constructor, with waiting threads runnable for {@code idleNanos} before they park. */
    Workers(int count, long idleNanos) {
        if (count < 1) {
            throw new IllegalArgumentException("training.threads must resolve to >= 1 worker, got " + count);
        }
        this.count = count;
        this.idleNanos = idleNanos;
        this.failures = new AtomicReferenceArray<>(count);
        this.threads = new Thread[count];
        int pool = POOLS.incrementAndGet();
        for (int part = 1; part < count; part++) {
            int p = part;
            Thread thread = new Thread(() -> work(p), "textgen-scratch-" + pool + "-" + part);
            thread.setDaemon(true);
            threads[part] = thread;
            thread.start();
        }
    }

    public int count() {
        return count;
    }

    /**
     * Runs {@code task.accept(part)} for every part in {@code [0, count)} and waits for all of them; their
     * writes are visible to the caller afterwards. Once every part has stopped, the first failure by part is
     * rethrown, a part's own before one that stopped at the barrier because of it.
     *
     * @throws IllegalStateException if this instance is closed
     */
    public void run(IntConsumer task) {
        if (closed) {
            throw new IllegalStateException("the training workers are closed");
        }
        if (count == 1) {
            task.accept(0);
            return;
        }
        broken = false;
        arrived.set(0);
        this.task = task;
        caller = Thread.currentThread();
        unfinished.set(count - 1);
        started++;
        unparkWorkers();
        runPart(task, 0);
        long since = System.nanoTime();
        for (int spins = 0; unfinished.get() > 0; spins++) {
            idle(spins, since);
        }
        Throwable failure = null;
        for (int part = 0; part < count; part++) {
            Throwable e = failures.getAndSet(part, null);
            if (e != null && (failure == null || failure instanceof BrokenBarrier && !(e instanceof BrokenBarrier))) {
                failure = e;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a training worker failed", failure);
        }
    }

    /** A worker thread: waits for each new generation, runs its part, reports that it finished. */
    private void work(int part) {
        int seen = 0;
        while (true) {
            long since = System.nanoTime();
            for (int spins = 0; started == seen && !closed; spins++) {
                idle(spins, since);
            }
            if (closed) {
                return;
            }
            seen = started;
            runPart(task, part);
            if (unfinished.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void runPart(IntConsumer task, int part) {
        try {
            task.accept(part);
        } catch (Throwable e) {
            failures.set(part, e);
            broken = true;
            wakeAll();
        }
    }

    /** Unparks every thread that may wait inside a run: the caller and the workers. */
    private void wakeAll() {
        LockSupport.unpark(caller);
        unparkWorkers();
    }

    private void unparkWorkers() {
        for (int part = 1; part < count; part++) {
            LockSupport.unpark(threads[part]);
        }
    }

    /**
     * One round of waiting: spin, then yield, then (after {@link #idleNanos} since {@code since}) park until
     * unparked; callers re-check their condition after each round. Whoever changes a condition unparks the
     * threads waiting for it afterwards, so a park cannot miss it (an earlier unpark makes it return at once).
     */
    private void idle(int spins, long since) {
        if (idleNanos == 0) {
            LockSupport.park(this);
        } else if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else if (System.nanoTime() - since < idleNanos) {
            Thread.yield();
        } else {
            LockSupport.park(this);
        }
    }

    /**
     * Waits until every part of the running task has called this; all parts must call it equally often.
     * A no-op with one worker.
     *
     * @throws IllegalStateException if another part failed meanwhile
     */
    public void await() {
        if (count == 1) {
            return;
        }
        int current = barrier;
        if (arrived.incrementAndGet() == count) {
            arrived.set(0);
            barrier = current + 1;
            wakeAll();
            return;
        }
        long since = System.nanoTime();
        for (int spins = 0; barrier == current; spins++) {
            if (broken) {
                throw new BrokenBarrier();
            }
            idle(spins, since);
        }
    }

    /** The start of part {@code part} when {@code total} items are split into {@link #count()} parts. */
    public int start(int part, int total) {
        return (int) ((long) total * part / count);
    }

    /** Thrown at the barrier by the parts that did not fail themselves. */
    private static final class BrokenBarrier extends IllegalStateException {
        BrokenBarrier() {
            super("another training worker failed");
        }
    }

    /** Stops the worker threads; {@link #run} is refused afterwards. */
    @Override
    public void close() {
        closed = true;
        unparkWorkers();
    }
}
