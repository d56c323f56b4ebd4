package dev.textgen.scratch.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class WorkersTest {

    /** Waiting threads that stay runnable for a while (as with no more workers than cores) or park at once. */
    static LongStream idleModes() {
        return LongStream.of(Workers.IDLE_NANOS, 0);
    }

    @ParameterizedTest(name = "idle {0} ns")
    @MethodSource("idleModes")
    void everyPartRunsOncePerRunOnItsOwnThreadPartZeroOnTheCaller(long idleNanos) {
        try (Workers workers = new Workers(3, idleNanos)) {
            for (int run = 0; run < 2_000; run++) {
                int[] calls = new int[3];
                Thread[] threads = new Thread[3];
                workers.run(part -> {
                    calls[part]++;
                    threads[part] = Thread.currentThread();
                });
                // plain array writes of the parts are visible once run returns
                assertThat(calls).containsExactly(1, 1, 1);
                assertThat(threads[0]).isSameAs(Thread.currentThread());
                assertThat(Set.of(threads)).hasSize(3);
            }
        }
    }

    @ParameterizedTest(name = "idle {0} ns")
    @MethodSource("idleModes")
    void partsMeetAtTheBarrierAndSeeEachOthersWrites(long idleNanos) {
        try (Workers workers = new Workers(2, idleNanos)) {
            for (int run = 0; run < 500; run++) {
                long[] values = new long[2];
                long[] seen = new long[2];
                int r = run;
                workers.run(part -> {
                    values[part] = r * 10L + part;
                    workers.await();
                    seen[part] = values[1 - part];
                });
                assertThat(seen).containsExactly(r * 10L + 1, r * 10L);
            }
        }
    }

    @Test
    void aRunAfterTheWorkersWentIdleStillStarts() throws InterruptedException {
        try (Workers workers = new Workers(2)) {
            AtomicInteger calls = new AtomicInteger();
            workers.run(part -> calls.incrementAndGet());
            // long enough for the worker (and, at the barrier, the caller) to park
            Thread.sleep(3 * Workers.IDLE_NANOS / 1_000_000);
            workers.run(part -> {
                calls.incrementAndGet();
                if (part == 1) {
                    sleepQuietly(3 * Workers.IDLE_NANOS / 1_000_000);
                }
                workers.await();
            });
            assertThat(calls).hasValue(4);
        }
    }

    @ParameterizedTest(name = "idle {0} ns")
    @MethodSource("idleModes")
    void theFailingPartsExceptionIsRethrownNotTheBarriersAndTheWorkersStayUsable(long idleNanos) {
        try (Workers workers = new Workers(3, idleNanos)) {
            IllegalArgumentException cause = new IllegalArgumentException("part 2 failed");
            assertThatThrownBy(() -> workers.run(part -> {
                if (part == 2) {
                    throw cause;
                }
                workers.await();
            })).isSameAs(cause);
            AssertionError error = new AssertionError("part 1");
            assertThatThrownBy(() -> workers.run(part -> {
                if (part == 1) {
                    throw error;
                }
            })).isSameAs(error);
            ConcurrentHashMap<Integer, Boolean> ran = new ConcurrentHashMap<>();
            workers.run(part -> ran.put(part, true));
            assertThat(ran).containsOnlyKeys(0, 1, 2);
        }
    }

    @Test
    void closeStopsTheThreadsAndRefusesFurtherRuns() throws InterruptedException {
        Workers workers = new Workers(2);
        Thread[] worker = new Thread[1];
        workers.run(part -> {
            if (part == 1) {
                worker[0] = Thread.currentThread();
            }
        });
        workers.close();
        worker[0].join(5_000);
        assertThat(worker[0].isAlive()).isFalse();
        assertThatThrownBy(() -> workers.run(part -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void oneWorkerRunsOnTheCallerAndTheBarrierIsANoOp() {
        try (Workers workers = new Workers(1)) {
            Thread[] thread = new Thread[1];
            workers.run(part -> {
                workers.await();
                thread[0] = Thread.currentThread();
            });
            assertThat(thread[0]).isSameAs(Thread.currentThread());
        }
        assertThatThrownBy(() -> new Workers(0)).hasMessageContaining("training.threads");
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
