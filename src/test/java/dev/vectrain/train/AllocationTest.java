/*
 * Allocation: once warm, N training steps and N evaluation batches allocate 0 bytes on the calling thread and
 * on every pool worker. Measured by AllocationMain in a fresh JVM, so the JIT profile is the one of a training
 * application and not the one left behind by unrelated tests (which can keep C2 from scalarising vectors).
 */
package dev.vectrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Layer norm (its kernel once boxed vectors when warm; now split into small per-row helpers). */
    @Test
    void warmStepsWithLayerNormAllocateNothing() throws Exception {
        assertNoAllocation("softmax_cross_entropy", "input(64) dense(32) layer_norm relu dense(10)");
    }

    private static void assertNoAllocation(String... args) throws Exception {
        String[] full = new String[args.length + 1];
        full[0] = "2";
        System.arraycopy(args, 0, full, 1, args.length);
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx512m"), AllocationMain.class, full);
        assertEquals(0, r.exitCode(), r.output());
        String out = r.output();
        assertTrue(out.contains("workers=1\n"), "threads(2) starts one worker thread:\n" + out);
        for (String key : new String[] {"steps.caller", "steps.workers", "eval.caller", "eval.workers"}) {
            assertTrue(out.contains(key + "=0\n"), "bytes allocated by " + AllocationMain.N + " warm "
                    + key.replace(".", " on the ") + " should be 0:\n" + out);
        }
    }
}
