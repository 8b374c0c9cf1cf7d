/*
 * ChildJvm: starts a main class in a fresh JVM (same JDK, classpath and vector module, the parent's vector species
 * when one was chosen with -Dvectrain.species, and the given flags, e.g. a small -Xmx) and captures its output. A
 * test helper shared by the kernel, train and cli tests: a child that picked its own species would compute other
 * bits than the parent it is compared with.
 */
package dev.vectrain.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

public final class ChildJvm {
    /** The system property that picks the kernels' vector species (see dev.vectrain.kernel.Vec). */
    private static final String SPECIES_PROPERTY = "vectrain.species";

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
        String species = System.getProperty(SPECIES_PROPERTY);
        if (species != null) {
            cmd.add("-D" + SPECIES_PROPERTY + "=" + species);
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
