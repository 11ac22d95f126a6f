package dev.kona.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kona.ops.Op.BinaryKind;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector paths of {@link CompareKernels} (float32 comparisons into bool bytes) and of
 * {@link ElementwiseCpu#whereF32}: every kind and stride pattern against a scalar loop, lengths
 * around the vector width (tails), offsets, NaN, infinities and signed zeros; and no allocation
 * once compiled (a Vector API fallback would allocate).
 */
class CompareWhereKernelsTest {
    private static final BinaryKind[] KINDS = {BinaryKind.EQ, BinaryKind.NE, BinaryKind.LT, BinaryKind.LE, BinaryKind.GT,
            BinaryKind.GE};

    private static float[] values(SplittableRandom r, int n) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Few distinct values, so that equal pairs occur often.
            v[i] = r.nextInt(8) == 0 ? special[r.nextInt(special.length)] : r.nextInt(5) - 2;
        }
        return v;
    }

    private static boolean ref(BinaryKind k, float x, float y) {
        return switch (k) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            default -> x >= y;
        };
    }

    @Test
    void comparisonsMatchTheScalarDefinition() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] strides = {{1, 1}, {1, 0}, {0, 1}, {2, 1}, {1, 3}, {0, 0}};
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 31, 32, 33, 100, 1000}) {
            for (int[] st : strides) {
                float[] a = values(r, 3 + n * 3), b = values(r, 5 + n * 3);
                int ao = 3, bo = 5;
                for (BinaryKind k : KINDS) {
                    byte[] o = new byte[n + 2];
                    CompareKernels.f32(k, a, ao, st[0], b, bo, st[1], o, 1, 1, n);
                    for (int i = 0; i < n; i++) {
                        boolean e = ref(k, a[ao + i * st[0]], b[bo + i * st[1]]);
                        assertEquals(e ? 1 : 0, o[1 + i], k + " n=" + n + " strides " + st[0] + "," + st[1] + " at " + i);
                    }
                    assertEquals(0, o[0], "nothing written before the output");
                    assertEquals(0, o[n + 1], "nothing written after the output");
                }
            }
        }
    }

    @Test
    void whereMatchesTheScalarDefinition() {
        SplittableRandom r = new SplittableRandom(4);
        int co = 2, ao = 4, bo = 6;
        for (int n : new int[] {0, 1, 8, 15, 16, 17, 40, 1000}) {
            for (int as = 0; as <= 1; as++) {
                for (int bs = 0; bs <= 1; bs++) {
                    byte[] c = new byte[co + n + 8];
                    for (int i = 0; i < c.length; i++) c[i] = (byte) r.nextInt(2);
                    float[] a = values(r, ao + n + 1), b = values(r, bo + n + 1), o = new float[n + 2];
                    ElementwiseCpu.whereF32(c, co, a, ao, as, b, bo, bs, o, 1, n);
                    float[] e = new float[n + 2];
                    for (int i = 0; i < n; i++) e[1 + i] = c[co + i] != 0 ? a[ao + i * as] : b[bo + i * bs];
                    assertArrayEquals(e, o, "n=" + n + " strides " + as + "," + bs);
                }
            }
        }
    }

    @Test
    void noAllocationOnceCompiled() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SplittableRandom r = new SplittableRandom(5);
        float[] a = values(r, 4099), b = values(r, 4099), fo = new float[4099];
        byte[] o = new byte[4099], c = new byte[4099 + 8];
        for (int i = 0; i < c.length; i++) c[i] = (byte) r.nextInt(2);
        long deadline = System.nanoTime() + 8_000_000_000L;
        int clean = 0;
        long last = -1;
        while (clean < 20) {
            if (System.nanoTime() > deadline) fail("the compare/where kernels still allocate after warm-up: " + last + " bytes");
            long before = mx.getCurrentThreadAllocatedBytes();
            long overhead = mx.getCurrentThreadAllocatedBytes() - before;
            before = mx.getCurrentThreadAllocatedBytes();
            for (BinaryKind k : KINDS) {
                CompareKernels.f32(k, a, 0, 1, b, 0, 0, o, 0, 1, 4099);
                CompareKernels.f32(k, a, 0, 1, b, 0, 1, o, 0, 1, 4099);
            }
            ElementwiseCpu.whereF32(c, 0, a, 0, 1, b, 0, 1, fo, 0, 4099);
            ElementwiseCpu.whereF32(c, 0, a, 0, 1, b, 0, 0, fo, 0, 4099);
            last = mx.getCurrentThreadAllocatedBytes() - before - overhead;
            clean = last <= 0 ? clean + 1 : 0;
        }
    }
}
