/*
 * Runs EpsilonMain in a child JVM under -XX:+UseEpsilonGC (a collector that never frees memory) and asserts
 * exit code 0: training steps must not need a garbage collector. The heap covers start-up and the JIT
 * warm-up, during which interpreted vector code still boxes.
 */
package dev.vectrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EpsilonGcTest {
    @Test
    void trainingStepsRunWithoutAGarbageCollector() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-Xmx2g"),
                EpsilonMain.class, "200");
        assertEquals(0, r.exitCode(), "child JVM under Epsilon GC failed:\n" + r.output());
        assertTrue(r.output().contains("after 200 steps"), r.output());
    }
}
