/*
 * ParallelTask: one unit of work the pool runs once on every participating thread.
 * Implementations are long-lived objects whose fields carry the arguments of the current call, so
 * dispatching work allocates nothing. It is not a future and returns nothing.
 */
package dev.vectrain.parallel;

/** Work run by each of the pool's {@code workers} threads; {@code worker} is in {@code [0, workers)}. */
@FunctionalInterface
public interface ParallelTask {
    /**
     * Runs this thread's share. Worker 0 is always the calling thread. A task must not call
     * {@link WorkerPool#execute} itself.
     */
    void run(int worker, int workers);
}
