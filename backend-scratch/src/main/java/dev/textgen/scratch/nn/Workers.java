package dev.textgen.scratch.nn;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed number of workers that run one task per part, part 0 on the calling thread. The parts are
 * fixed by the count, never by timing, which keeps results identical run to run. Inside a task, the parts
 * can meet at a barrier ({@link #await()}), which spins briefly and then yields: cheaper than a second
 * {@link #run} when the parts finish close together.
 */
public final class Workers implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** About 20-50 microseconds of spinning before a waiting part yields its core. */
    private static final int SPINS_BEFORE_YIELD = 1 << 12;

    private final int count;
    private final ExecutorService pool;
    private final Future<?>[] pending;
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int generation;
    /** Set when a part failed, so that the others stop waiting for it at the barrier. */
    private volatile boolean broken;

    public Workers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("training.threads must resolve to >= 1 worker, got " + count);
        }
        this.count = count;
        this.pending = new Future<?>[count];
        if (count == 1) {
            pool = null;
        } else {
            int id = POOLS.incrementAndGet();
            AtomicInteger thread = new AtomicInteger();
            pool = Executors.newFixedThreadPool(count - 1, runnable -> {
                Thread t = new Thread(runnable, "textgen-scratch-" + id + "-" + thread.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    public int count() {
        return count;
    }

    /** Runs {@code task.accept(part)} for every part in {@code [0, count)} and waits for all of them. */
    public void run(IntConsumer task) {
        if (pool == null) {
            task.accept(0);
            return;
        }
        broken = false;
        arrived.set(0);
        for (int part = 1; part < count; part++) {
            int p = part;
            pending[part] = pool.submit(() -> runPart(task, p));
        }
        Throwable failure = null;
        try {
            runPart(task, 0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int part = 1; part < count; part++) {
            try {
                pending[part].get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
            pending[part] = null;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a training worker was interrupted", failure);
        }
    }

    private void runPart(IntConsumer task, int part) {
        try {
            task.accept(part);
        } catch (RuntimeException | Error e) {
            broken = true;
            throw e;
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
        int current = generation;
        if (arrived.incrementAndGet() == count) {
            arrived.set(0);
            generation = current + 1;
            return;
        }
        int spins = 0;
        while (generation == current) {
            if (broken) {
                throw new IllegalStateException("another training worker failed");
            }
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** The start of part {@code part} when {@code total} items are split into {@link #count()} parts. */
    public int start(int part, int total) {
        return (int) ((long) total * part / count);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
