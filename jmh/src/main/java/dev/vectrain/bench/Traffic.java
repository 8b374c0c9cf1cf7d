/*
 * Traffic: a JMH auxiliary counter that reports memory traffic as GB/s next to the ops/s score.
 * Each benchmark method adds its compulsory bytes per call (every input read once, every output
 * written once; documented on the method) divided by 1e9; JMH reports the field as a rate, so the
 * "gigabytes" line of the results reads directly in GB/s. It is not a hardware counter.
 */
package dev.vectrain.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Per-thread traffic counter, reset every iteration. */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Traffic {
    /** Gigabytes moved; reported as GB/s. */
    public double gigabytes;

    @Setup(Level.Iteration)
    public void reset() {
        gigabytes = 0;
    }

    /** Counts {@code bytes} of compulsory traffic. */
    void add(long bytes) {
        gigabytes += bytes * 1e-9;
    }
}
