package dev.kona.train.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.testing.GoldenFile;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every schedule against Keras 3's own, called at the same steps ({@code tools/golden_keras_schedules.py}). */
class LearningRateScheduleTest {
    private static final String FILE = "/golden/keras_schedules.json";
    private static final Map<String, Object> GOLDEN = GoldenFile.load(FILE);

    static Stream<Arguments> cases() {
        return GoldenFile.cases(FILE);
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void givesKerasRates(String name, Map<String, Object> c) {
        LearningRateSchedule schedule = KerasSchedules.fromConfig((String) c.get("schedule"), (Map<String, Object>) c.get("config"));
        double[] steps = GoldenFile.doubles(GOLDEN.get("steps"));
        double[] expected = GoldenFile.doubles(c.get("values"));
        double scale = 0;
        for (double v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < steps.length; i++) {
            long step = (long) steps[i];
            // Keras computes in float32: a few ulps of the schedule's largest value
            assertEquals(expected[i], schedule.at(step), 1e-6 * scale, name + " at step " + step);
        }
    }

    @Test
    void aLambdaIsASchedule() {
        LearningRateSchedule warmup = step -> 1e-3 * Math.min(1.0, (step + 1) / 4.0);
        assertEquals(2.5e-4, warmup.at(0), 1e-18);
        assertEquals(1e-3, warmup.at(10), 1e-18);
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage("CosineDecay: decaySteps must be > 0, got 0", () -> new CosineDecay(1e-3, 0));
        assertMessage("CosineDecay: initialLearningRate must be >= 0 (and finite), got -0.1", () -> new CosineDecay(-0.1, 10));
        assertMessage("CosineDecay: warmupSteps must be >= 0, got -1", () -> new CosineDecay(0, 10, 0, 1e-3, -1));
        assertMessage("ExponentialDecay: decaySteps must be > 0, got -5", () -> new ExponentialDecay(0.1, -5, 0.9));
        assertMessage("InverseTimeDecay: decayRate must be >= 0 (and finite), got NaN", () -> new InverseTimeDecay(0.1, 5, Double.NaN));
        assertMessage("PolynomialDecay: power must be >= 0 (and finite), got -1.0", () -> new PolynomialDecay(0.1, 5, 0, -1, false));
        assertMessage("CosineDecayRestarts: tMul must be > 0 (and finite), got 0.0", () -> new CosineDecayRestarts(0.1, 5, 0, 1, 0));
        assertMessage("PiecewiseConstantDecay: expected one value more than boundaries, got 2 boundaries [10, 20] and 2 values"
                + " [1.0, 0.5]", () -> new PiecewiseConstantDecay(new long[] {10, 20}, new double[] {1.0, 0.5}));
        assertMessage("PiecewiseConstantDecay: boundaries must increase, got [20, 10]",
                () -> new PiecewiseConstantDecay(new long[] {20, 10}, new double[] {1.0, 0.5, 0.1}));
    }

    @Test
    void aBadRateIsRefusedWithTheStep() {
        LearningRateSchedule broken = step -> step < 3 ? 0.1 : -0.1;
        assertEquals(0.1, LearningRateSchedule.checkedAt(broken, 2));
        var e = assertThrows(IllegalStateException.class, () -> LearningRateSchedule.checkedAt(broken, 3));
        assertTrue(e.getMessage().contains("gave -0.1 at step 3, expected a rate >= 0"), e.getMessage());
    }

    @Test
    void piecewiseKeepsItsOwnCopies() {
        long[] b = {5};
        double[] v = {1.0, 0.5};
        var s = new PiecewiseConstantDecay(b, v);
        b[0] = 100;
        v[1] = 7;
        assertEquals(0.5, s.at(6));
        assertEquals(new PiecewiseConstantDecay(new long[] {5}, new double[] {1.0, 0.5}), s);
    }

    private static void assertMessage(String expected, Runnable r) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(expected, e.getMessage());
    }
}
