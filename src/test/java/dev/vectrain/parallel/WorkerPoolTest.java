/* Tests for WorkerPool: every share runs exactly once, failures surface, misuse is refused. */
package dev.vectrain.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyWorkerRunsItsShareOncePerCall() {
        for (int threads : new int[] {1, 2, 4}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                AtomicIntegerArray counts = new AtomicIntegerArray(threads);
                ParallelTask task = (w, n) -> {
                    assertEquals(threads, n);
                    counts.incrementAndGet(w);
                };
                for (int i = 0; i < 1000; i++) {
                    pool.execute(task);
                }
                for (int w = 0; w < threads; w++) {
                    assertEquals(1000, counts.get(w), "worker " + w + " of " + threads);
                }
            }
        }
    }

    @Test
    void rangesCoverEverythingOnceAndAreAligned() {
        for (int n : new int[] {0, 1, 7, 100, 1001}) {
            for (int parts = 1; parts <= 5; parts++) {
                int covered = 0;
                for (int p = 0; p < parts; p++) {
                    assertEquals(covered, Ranges.start(n, p, parts));
                    covered = Ranges.end(n, p, parts);
                    int as = Ranges.alignedStart(n, p, parts, 16);
                    assertTrue(as == n || as % 16 == 0);
                }
                assertEquals(n, covered);
                assertEquals(n, Ranges.alignedEnd(n, parts - 1, parts, 16));
            }
        }
    }

    @Test
    void workerFailureIsRethrownOnTheCaller() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.execute((w, n) -> {
                if (w == 1) {
                    throw new IllegalStateException("boom in worker 1");
                }
            }));
            assertEquals("boom in worker 1", e.getMessage());
            int[] hits = new int[2];
            pool.execute((w, n) -> hits[w]++);
            assertArrayEquals(new int[] {1, 1}, hits, "pool still usable after a failure");
        }
    }

    @Test
    void recursiveUseIsRefusedAndClosedPoolRefuses() {
        WorkerPool pool = new WorkerPool(2);
        assertThrows(IllegalStateException.class, () -> pool.execute((w, n) -> {
            if (w == 0) {
                pool.execute((a, b) -> { });
            }
        }));
        pool.close();
        assertTrue(pool.isClosed());
        assertThrows(IllegalStateException.class, () -> pool.execute((w, n) -> { }));
        assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0));
    }

    @Test
    void resourcesAreCreatedOncePerPool() {
        WorkerPool.Key<float[][]> key = new WorkerPool.Key<>(p -> new float[p.threads()][8]);
        try (WorkerPool a = new WorkerPool(3); WorkerPool b = new WorkerPool(2)) {
            assertTrue(a.resource(key) == a.resource(key));
            assertEquals(3, a.resource(key).length);
            assertEquals(2, b.resource(key).length);
        }
    }
}
