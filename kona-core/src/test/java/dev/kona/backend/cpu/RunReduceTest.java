package dev.kona.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Generator;
import dev.kona.Kona;
import dev.kona.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The run path of {@link ReduceCpu}: float32 sum, max and min over axes that end in a stride-1
 * run but are not one run with the others (a convolution's bias gradient, {@code [N, C, H, W]}
 * over 0, 2, 3), against a float64 loop; offsets, views, NaN, and the same bits at 1 and 2 threads.
 */
class RunReduceTest {

    /** {@code [N, C, P]} reduced over 0 and 2, per channel. */
    private static double[] reference(float[] a, int n, int c, int p, String op) {
        double[] r = new double[c];
        for (int ci = 0; ci < c; ci++) {
            double acc = op.equals("sum") ? 0 : a[ci * p];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < p; j++) {
                    double v = a[(i * c + ci) * p + j];
                    acc = switch (op) {
                        case "sum" -> acc + v;
                        case "max" -> Math.max(acc, v);
                        default -> Math.min(acc, v);
                    };
                }
            }
            r[ci] = acc;
        }
        return r;
    }

    private static void check(Tensor x) {
        int n = x.size(0), c = x.size(1), p = x.size(2) * x.size(3);
        float[] a = x.contiguous().toFloatArray();
        int[] axes = {0, 2, 3};
        double[] got = x.sum(axes, false).toDoubleArray();
        double[] sum = reference(a, n, c, p, "sum");
        for (int j = 0; j < c; j++) assertEquals(sum[j], got[j], 1e-5 * n * p, "sum of channel " + j);
        assertArrayEquals(reference(a, n, c, p, "max"), x.amax(axes, false).toDoubleArray(), 0, "max");
        assertArrayEquals(reference(a, n, c, p, "min"), x.amin(axes, true).reshape(-1).toDoubleArray(), 0, "min");
    }

    @Test
    void channelsOfImages() {
        Generator g = new Generator(11);
        check(Tensor.randn(g, 5, 7, 9, 11));
        check(Tensor.randn(g, 3, 4, 8, 8).add(2.0));
        check(Tensor.randn(g, 6, 5, 10, 13).narrow(0, 2, 3));   // an offset
        check(Tensor.randn(g, 4, 9, 12, 12).narrow(1, 1, 6));   // channels a view of
        check(Tensor.randn(g, 2, 3, 1, 70));
    }

    @Test
    void nanPropagatesThroughMaxAndMin() {
        Tensor x = Tensor.randn(new Generator(2), 3, 2, 8, 8).contiguous();
        float[] a = x.toFloatArray();
        a[2 * 128 + 5] = Float.NaN;   // image 2, channel 0
        Tensor y = Tensor.of(a, 3, 2, 8, 8);
        float[] max = y.amax(new int[] {0, 2, 3}, false).toFloatArray(), min = y.amin(new int[] {0, 2, 3}, false).toFloatArray();
        assertTrue(Float.isNaN(max[0]) && Float.isNaN(min[0]));
        assertTrue(!Float.isNaN(max[1]) && !Float.isNaN(min[1]));
    }

    @Test
    void sameBitsAtOneAndTwoThreads() {
        Tensor x = Tensor.randn(new Generator(3), 64, 16, 24, 24);
        int before = Kona.numThreads();
        try {
            Kona.setNumThreads(1);
            float[] one = x.sum(new int[] {0, 2, 3}, false).toFloatArray();
            Kona.setNumThreads(2);
            float[] two = x.sum(new int[] {0, 2, 3}, false).toFloatArray();
            assertArrayEquals(one, two, 0);
        } finally {
            Kona.setNumThreads(before);
        }
    }

    /** Reduced axes that are all broadcast (y.sum()'s gradient): reduced without the copy, at any thread count. */
    @Test
    void broadcastAxes() {
        int[] axes = {0, 2, 3};
        Tensor scalar = Tensor.scalar(0.1).reshape(1, 1, 1, 1).expand(32, 64, 40, 40);
        Tensor perChannel = Tensor.randn(new Generator(5), 1, 6, 1, 1).expand(300, 6, 30, 30);
        Tensor channelsView = Tensor.randn(new Generator(6), 1, 9, 1, 1).narrow(1, 2, 5).expand(4, 5, 7, 9);
        int before = Kona.numThreads();
        try {
            for (Tensor x : new Tensor[] {scalar, perChannel, channelsView}) {
                float[] values = x.contiguous().toFloatArray();
                int c = x.size(1), count = x.size(0) * x.size(2) * x.size(3), p = x.size(2) * x.size(3);
                Kona.setNumThreads(1);
                float[] one = x.sum(axes, false).toFloatArray();
                Kona.setNumThreads(2);
                float[] sum = x.sum(axes, false).toFloatArray(), max = x.amax(axes, false).toFloatArray();
                float[] min = x.amin(axes, true).toFloatArray();
                assertArrayEquals(one, sum, 0);
                for (int j = 0; j < c; j++) {
                    float v = values[j * p];
                    assertEquals((double) v * count, sum[j], 1e-4 * Math.abs(v) * count, "sum of channel " + j);
                    assertEquals(v, max[j], 0);
                    assertEquals(v, min[j], 0);
                }
            }
        } finally {
            Kona.setNumThreads(before);
        }
    }
}
