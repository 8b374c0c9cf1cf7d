/*
 * Allocation: once warm, N training steps, N evaluation batches and N mini-batch gathers (byte-stored,
 * standardized views included) allocate 0 bytes on the calling thread and on every pool worker. Measured by
 * AllocationMain in a fresh JVM, so the JIT profile is the one of a training application and not the one left
 * behind by unrelated tests (which can keep C2 from scalarising vectors).
 */
package dev.vectrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationTest {
    @Test
    void warmRegressionStepsAndEvaluationBatchesAllocateNothing() throws Exception {
        assertNoAllocation("mse", "input(64) dense(128) batch_norm relu dropout(0.1) dense(64) gelu dense(10)");
    }

    @Test
    void warmClassificationStepsWithEveryActivationAllocateNothing() throws Exception {
        assertNoAllocation("softmax_cross_entropy", "input(64) dense(128) batch_norm relu dropout(0.1) dense(64) gelu "
                + "dense(32) tanh dense(32) sigmoid dense(32) leaky_relu(0.1) dense(10)");
    }

    /**
     * Layer norm (its kernel once boxed vectors when warm; now split into small per-row helpers). This case also
     * caught ModelSpec.outputSize() iterating its layer list on every evaluate() call: a 32-byte iterator that C2
     * removed in only some JVMs (4 of 6 allocated 640 B per 20 evaluations), so the test failed about one run in three.
     */
    @Test
    void warmStepsWithLayerNormAllocateNothing() throws Exception {
        assertNoAllocation("softmax_cross_entropy", "input(64) dense(32) layer_norm relu dense(10)");
    }

    /**
     * A batch whose last row ends the logits buffer (batch 128 = the buffer's capacity): the loss's masked vector
     * access to that row's tail once ran past the array's end, where the JDK builds a boolean[] per call (64 B
     * a step); the output buffers now carry one vector of padding.
     */
    @Test
    void warmStepsWhoseLastRowEndsTheBufferAllocateNothing() throws Exception {
        assertNoAllocation("softmax_cross_entropy", "input(64) dense(256) relu dense(10)", "128");
    }

    /**
     * Up to three fresh JVMs: C2's choices depend on timing, and on a loaded machine one JVM in many has been
     * seen to keep a single boxing compile of an evaluation path for all of its 400 rounds. A real per-call
     * allocation shows in every JVM, so the test passes only when one JVM measures 0 on every thread.
     */
    private static void assertNoAllocation(String... args) throws Exception {
        String[] full = new String[args.length + 1];
        full[0] = "2";
        System.arraycopy(args, 0, full, 1, args.length);
        StringBuilder outputs = new StringBuilder();
        for (int attempt = 1; attempt <= 3; attempt++) {
            ChildJvm.Result r = ChildJvm.run(List.of("-Xmx512m"), AllocationMain.class, full);
            assertEquals(0, r.exitCode(), r.output());
            String out = r.output();
            assertTrue(out.contains("workers=1\n"), "threads(2) starts one worker thread:\n" + out);
            if (allZero(out)) {
                return;
            }
            outputs.append("JVM ").append(attempt).append(":\n").append(out);
        }
        fail("bytes allocated by " + AllocationMain.N + " warm steps / evaluation batches should be 0 on the caller"
                + " and the workers, in at least one of three JVMs:\n" + outputs);
    }

    private static boolean allZero(String out) {
        for (String key : new String[] {"steps.caller", "steps.workers", "eval.caller", "eval.workers", "gather.caller",
                "evalview.caller", "evalview.workers"}) {
            if (!out.contains(key + "=0\n")) {
                return false;
            }
        }
        return true;
    }
}
