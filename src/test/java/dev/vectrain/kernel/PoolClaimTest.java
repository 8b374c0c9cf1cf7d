/*
 * PoolClaimTest: a kernel called from a second thread while another thread holds the pool is refused
 * before it writes anything (its output and the holder's task arguments are untouched), and the
 * holder's own calls, which nest inside its claim, still compute the right result.
 */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.parallel.WorkerPool;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PoolClaimTest {

    /** Runs {@code body} on a fresh thread and returns what it threw (null when it returned). */
    private static Throwable onOtherThread(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "intruder");
        t.start();
        t.join();
        return thrown.get();
    }

    @Test
    void aSecondThreadIsRefusedBeforeItTouchesTheHoldersPool() throws InterruptedException {
        int m = 64;
        int n = 48;
        int k = 96;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 13 - 6) * 0.125f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 7 - 3) * 0.25f;
        }
        float[] expected = new float[m * n];
        try (WorkerPool solo = new WorkerPool(1)) {
            Gemm.nn(solo, m, n, k, a, 0, k, b, 0, n, expected, 0, n, false);
        }
        float[] big = new float[1 << 16];
        Arrays.fill(big, 0.5f);
        for (int threads : new int[] {1, 2}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                pool.claim();
                try {
                    float[] intruderOut = new float[m * n];
                    Arrays.fill(intruderOut, 7f);
                    Throwable e = onOtherThread(
                            () -> Gemm.nn(pool, m, n, k, a, 0, k, b, 0, n, intruderOut, 0, n, false));
                    assertTrue(e instanceof IllegalStateException, "gemm from another thread: " + e);
                    assertTrue(e.getMessage().contains("in use by thread '" + Thread.currentThread().getName() + "'"),
                            e.getMessage());
                    float[] untouched = new float[m * n];
                    Arrays.fill(untouched, 7f);
                    assertArrayEquals(untouched, intruderOut, "refused call wrote its output");
                    e = onOtherThread(() -> Reductions.l2Norm(pool, big.length, big, 0));
                    if (threads > 1) {
                        assertTrue(e instanceof IllegalStateException, "l2Norm from another thread: " + e);
                    } else {
                        assertEquals(null, e, "a one-thread pool's norm uses no shared scratch");
                    }
                    float[] c = new float[m * n];
                    Gemm.nn(pool, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
                    assertArrayEquals(expected, c, "the holder's nested call");
                    assertEquals(Math.sqrt(0.25 * big.length), Reductions.l2Norm(pool, big.length, big, 0), 0.0);
                } finally {
                    pool.release();
                }
                float[] c = new float[m * n];
                assertEquals(null, onOtherThread(() -> Gemm.nn(pool, m, n, k, a, 0, k, b, 0, n, c, 0, n, false)),
                        "after release another thread may use the pool");
                assertArrayEquals(expected, c);
            }
        }
    }

    @Test
    void claimsNestAndOnlyTheHolderReleases() throws InterruptedException {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThrows(IllegalStateException.class, pool::release, "release without a claim");
            pool.claim();
            pool.claim();
            pool.release();
            Throwable e = onOtherThread(pool::claim);
            assertTrue(e instanceof IllegalStateException, "still held after the inner release: " + e);
            e = onOtherThread(pool::release);
            assertTrue(e instanceof IllegalStateException, "a non-holder released: " + e);
            pool.release();
            assertEquals(null, onOtherThread(() -> {
                pool.claim();
                pool.release();
            }));
        }
    }
}
