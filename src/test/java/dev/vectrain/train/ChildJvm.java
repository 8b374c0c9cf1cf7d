/*
 * ChildJvm: starts a main class in a fresh JVM (same JDK, classpath and vector module, the parent's flags that choose
 * the vectors, such as -Dvectrain.species or -XX:UseAVX, and the given flags, e.g. a small -Xmx) and captures its
 * output. A test helper shared by the kernel, train and cli tests: a child with other vectors would compute other
 * bits than the parent it is compared with.
 */
package dev.vectrain.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

public final class ChildJvm {
    /**
     * The parent's flags that change the vectors the kernels compute with, forwarded to every child: the species
     * (dev.vectrain.kernel.Vec) and HotSpot's instruction-set limits (e.g. -XX:UseAVX=2 for an AVX2 machine).
     */
    private static final List<String> VECTOR_FLAGS = List.of("-Dvectrain.", "-XX:UseAVX=", "-XX:MaxVectorSize=",
            "-XX:-UseFMA", "-XX:+UseFMA");

    private ChildJvm() {
    }

    /** Exit code and combined stdout/stderr of the run. */
    public record Result(int exitCode, String output) {
    }

    /** The command line that runs main with args in a fresh JVM, as described above. */
    public static List<String> command(List<String> jvmFlags, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (VECTOR_FLAGS.stream().anyMatch(arg::startsWith)) {
                cmd.add(arg);
            }
        }
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static Result run(List<String> jvmFlags, Class<?> main, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(jvmFlags, main, args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out + "\n(timed out)");
        }
        return new Result(p.exitValue(), out);
    }
}
