/* Schedules match their formulas at chosen steps; warmup + cosine is continuous at the join; plateau state. */
package dev.vectrain.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void formulasAtChosenSteps() {
        assertEquals(0.01, Schedule.constant(0.01).at(12345));
        Schedule step = Schedule.stepDecay(0.1, 0.5, 10);
        assertEquals(0.1, step.at(0), 1e-15);
        assertEquals(0.1, step.at(9), 1e-15);
        assertEquals(0.05, step.at(10), 1e-15);
        assertEquals(0.025, step.at(25), 1e-15);
        Schedule exp = Schedule.exponential(1.0, 0.9);
        assertEquals(Math.pow(0.9, 7), exp.at(7), 1e-15);
        Schedule cos = Schedule.cosine(0.2, 100);
        assertEquals(0.2, cos.at(0), 1e-15);
        assertEquals(0.1, cos.at(50), 1e-15);
        assertEquals(0.2 / 2 * (1 + Math.cos(Math.PI * 0.25)), cos.at(25), 1e-15);
        assertEquals(0.0, cos.at(100), 1e-15);
        assertEquals(0.0, cos.at(1000), 1e-15);
        Schedule floor = Schedule.cosine(0.2, 100, 0.02);
        assertEquals(0.11, floor.at(50), 1e-15);
        assertEquals(0.02, floor.at(500), 1e-15);
        Schedule lin = Schedule.linear(0, 1, 4);
        assertEquals(0.25, lin.at(1), 1e-15);
        assertEquals(1.0, lin.at(9), 1e-15);
    }

    @Test
    void warmupCosineIsContinuousAtTheJoin() {
        double lr0 = 1e-3;
        Schedule s = Schedule.warmupCosine(lr0, 100, 1100, 1e-5);
        assertEquals(0.0, s.at(0));
        assertEquals(lr0 / 2, s.at(50), 1e-15);
        assertEquals(lr0 * 99 / 100, s.at(99), 1e-15);
        assertEquals(lr0, s.at(100), 1e-15);
        assertTrue(Math.abs(s.at(100) - s.at(99)) <= lr0 / 100 + 1e-15, "jump at the join");
        assertTrue(Math.abs(s.at(101) - s.at(100)) < lr0 / 100);
        assertEquals(1e-5 + (lr0 - 1e-5) / 2, s.at(600), 1e-15);
        assertEquals(1e-5, s.at(1100), 1e-15);
    }

    @Test
    void epochBasedScheduleConvertsThroughStepsPerEpoch() {
        Schedule s = Schedule.byEpoch(Schedule.stepDecay(0.1, 0.1, 2), 50);
        assertEquals(0.1, s.at(99), 1e-15);
        assertEquals(0.01, s.at(100), 1e-15);
        assertEquals(0.01, s.at(199), 1e-15);
        assertEquals(0.001, s.at(200), 1e-15);
    }

    @Test
    void reduceOnPlateauReducesAfterPatienceAndExportsItsState() {
        ReduceOnPlateau p = new ReduceOnPlateau(0.5, 1, 0.0, 0.1);
        assertFalse(p.observe(1.0));
        assertFalse(p.observe(0.9));
        assertFalse(p.observe(0.95));
        assertTrue(p.observe(0.95));
        assertEquals(0.5, p.scale());
        ReduceOnPlateau q = new ReduceOnPlateau(0.5, 1, 0.0, 0.1);
        q.restore(p.state());
        assertEquals(p.state(), q.state());
        for (int i = 0; i < 20; i++) {
            q.observe(2.0);
        }
        assertEquals(0.1, q.scale(), 1e-15);
    }
}
