/*
 * VecTest: the species choice and the fused-multiply-add check of Vec, the latter in child JVMs started with and
 * without -XX:-UseFMA (the flag HotSpot clears on CPUs without FMA).
 */
package dev.vectrain.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectrain.train.ChildJvm;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VecTest {
    private static final String WARNING = "this JVM computes fused multiply-adds in software";

    /** Prints Vec.HARDWARE_FMA for the tests below. */
    public static final class Main {
        public static void main(String[] args) {
            System.out.println("hardwareFma=" + Vec.HARDWARE_FMA);
        }
    }

    @Test
    void speciesNamesAreParsedAndBadOnesNamed() {
        assertEquals(FloatVector.SPECIES_256, Vec.choose(" 256 "));
        assertEquals(FloatVector.SPECIES_PREFERRED, Vec.choose("preferred"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vec.choose("1024"));
        assertTrue(e.getMessage().contains("expected 128, 256, 512 or preferred, found '1024'"), e.getMessage());
    }

    @Test
    void aJvmWithoutHardwareFmaIsToldSoOnce() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-XX:-UseFMA"), Main.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("hardwareFma=false"), r.output());
        assertEquals(1, r.output().split(WARNING, -1).length - 1, r.output());
        assertTrue(r.output().contains("WARN " + Vec.class.getName()), r.output());
    }

    @Test
    void thisJvmMatchesWhatAChildOfItReports() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(), Main.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("hardwareFma=" + Vec.HARDWARE_FMA), r.output());
        assertEquals(!Vec.HARDWARE_FMA, r.output().contains(WARNING), r.output());
        if (Vec.HARDWARE_FMA) {
            assertFalse(r.output().contains(Vec.class.getName()), r.output());
        }
    }
}
