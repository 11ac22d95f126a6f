package dev.kona.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kona.Generator;
import dev.kona.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The column path of {@link ReduceCpu}: float32 sum, max and min over the leading axes of a
 * contiguous tensor (a linear layer's bias gradient), against a float64 loop; offsets, tails that
 * are not a whole vector, several leading axes, and NaN.
 */
class ColumnReduceTest {

    private static double[] reference(float[] a, int rows, int cols, String op) {
        double[] r = new double[cols];
        for (int j = 0; j < cols; j++) {
            double acc = a[j];
            for (int i = 1; i < rows; i++) {
                double v = a[i * cols + j];
                acc = switch (op) {
                    case "sum" -> acc + v;
                    case "max" -> Math.max(acc, v);
                    default -> Math.min(acc, v);
                };
            }
            r[j] = acc;
        }
        return r;
    }

    private static void check(Tensor x, int rows, int cols) {
        float[] a = x.contiguous().toFloatArray();
        int[] axes = new int[x.dim() - 1];   // every axis but the last
        for (int i = 0; i < axes.length; i++) axes[i] = i;
        double[] sum = reference(a, rows, cols, "sum"), max = reference(a, rows, cols, "max"), min = reference(a, rows, cols, "min");
        double[] gotSum = x.sum(axes, false).reshape(-1).toDoubleArray();
        double[] gotMax = x.amax(axes, false).reshape(-1).toDoubleArray();
        double[] gotMin = x.amin(axes, true).reshape(-1).toDoubleArray();
        assertEquals(cols, gotSum.length);
        for (int j = 0; j < cols; j++) {
            assertEquals(sum[j], gotSum[j], 1e-4 * (1 + rows), "sum of column " + j);
        }
        assertArrayEquals(max, gotMax, 0, "max");
        assertArrayEquals(min, gotMin, 0, "min");
    }

    @Test
    void leadingAxesOfContiguousTensors() {
        Generator g = new Generator(5);
        check(Tensor.randn(g, 300, 1024), 300, 1024);
        check(Tensor.randn(g, 7, 37), 7, 37);                        // a tail shorter than a vector
        check(Tensor.randn(g, 1, 19), 1, 19);                        // one row: a copy
        check(Tensor.randn(g, 40, 5, 3).reshape(40, 15), 40, 15);
        check(Tensor.randn(g, 20, 37).narrow(0, 3, 10), 10, 37);    // contiguous, with an offset
        Tensor three = Tensor.randn(g, 6, 4, 33);                    // two leading axes
        double[] ref = reference(three.toFloatArray(), 24, 33, "sum");
        assertArrayEquals(ref, three.sum(new int[] {0, 1}, false).toDoubleArray(), 1e-4);
    }

    @Test
    void nanPropagatesThroughMaxAndMin() {
        Tensor x = Tensor.of(new float[][] {{1, Float.NaN, 3}, {4, 5, 6}, {-1, 2, Float.NaN}});
        float[] max = x.amax(new int[] {0}, false).toFloatArray(), min = x.amin(new int[] {0}, false).toFloatArray();
        assertEquals(4f, max[0]);
        assertTrue(Float.isNaN(max[1]) && Float.isNaN(max[2]) && Float.isNaN(min[1]) && Float.isNaN(min[2]));
        assertEquals(-1f, min[0]);
    }
}
