/*
 * Allocation per kernel family in a FRESH JVM: once warm, every kernel allocates 0 bytes on the calling thread.
 * Runs KernelAllocationMain in a child JVM so that the JIT profile (and the inlining decisions C2 takes on it)
 * is the one of an application, not the one left behind by other tests in this JVM. Guards against kernels that
 * C2 cannot compile whole (vector boxing when a vector crosses a call C2 declined to inline, or a method C1
 * cannot compile and that therefore never leaves tier 2).
 */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ColdJvmKernelAllocationTest {
    private static final List<String> KERNELS = List.of("relu", "leakyRelu", "sigmoid", "tanh", "gelu",
            "softmaxCrossEntropy10", "softmaxCrossEntropy1000", "mse", "bceWithLogits", "layerNorm", "batchNormTrain",
            "batchNormNoPool", "batchNormInference", "bias", "elementwise", "decode", "reductions", "gemmNN", "gemmNT", "gemmTN",
            "gemmNarrowNN", "gemmNarrowNT", "gemmNarrowTN");

    @Test
    void everyWarmKernelAllocatesNothingInAFreshJvm() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                KernelAllocationMain.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("done\n"), out);
        for (String k : KERNELS) {
            assertTrue(out.contains("\n" + k + "=0\n") || out.startsWith(k + "=0\n"),
                    "bytes allocated by " + k + " once warm should be 0:\n" + out);
        }
    }
}
