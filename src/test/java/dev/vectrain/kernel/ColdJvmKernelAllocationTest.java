/*
 * Allocation per kernel family in a FRESH JVM: once warm, every kernel allocates 0 bytes on the calling thread.
 * Runs KernelAllocationMain in a child JVM so that the JIT profile (and the inlining decisions C2 takes on it)
 * is the one of an application, not the one left behind by other tests in this JVM. Guards against kernels that
 * C2 cannot compile whole (vector boxing when a vector crosses a call C2 declined to inline, or a method C1
 * cannot compile and that therefore never leaves tier 2). It runs twice: tiered, as applications run, and with
 * C2 alone (-XX:-TieredCompilation), where C2 compiles from interpreter profiles and takes its decisions in
 * another order; that run showed boxed accumulators that the tiered one showed only in some runs (a second
 * vector shape in GEMM's packing, a masked add into BceWithLogits' accumulator).
 */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.train.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class ColdJvmKernelAllocationTest {
    private static final List<String> KERNELS = List.of("relu", "leakyRelu", "sigmoid", "tanh", "gelu",
            "softmaxCrossEntropy10", "softmaxCrossEntropy1000", "softmaxCrossEntropyFromMemory", "mse", "bceWithLogits", "layerNorm", "layerNormNarrow",
            "layerNormPooled", "batchNormTrain", "batchNormNoPool", "batchNormInference", "batchNormPooled",
            "normsDrifted", "bias", "elementwise", "decode", "reductions", "gemmNN", "gemmNT", "gemmTN",
            "gemmNarrowNN", "gemmNarrowNT", "gemmNarrowTN");

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+TieredCompilation", "-XX:-TieredCompilation"})
    void everyWarmKernelAllocatesNothingInAFreshJvm(String tiers, @TempDir Path dir) throws Exception {
        // the VM's compilation log goes to stderr (a file) so that it cannot interleave with the child's result lines
        Path vmLog = dir.resolve("vm-output.txt");
        Process p = new ProcessBuilder(ChildJvm.command(List.of("-Xmx512m", tiers, "-XX:+DisplayVMOutputToStderr",
                "-XX:+PrintCompilation"), KernelAllocationMain.class)).redirectError(vmLog.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String vmOutput = Files.readString(vmLog);
        assertEquals(0, p.exitValue(), out + vmOutput);
        assertTrue(out.contains("done\n"), out);
        // a kernel method C1 cannot compile ("out of virtual registers in linear scan" at tier 3) can stay in C1
        // code for good, allocating its vectors on every call; that must not depend on this run's timing
        assertTrue(vmOutput.contains("dev.vectrain.kernel."), "the child printed no compilation log");
        for (String line : vmOutput.split("\n")) {
            assertFalse(line.contains("dev.vectrain") && line.contains("COMPILE SKIPPED"), line);
        }
        List<String> lines = List.of(out.split("\n"));
        for (String k : KERNELS) {
            assertTrue(lines.contains(k + "=0"), "bytes allocated by " + k + " once warm should be 0:\n" + out);
        }
    }
}
