/*
 * The same seeded training gives bitwise the same weights in a cold JVM (interpreted / C1 vector code) as in
 * this warm test JVM, so resuming a checkpoint in a new process continues exactly.
 */
package dev.vectrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColdJvmDeterminismTest {
    @Test
    void coldAndWarmJvmsTrainToTheSameBits() throws Exception {
        for (int i = 0; i < 3; i++) {
            DigestMain.digest();            // warm this JVM up
        }
        int warm = DigestMain.digest();
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx256m"), DigestMain.class);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(true, r.output().contains("digest=" + warm + "\n"), "warm digest " + warm + ", cold run:\n"
                + r.output());
    }
}
