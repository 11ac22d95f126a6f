package dev.kona.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** VMath.exp against double-precision Math.exp, over the whole float range and at its edges. */
class VMathExpTest {
    private static float exp(float x) {
        float[] in = new float[VMath.S.length()], out = new float[in.length];
        java.util.Arrays.fill(in, x);
        VMath.exp(FloatVector.fromArray(VMath.S, in, 0)).intoArray(out, 0);
        return out[0];
    }

    @Test
    void within2UlpFromTheFlushBoundToTheLargestFloat() {
        double worst = 0;
        for (float x = -86.9f; x < 88.72f; x += 0.0137f) {
            float ref = (float) Math.exp(x);
            double ulps = Math.abs(exp(x) - Math.exp(x)) / Math.ulp(ref);
            worst = Math.max(worst, ulps);
        }
        assertTrue(worst <= 2, "max error " + worst + " ulp");
    }

    @Test
    void resultsNearTheLargestFloatAreFiniteAndOverflowIsInfinite() {
        float x = 88.7f; // e^x = 3.33e38, below Float.MAX_VALUE
        float nearMax = exp(x);
        assertTrue(Float.isFinite(nearMax) && Math.abs(nearMax / Math.exp(x) - 1) < 2.5e-7, "exp(88.7) = " + nearMax);
        assertEquals(Float.POSITIVE_INFINITY, exp(88.73f));
        assertEquals(Float.POSITIVE_INFINITY, exp(1000f));
        assertEquals(Float.POSITIVE_INFINITY, exp(Float.POSITIVE_INFINITY));
    }

    @Test
    void tinyResultsFlushToZeroAndNaNStaysNaN() {
        assertEquals(0f, exp(-87.5f));
        assertEquals(0f, exp(-1000f));
        assertEquals(0f, exp(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(exp(Float.NaN)));
        assertEquals(1f, exp(0f));
        assertEquals(1f, exp(-0f));
    }
}
