/*
 * Vec: the one vector species of the whole code base, chosen once at class load, and whether the JVM multiplies and
 * adds in one fused instruction. It is not a kernel and holds no mutable state. Keep SPECIES static final: a species
 * held in a non-final field or passed as a parameter stops the JIT from compiling vector code.
 */
package dev.vectrain.kernel;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.slf4j.LoggerFactory;

/**
 * The vector species used by every kernel. Defaults to {@link FloatVector#SPECIES_PREFERRED}; the
 * system property {@code vectrain.species} ({@code 128}, {@code 256}, {@code 512} or
 * {@code preferred}) overrides it for A/B runs.
 */
public final class Vec {
    /** The float species every kernel uses. */
    public static final VectorSpecies<Float> SPECIES = choose(System.getProperty("vectrain.species", "preferred"));
    /** Number of float lanes in {@link #SPECIES}. */
    public static final int LANES = SPECIES.length();
    /**
     * Whether the JVM computes fused multiply-adds in hardware (HotSpot's UseFMA; true where the JVM does not say).
     * Every kernel is built on them (GEMM's tiles, exp, the norms, the optimizers) and their results are defined
     * with one rounding, so without the instruction (x86 CPUs before AVX2: Intel before Haswell, the Atom, Celeron
     * and Pentium Silver lines before 2023; or -XX:UseAVX=0, -XX:-UseFMA) the JDK computes each one in software,
     * through BigDecimal: training ran more than 100 times slower (one Fashion-MNIST epoch 3 s, with -XX:UseAVX=0
     * unfinished after 5 minutes). Class loading logs a warning then, once.
     */
    public static final boolean HARDWARE_FMA = hardwareFma();

    static {
        if (!HARDWARE_FMA) {
            LoggerFactory.getLogger(Vec.class).warn("this JVM computes fused multiply-adds in software (UseFMA is off: "
                    + "a CPU without FMA, or -XX:UseAVX=0 / -XX:-UseFMA); vectrain's kernels are built on them and "
                    + "will run more than 100 times slower. vectrain needs x86-64 with AVX2 and FMA, or ARMv8.");
        }
    }

    private Vec() {
    }

    private static boolean hardwareFma() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotSpot == null || !"false".equals(hotSpot.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError notHotSpot) {
            // another JVM, or a platform without the flag: nothing says the multiply-adds are slow
            return true;
        }
    }

    static VectorSpecies<Float> choose(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "preferred", "" -> FloatVector.SPECIES_PREFERRED;
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(
                    "vectrain.species: expected 128, 256, 512 or preferred, found '" + name + "'");
        };
    }
}
