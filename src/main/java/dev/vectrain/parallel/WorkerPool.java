/*
 * WorkerPool: the one pool of long-lived worker threads every parallel kernel runs on.
 * Dispatch is a volatile generation counter: workers spin briefly, then park; the caller runs share 0
 * itself and waits for the others. Nothing is allocated per call. It is not a general executor:
 * one caller at a time, no queue, no futures, tasks must not call execute() recursively.
 * A kernel claims the pool before it fills a per-pool task or scratch buffer, so a second thread is
 * refused before it can overwrite the first caller's arguments.
 */
package dev.vectrain.parallel;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A fixed set of worker threads that run a {@link ParallelTask} on every thread at once.
 *
 * <p>{@code new WorkerPool(1)} starts no threads and runs tasks inline. The pool serves one thread at
 * a time: a kernel brackets its use of the pool's shared tasks and scratch with {@link #claim()} and
 * {@link #release()}, and a second thread that claims (or calls {@link #execute}) while another
 * holds the pool gets an {@link IllegalStateException} before it has touched anything. Close it to
 * stop the workers (they are daemon threads, so a forgotten pool never keeps the JVM alive).
 */
public final class WorkerPool implements AutoCloseable {
    /** Spin iterations before an idle worker parks (about a fraction of a millisecond). */
    private static final int SPINS = Integer.getInteger("vectrain.spins", 20_000);

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger[] sleeping;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private int claims;   // nesting depth of the owner's claims; read and written by the owner only
    private final ConcurrentHashMap<Key<?>, Object> resources = new ConcurrentHashMap<>();
    private volatile long generation;
    private volatile boolean shutdown;
    private volatile ParallelTask task;
    private volatile Thread waiter;
    private volatile Throwable failure;

    /** Creates a pool of {@code threads} threads in all, the caller included ({@code threads - 1} workers). */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, found " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.sleeping = new AtomicInteger[threads];
        for (int i = 0; i < threads; i++) {
            sleeping[i] = new AtomicInteger();
        }
        for (int i = 1; i < threads; i++) {
            final int id = i;
            Thread t = new Thread(() -> workLoop(id), "vectrain-worker-" + id);
            t.setDaemon(true);
            workers[i - 1] = t;
            t.start();
        }
    }

    /**
     * The default thread count: the system property {@code vectrain.threads} when set, else the
     * number of available processors.
     */
    public static int defaultThreads() {
        Integer configured = Integer.getInteger("vectrain.threads");
        return configured != null && configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /** Total number of threads that run a task, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Reserves the pool for the calling thread until the matching {@link #release()}. Claims nest on
     * the owning thread (a kernel that calls another kernel claims twice). Call it before filling a
     * per-pool task or scratch buffer: {@code pool.claim(); try { ... } finally { pool.release(); }}.
     *
     * @throws IllegalStateException when another thread holds the pool (this call changed nothing)
     */
    public void claim() {
        Thread me = Thread.currentThread();
        Thread held = owner.get();
        if (held == me) {
            claims++;
            return;
        }
        if (held != null || !owner.compareAndSet(null, me)) {
            throw inUse(owner.get());
        }
        claims = 1;
    }

    /**
     * Ends the calling thread's innermost claim; the pool is free again when the outermost one ends.
     *
     * @throws IllegalStateException when the calling thread holds no claim
     */
    public void release() {
        if (owner.get() != Thread.currentThread()) {
            throw new IllegalStateException("WorkerPool.release() by " + Thread.currentThread().getName()
                    + ", which holds no claim on this pool");
        }
        if (--claims == 0) {
            owner.set(null);
        }
    }

    private static IllegalStateException inUse(Thread holder) {
        return new IllegalStateException("WorkerPool is in use by thread '"
                + (holder == null ? "?" : holder.getName()) + "' (a pool serves one calling thread at a time,"
                + " and a task must not run kernels on its own pool); give each calling thread its own pool");
    }

    /**
     * Runs {@code task.run(w, threads())} for every w, w = 0 on the calling thread, and returns when
     * all are done. A failure on any thread is rethrown here after all threads finished. The call
     * claims the pool for its duration (see {@link #claim()}).
     */
    public void execute(ParallelTask task) {
        Objects.requireNonNull(task, "task");
        claim();
        try {
            if (threads == 1) {
                task.run(0, 1);
            } else {
                dispatch(task);
            }
        } finally {
            release();
        }
    }

    private void dispatch(ParallelTask task) {
        if (shutdown) {
            throw new IllegalStateException("WorkerPool is closed");
        }
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("WorkerPool.execute called from inside a task on its own pool;"
                    + " tasks must not call execute() recursively");
        }
        try {
            failure = null;
            this.task = task;
            pending.set(threads - 1);
            generation = generation + 1;
            for (int i = 1; i < threads; i++) {
                if (sleeping[i].get() != 0) {
                    LockSupport.unpark(workers[i - 1]);
                }
            }
            Throwable own = null;
            try {
                task.run(0, threads);
            } catch (Throwable t) {
                own = t;
            }
            awaitWorkers();
            this.task = null;
            Throwable f = own != null ? own : failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException("parallel task failed", f);
            }
        } finally {
            busy.set(false);
        }
    }

    private void awaitWorkers() {
        int spins = 0;
        while (pending.get() > 0) {
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                waiter = Thread.currentThread();
                if (pending.get() > 0) {
                    LockSupport.parkNanos(this, 100_000L);
                }
                waiter = null;
            }
        }
    }

    private void workLoop(int id) {
        long seen = 0;
        while (true) {
            long g;
            int spins = 0;
            while ((g = generation) == seen) {
                if (shutdown) {
                    return;
                }
                if (spins < SPINS) {
                    spins++;
                    Thread.onSpinWait();
                } else {
                    sleeping[id].set(1);
                    if (generation == seen && !shutdown) {
                        LockSupport.park(this);
                    }
                    sleeping[id].set(0);
                }
            }
            seen = g;
            try {
                task.run(id, threads);
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            }
            if (pending.decrementAndGet() == 0) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    /**
     * A per-pool object (a preallocated task, per-worker scratch buffers) created once by
     * {@code key}'s factory on first use and returned from then on without allocation.
     */
    @SuppressWarnings("unchecked")
    public <T> T resource(Key<T> key) {
        Object r = resources.get(key);
        if (r == null) {
            r = resources.computeIfAbsent(key, k -> k.factory.apply(this));
        }
        return (T) r;
    }

    /** Stops the workers and waits for them to exit. Idempotent. */
    @Override
    public void close() {
        shutdown = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return shutdown;
    }

    /**
     * Identity of a per-pool resource. Declare one {@code static final} key per kind of resource;
     * the factory receives the pool so it can size per-worker arrays from {@link #threads()}.
     */
    public static final class Key<T> {
        private final Function<WorkerPool, T> factory;

        /** A key whose resource is made by {@code factory} the first time a pool is asked for it. */
        public Key(Function<WorkerPool, T> factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
        }
    }
}
